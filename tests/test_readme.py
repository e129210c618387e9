"""README stays true: its first lines are the two set-up commands, and its
rule coverage table is the one generated from the rule table."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_first_lines_are_the_two_commands():
    with open(os.path.join(ROOT, "README.md")) as fh:
        lines = [ln.strip() for ln in fh.read().splitlines()[:5] if ln.strip()]
    assert lines[1] == "pip install -e . && python examples/quickstart.py"
    assert lines[2] == "pip install -e '.[test]' && python -m pytest -q"


def test_rule_table_in_readme_is_generated():
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import update_readme
    with open(os.path.join(ROOT, "README.md")) as fh:
        text = fh.read()
    assert update_readme.replace(text, "rules", update_readme.rules_section()) == text, \
        "run python tools/update_readme.py"


def test_examples_run():
    for name in ("quickstart.py", "sine_fit.py", "rnn.py", "newton.py"):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (name, r.stdout[-2000:], r.stderr[-2000:])
