"""Regenerate the generated sections of README.md and benchmarks/README.md.

    python tools/update_readme.py            # rewrite both in place
    python tools/update_readme.py --check    # exit 1 if either is out of date

Run it on Python 3.11 or newer (the rule table then lists every callable;
tests/test_readme.py accepts the few an older Python lacks). Sections between
``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers:

* ``rules``: the rule coverage table, from srcdiff.rules.listing;
* ``output NAME``: what the ```python block just above the marker prints,
  run as the file ``NAME.py`` in a fresh interpreter (its directory elided
  from the output);
* ``benchmarks-summary`` (README.md): the main table of
  benchmarks/results/benchmarks.md;
* ``benchmarks`` (benchmarks/README.md): that whole report.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
BENCH_README = os.path.join(ROOT, "benchmarks", "README.md")
REPORT = os.path.join(ROOT, "benchmarks", "results", "benchmarks.md")
MAIN_TABLE = "## Gradient time / function time (medians)"


def rules_section():
    from srcdiff.rules.listing import coverage_markdown
    return coverage_markdown().strip()


def _report():
    if not os.path.exists(REPORT):
        return None
    with open(REPORT) as fh:
        return fh.read().strip()


def benchmarks_section(current):
    """The full report, its headings one level down (it sits under a heading)."""
    report = _report()
    if report is None:
        return current
    lines = report.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join("#" + ln if ln.startswith("#") else ln for ln in lines).strip()


def benchmarks_summary(current):
    """The report's first line of provenance and its main table."""
    report = _report()
    if report is None or MAIN_TABLE not in report:
        return current
    run = next((ln for ln in report.splitlines() if ln.startswith("- run:")), "")
    table = report.split(MAIN_TABLE, 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in table.splitlines() if ln.startswith("|")]
    return ("Latest run: " + run[len("- run: "):] + "; machine, versions and the other tables: "
            "[benchmarks/README.md](benchmarks/README.md).\n\n" + "\n".join(rows)).strip()


def replace(text, name, body):
    pattern = re.compile(rf"(<!-- BEGIN {re.escape(name)} -->\n)(.*?)(<!-- END {re.escape(name)} -->)",
                         re.S)
    if not pattern.search(text):
        raise SystemExit(f"no {name} markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(3), text)


def output_names(text):
    return re.findall(r"<!-- BEGIN output (\w+) -->", text)


def code_before(text, name):
    """The ```python block above the ``output NAME`` marker."""
    head = text[:text.index(f"<!-- BEGIN output {name} -->")]
    blocks = re.findall(r"```python\n(.*?)```", head, re.S)
    if not blocks:
        raise SystemExit(f"no ```python block above the output {name} marker")
    return blocks[-1]


def run_output(code, name):
    """What ``code`` prints, run as ``NAME.py`` with this tree's srcdiff."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = os.path.realpath(tmp)
        path = os.path.join(tmp, name + ".py")
        with open(path, "w") as fh:
            fh.write(code)
        env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
        r = subprocess.run([sys.executable, path], cwd=tmp, capture_output=True, text=True,
                           env=env, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"README example {name} failed:\n{r.stderr[-3000:]}")
        return r.stdout.replace(tmp + os.sep, "")


def output_section(text, name):
    return "```\n" + run_output(code_before(text, name), name).rstrip() + "\n```"


def render(text):
    text = replace(text, "rules", rules_section())
    for name in output_names(text):
        text = replace(text, f"output {name}", output_section(text, name))
    m = re.search(r"<!-- BEGIN benchmarks-summary -->\n(.*?)<!-- END benchmarks-summary -->",
                  text, re.S)
    if m:
        text = replace(text, "benchmarks-summary", benchmarks_summary(m.group(1).strip()))
    return text


def render_benchmarks(text):
    m = re.search(r"<!-- BEGIN benchmarks -->\n(.*?)<!-- END benchmarks -->", text, re.S)
    if m:
        text = replace(text, "benchmarks", benchmarks_section(m.group(1).strip()))
    return text


def main(argv):
    stale = []
    for path, fn in ((README, render), (BENCH_README, render_benchmarks)):
        with open(path) as fh:
            text = fh.read()
        new = fn(text)
        if new == text:
            continue
        stale.append(os.path.relpath(path, ROOT))
        if "--check" not in argv:
            with open(path, "w") as fh:
                fh.write(new)
    if "--check" in argv and stale:
        print(f"{', '.join(stale)} out of date: run python tools/update_readme.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
