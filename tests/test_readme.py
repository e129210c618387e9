"""README stays true: its first lines are the two set-up commands, its rule
coverage table is the one generated from the rule table, its sample outputs
are what the samples print, and its examples run."""
import importlib
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_first_lines_are_the_two_commands():
    with open(os.path.join(ROOT, "README.md")) as fh:
        lines = [ln.strip() for ln in fh.read().splitlines()[:5] if ln.strip()]
    assert lines[1] == "pip install -e . && python examples/quickstart.py"
    assert lines[2] == "pip install -e '.[test]' && python -m pytest -q -n auto"


def _update_readme():
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import update_readme
    return update_readme


def _readme():
    with open(os.path.join(ROOT, "README.md")) as fh:
        return fh.read()


def _table_cells(markdown):
    """(module, column, name) for every callable in a coverage table."""
    cells = set()
    for line in markdown.splitlines():
        m = re.match(r"\| `([\w.]+)` \(\d+\) \|(.*)\|\s*$", line)
        if not m:
            continue
        for column, names in enumerate(m.group(2).split("|")):
            for name in names.split(","):
                name = name.strip()
                if name and name != "-":
                    cells.add((m.group(1), column, name))
    return cells


def _exists_here(module, name):
    """Whether the callable ``module.name`` exists in this Python and NumPy."""
    obj = importlib.import_module(module)
    for part in re.sub(r" \(.*\)$", "", name).split("."):
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def test_rule_table_in_readme_is_generated():
    """The README's table is generated on a Python that has every callable
    (python tools/update_readme.py on 3.11+). Where this Python or NumPy lacks
    some (math.cbrt and math.exp2 are new in 3.11), the table differs from the
    one generated here by exactly those callables."""
    update_readme = _update_readme()
    text = _readme()
    generated = update_readme.rules_section()
    block = re.search(r"<!-- BEGIN rules -->\n(.*?)<!-- END rules -->", text, re.S).group(1)
    readme_cells, here_cells = _table_cells(block), _table_cells(generated)
    assert here_cells <= readme_cells, \
        ("run python tools/update_readme.py", sorted(here_cells - readme_cells))
    missing = sorted(c for c in readme_cells - here_cells)
    assert not [c for c in missing if _exists_here(c[0], c[2])], \
        ("run python tools/update_readme.py", missing)
    if not missing:
        assert update_readme.replace(text, "rules", generated) == text, \
            "run python tools/update_readme.py"


def test_rule_table_check_sees_a_dropped_callable():
    """The comparison above fails when the README lacks a callable that exists."""
    generated = _update_readme().rules_section()
    cells = _table_cells(generated)
    assert ("math", 0, "sin") in cells and len(cells) > 250
    assert ("math", 0, "sin") not in _table_cells(generated.replace(" sin,", ""))
    assert _exists_here("math", "sin") and not _exists_here("math", "no_such_function")


def test_examples_run():
    for name in ("quickstart.py", "sine_fit.py", "rnn.py", "newton.py", "ode_fit.py"):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (name, r.stdout[-2000:], r.stderr[-2000:])


def test_sample_outputs_are_what_the_samples_print():
    """Every ``output NAME`` section is what the code above it prints when run
    (python tools/update_readme.py regenerates them)."""
    update_readme = _update_readme()
    text = _readme()
    names = update_readme.output_names(text)
    assert {"demo", "model", "tensor_demo"} <= set(names)
    for name in names:
        block = re.search(rf"<!-- BEGIN output {name} -->\n(.*?)<!-- END output {name} -->",
                          text, re.S).group(1).strip()
        assert block == update_readme.output_section(text, name), \
            (name, "run python tools/update_readme.py")


def test_sample_output_check_sees_a_changed_output():
    update_readme = _update_readme()
    assert update_readme.run_output("print('a')\n", "x") == "a\n"
    text = "```python\nprint(1 + 1)\n```\n<!-- BEGIN output two -->\n<!-- END output two -->\n"
    assert update_readme.output_section(text, "two") == "```\n2\n```"


def test_benchmark_sections_are_generated():
    update_readme = _update_readme()
    text = _readme()
    block = re.search(r"<!-- BEGIN benchmarks-summary -->\n(.*?)<!-- END benchmarks-summary -->",
                      text, re.S).group(1).strip()
    assert update_readme.benchmarks_summary(block) == block, "run python tools/update_readme.py"
    with open(update_readme.BENCH_README) as fh:
        bench = fh.read()
    assert update_readme.render_benchmarks(bench) == bench, "run python tools/update_readme.py"
    assert "| workload |" in text and "## Hessian" not in text


def test_rule_sample_is_the_real_rule():
    text = _readme()
    sample = re.search(r"```python\n(@vjp_rule\(operator.mul, np.multiply\)\n.*?)```", text,
                       re.S).group(1)
    with open(os.path.join(ROOT, "srcdiff", "rules", "operators.py")) as fh:
        source = fh.read()
    rules = sample.strip().split("\n\n")
    assert len(rules) == 2
    for rule in rules:
        assert rule + "\n" in source


IPYTHON_SESSION = '''
import numpy as np
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for cell in ["import numpy as np, srcdiff",
             "def f(x):\\n    y = np.sin(x) * x\\n    return np.sum(y)",
             "sq = lambda x: np.sum(x ** 2)",
             "g = srcdiff.grad(f)(np.linspace(0, 1, 3)); h = srcdiff.grad(sq)(np.ones(2))"]:
    shell.run_cell(cell).raise_error()
x = np.linspace(0, 1, 3)
assert np.allclose(shell.user_ns["g"], np.cos(x) * x + np.sin(x))
assert np.allclose(shell.user_ns["h"], 2.0)
print("ok")
'''


def test_functions_in_ipython_cells():
    """IPython registers each cell's source with linecache: srcdiff reads it."""
    pytest.importorskip("IPython")
    r = subprocess.run([sys.executable, "-c", IPYTHON_SESSION], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "PYTHONPATH": ROOT})
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]
