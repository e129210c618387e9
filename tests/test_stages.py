"""``python -m srcdiff FILE.py::FUNC --stage STAGE`` (srcdiff.api.stages):
each stage shows what the pipeline holds after it, the last one is exactly
the code ``srcdiff.source`` shows, and ARCHITECTURE.md's tour shows the
command's current output."""
import ast
import contextlib
import io
import os
import re
import subprocess
import sys

import pytest

import srcdiff
from srcdiff.__main__ import main
from srcdiff.api.stages import STAGES, stage_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "tests", "stage_examples.py")
TARGET = f"{EXAMPLE}::loss"


def _run(*argv):
    """(exit status, stdout) of the command line run in this process."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(argv))
    return status, out.getvalue()


def _stage(stage, *more):
    status, text = _run(TARGET, "--stage", stage, *more)
    assert status == 0
    return text


def _loaded():
    """The example module as the command line loaded it last."""
    return sys.modules["stage_examples"]


def _function(text):
    """The one function definition a stage printed."""
    tree = ast.parse(text)
    (fn,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    return fn


def _calls(fn):
    return [ast.unparse(n.func) for n in ast.walk(fn) if isinstance(n, ast.Call)]


def test_parse_is_the_function_as_written():
    fn = _function(_stage("parse"))
    with open(EXAMPLE) as f:
        written = next(n for n in ast.parse(f.read()).body
                       if isinstance(n, ast.FunctionDef) and n.name == "loss")
    assert ast.dump(fn) == ast.dump(written)


def test_normalize_has_one_operation_per_statement():
    fn = _function(_stage("normalize"))
    atoms = (ast.Name, ast.Constant)
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            value = node.value
            operands = {ast.BinOp: lambda v: [v.left, v.right],
                        ast.UnaryOp: lambda v: [v.operand],
                        ast.Call: lambda v: v.args}.get(type(value), lambda v: [v])(value)
            assert all(isinstance(o, atoms) for o in operands), ast.unparse(node)
    assert "scaled_sum" in _calls(fn)       # (not inlined yet)
    text = ast.unparse(fn)
    assert "h_1 = x * w" in text and "h = np.tanh(h_1)" in text


def test_inline_no_longer_calls_the_helper():
    fn = _function(_stage("inline"))
    assert "scaled_sum" not in _calls(fn)
    assert "np.sum" in _calls(fn)
    assert isinstance(fn.body[-1], ast.Return)


def test_reverse_holds_the_adjoint_sweep_before_the_clean_up():
    reverse = _stage("reverse")
    optimize = _stage("optimize")
    fn = _function(reverse)
    assert fn.name == "loss_grad" and "reversed" in _calls(fn)
    assert any(c.endswith(".pop") for c in _calls(fn))
    assert not reverse.startswith("#")      # (no header: that comes with codegen)
    cleaned = _function(optimize)
    assert len(list(ast.walk(fn))) > len(list(ast.walk(cleaned)))


def test_optimize_is_the_generated_code():
    text = _stage("optimize")
    assert text == srcdiff.source(srcdiff.grad(_loaded().loss))
    status, default = _run(TARGET)
    assert status == 0 and default == text


@pytest.mark.parametrize("wrt, names", [("x", "x"), ("w,x", ("w", "x"))])
def test_stages_follow_wrt(wrt, names):
    text = _stage("optimize", "--wrt", wrt)
    assert text == srcdiff.source(srcdiff.grad(_loaded().loss, wrt=names))
    assert _function(_stage("reverse", "--wrt", wrt)).name == "loss_grad"


def test_forward_mode_stages():
    text = _stage("optimize", "--mode", "forward")
    assert text == srcdiff.source(srcdiff.jvp_source(_loaded().loss))
    assert _stage("inline", "--mode", "forward") == _stage("inline")
    assert _stage("parse", "--mode", "forward") == _stage("parse")


def test_stage_source_refuses_a_stage_of_the_other_mode():
    with pytest.raises(ValueError, match="does not apply to forward mode"):
        stage_source(_loaded().loss, "reverse", mode="forward")
    with pytest.raises(ValueError, match="stage 'bogus'"):
        stage_source(_loaded().loss, "bogus")


def test_cli_bad_stage_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        main([TARGET, "--stage", "bogus"])
    assert e.value.code == 2
    assert _run(TARGET, "--stage", "reverse", "--mode", "forward")[0] == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith("error: --stage reverse does not apply to --mode forward "
                            "(its stages: parse, normalize, inline, optimize)")


def test_cli_stage_as_a_program():
    r = subprocess.run([sys.executable, "-m", "srcdiff", TARGET, "--stage", "reverse"],
                       capture_output=True, text=True, timeout=300, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": ROOT})
    assert r.returncode == 0, r.stderr
    assert r.stdout == _stage("reverse")
    bad = subprocess.run([sys.executable, "-m", "srcdiff", TARGET, "--stage", "bogus"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert bad.returncode == 2 and "invalid choice: 'bogus'" in bad.stderr


# ---- ARCHITECTURE.md cannot go stale -------------------------------------------

SHOWN = re.compile(r"`python -m srcdiff ([^`]+)` prints:\n\n```python\n(.*?)```", re.S)


def _tour():
    with open(os.path.join(ROOT, "ARCHITECTURE.md")) as f:
        return SHOWN.findall(f.read())


def test_architecture_tour_shows_every_stage():
    stages = [args.split("--stage ")[1] for args, _ in _tour()]
    assert stages == list(STAGES)


def test_architecture_tour_shows_the_example_as_written():
    with open(os.path.join(ROOT, "ARCHITECTURE.md")) as f:
        doc = f.read()
    shown = re.search(r"holds the\nfunction we follow.*?```python\n(.*?)```", doc, re.S).group(1)
    with open(os.path.join(ROOT, "examples", "architecture_tour.py")) as f:
        assert shown in f.read()


@pytest.mark.parametrize("args, shown", _tour(), ids=[a for a, _ in _tour()])
def test_architecture_tour_shows_the_current_output(args, shown, monkeypatch):
    monkeypatch.chdir(ROOT)
    status, text = _run(*args.split())
    assert status == 0
    # (the generated code's header names the file by its absolute path)
    assert text.replace(ROOT + os.sep, "") == shown
