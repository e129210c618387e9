"""Regenerate the generated sections of README.md.

    python tools/update_readme.py            # rewrite README.md in place
    python tools/update_readme.py --check    # exit 1 if README.md is out of date

Sections between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers:
``rules`` (the rule coverage table, from srcdiff.rules.listing),
``first-order-only`` (the rules whose second derivatives are refused) and
``benchmarks`` (the main table of benchmarks/results/benchmarks.md, if present).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def rules_section():
    from srcdiff.rules.listing import coverage_markdown
    return coverage_markdown().strip()


def first_order_section():
    from srcdiff.rules.listing import first_order_only_markdown
    return first_order_only_markdown().strip()


def benchmarks_section(current):
    path = os.path.join(ROOT, "benchmarks", "results", "benchmarks.md")
    if not os.path.exists(path):
        return current
    with open(path) as fh:
        text = fh.read()
    return text.strip()


def replace(text, name, body):
    pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(.*?)(<!-- END {name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {name} markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(3), text)


def render(text):
    text = replace(text, "rules", rules_section())
    text = replace(text, "first-order-only", first_order_section())
    m = re.search(r"<!-- BEGIN benchmarks -->\n(.*?)<!-- END benchmarks -->", text, re.S)
    if m:
        text = replace(text, "benchmarks", benchmarks_section(m.group(1).strip()))
    return text


def main(argv):
    with open(README) as fh:
        text = fh.read()
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("README.md is out of date: run python tools/update_readme.py")
            return 1
        return 0
    with open(README, "w") as fh:
        fh.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
