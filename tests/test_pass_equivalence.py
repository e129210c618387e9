"""The cheaper forms of the transform's passes make the code their plain forms
make (and leave no garbage for the collector).

* ``walk`` and ``walk_fielded`` give ``gast.walk``'s nodes in its order (the
  latter without contexts and operators);
* ``merge_accumulations`` keeps an index of the next mention of each name up to
  date across its passes: checked against the plain form below, which finds
  every pair again each pass;
* a loop body's last pass of the live-set fixpoint stands for the pass that
  makes the body (``LoopsMixin._reuse_last_pass``): checked against making it;
* a transform leaves few objects in reference cycles (it once left whole trees
  held by recursive closures and classes made per statement).

Each check runs over the fuzzer's regression programs and functions of the
shapes of benchmarks/transform_time.py, through ``srcdiff.grad``.
"""
import copy
import gc
import glob
import importlib.util
import itertools
import os
import re
import sys

import gast
import numpy as np
import pytest

import srcdiff
from srcdiff.backend import optimize
from srcdiff.backend.optimize import accumulations
from srcdiff.backend.optimize.effects import Purity, sub_blocks, view_classes
from srcdiff.backend.optimize.substitution import Seen
from srcdiff.ir.syntax import _LEAVES, walk, walk_fielded
from srcdiff.reverse.loops import LoopsMixin

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import transform_time  # noqa: E402

REGRESSIONS = sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz_regressions", "*.py")))
_count = itertools.count()


def _load_file(path):
    name = f"pass_equivalence_{next(_count)}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _load_source(source, tmp_path):
    path = tmp_path / f"shape_{next(_count)}.py"
    path.write_text("import numpy as np\n\n\n" + source + "\n")
    return _load_file(str(path))


def _gradient_source(load):
    """srcdiff.source of grad of a freshly loaded program, after its first
    call (``load()`` gives (function, args, wrt)), or the refusal's text."""
    f, args, wrt = load()
    try:
        g = srcdiff.grad(f, wrt=wrt)
        g(*copy.deepcopy(list(args)))
        text = srcdiff.source(g)
    except srcdiff.SrcdiffError as e:
        text = f"refused: {e}"
    return re.sub(r"(pass_equivalence|shape)_\d+", r"\1", text)   # (modules loaded anew)


def _programs(tmp_path, with_loops=False):
    """(name, loader) of the regression programs (those with loops) and of
    three shapes of generated functions."""
    out = []
    for path in REGRESSIONS:
        text = open(path).read()
        if with_loops and "for " not in text and "while " not in text:
            continue
        mod = _load_file(path)
        if getattr(mod, "XFAIL", None):
            continue

        def load(path=path):
            m = _load_file(path)
            return getattr(m, getattr(m, "FUNC", "f")), m.ARGS, getattr(m, "WRT", None)
        out.append((os.path.basename(path), load))
    x, w = np.linspace(0.1, 1.0, 5), np.float64(0.3)
    for shape, n in (("straight", 300), ("loops", 150), ("branches", 150)):
        source = transform_time.SHAPES[shape](n)

        def load(source=source):
            return _load_source(source, tmp_path).f, (x, w), (0, 1)
        out.append((f"{shape}_{n}", load))
    return out


# -- walk -------------------------------------------------------------------------

def test_walk_gives_gast_walks_nodes_in_its_order():
    files = glob.glob(os.path.join(ROOT, "srcdiff", "**", "*.py"), recursive=True)
    files += REGRESSIONS
    assert len(files) > 100
    for path in files:
        tree = gast.parse(open(path).read())
        plain = list(gast.walk(tree))
        assert [id(n) for n in walk(tree)] == [id(n) for n in plain], path
        assert [id(n) for n in walk_fielded(tree)] == \
            [id(n) for n in plain if n.__class__ not in _LEAVES], path


def test_the_leaves_are_contexts_and_operators():
    names = {c.__name__ for c in _LEAVES}
    assert {"Load", "Store", "Del", "Add", "Mult", "USub", "Eq", "And"} <= names
    assert not names & {"Pass", "Break", "Continue", "Name", "Constant"}


# -- merge_accumulations ------------------------------------------------------------

def _plain_merge_accumulations(stmts, resolve=None, also=()):
    """merge_accumulations as it was written first: each pass finds every pair
    (``d = A``, next statement mentioning d) again, in one sweep of each block
    from its end."""
    purity = Purity(resolve) if resolve is not None else None
    seen = Seen()
    seen.views = view_classes(list(also) + list(stmts))
    while _plain_pass(stmts, purity, True, seen):
        pass
    return stmts


def _plain_pass(block, purity, top, seen):
    changed = False
    for s in block:
        for sub in sub_blocks(s):
            changed |= _plain_pass(sub, purity, False, seen)
    nxt, last = {}, {}
    for k in range(len(block) - 1, -1, -1):
        s = block[k]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name):
            nxt[k] = last.get(s.targets[0].id)
        for n in seen.mentioned(s):
            last[n] = k
    used, replace, drop = set(), {}, set()
    for i, j in sorted(nxt.items()):
        if j is None or i in used or j in used:
            continue
        new = accumulations._merged(block, i, j, purity, top, seen)
        if new is not None:
            used |= {i, j}
            replace[j] = new
            drop.add(i)
    if drop:
        block[:] = [replace.get(k, s) for k, s in enumerate(block) if k not in drop]
        changed = True
    return changed


def _run_both(tmp_path, monkeypatch, owner, name, plain, real, wanted=lambda *a, **k: True):
    """Gradients of the programs with ``owner.name`` replaced by one that runs
    ``plain`` on a copy of its statements, then ``real``, and checks they give
    the same statements; the sizes of the statement lists compared."""
    compared = []

    def both(stmts, *args, **kwargs):
        if not wanted(*args, **kwargs):
            return real(stmts, *args, **kwargs)
        want = plain(copy.deepcopy(stmts), *args, **kwargs)
        got = real(stmts, *args, **kwargs)
        assert [gast.dump(s) for s in got] == [gast.dump(s) for s in want]
        compared.append(len(stmts))
        return got

    monkeypatch.setattr(owner, name, both)
    for _, load in _programs(tmp_path):
        _gradient_source(load)
    return compared


def test_merge_accumulations_merges_as_its_plain_form(tmp_path, monkeypatch):
    compared = _run_both(tmp_path, monkeypatch, optimize, "merge_accumulations",
                         _plain_merge_accumulations, optimize.merge_accumulations)
    assert len(compared) > 50 and max(compared) > 500


# -- the loop body's last pass ------------------------------------------------------

def test_a_loop_body_made_once_is_the_body_made_again(tmp_path, monkeypatch):
    reused = []
    real = LoopsMixin._reuse_last_pass

    def counting(self, s, last):
        body = real(self, s, last)
        reused.append(body is not None)
        return body

    programs = _programs(tmp_path, with_loops=True)
    assert len(programs) > 20
    monkeypatch.setattr(LoopsMixin, "_reuse_last_pass", counting)
    fast = [_gradient_source(load) for _, load in programs]
    monkeypatch.setattr(LoopsMixin, "_reuse_last_pass", lambda self, s, last: None)
    slow = [_gradient_source(load) for _, load in programs]
    for (name, _), a, b in zip(programs, fast, slow):
        assert a == b, name
    assert sum(reused) > 20


# -- garbage --------------------------------------------------------------------------

def test_a_transform_leaves_little_for_the_collector(tmp_path):
    f = _load_source(transform_time.straight(200), tmp_path).f
    x, w = np.linspace(0.1, 1.0, 5), np.float64(0.3)
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        srcdiff.grad(f, wrt=(0, 1))(x, w)
        unreachable = gc.collect()
    finally:
        if was:
            gc.enable()
    # (40,000 objects before recursive closures and classes made per statement
    # went; a few thousand remain, in annotations that name their statement)
    assert unreachable < 8000, unreachable


# -- the clean-up's dead_code runs ----------------------------------------------------

def _fold_with_every_dead_code(stmts, env, fs, rt=None, params=(), also=()):
    """api.cleanup._fold with dead_code after every pass of its loop, as it was
    first written (it now skips those after a pass that changed nothing, or
    only folded values into their readers)."""
    from srcdiff.api.cleanup import RETURN_WIDTH, _resolver
    from srcdiff.backend.optimize import (copy_propagate, dead_code, forward_substitute,
                                          merge_twin_accumulations, return_items)
    from srcdiff.reverse.tidy import (plain_returns, put_unit_seed, scalar_broadcasts,
                                      shape_stand_ins, unit_divisions)
    resolve = _resolver(env, fs)
    stmts = dead_code(copy_propagate(plain_returns(put_unit_seed(stmts), rt, params)), resolve)
    for _ in range(3):
        for _ in range(4):
            stmts, stood_in = shape_stand_ins(stmts, rt, params)
            stmts = dead_code(stmts, resolve)
            if not stood_in:
                break
        stmts, swapped = scalar_broadcasts(forward_substitute(stmts, resolve), rt)
        stmts = dead_code(stmts, resolve)
        if not swapped:
            break
    stmts = merge_twin_accumulations(forward_substitute(stmts, resolve))
    stmts = forward_substitute(optimize.merge_accumulations(stmts, resolve), resolve)
    stmts, swapped = scalar_broadcasts(stmts, rt)
    if swapped:
        stmts = dead_code(stmts, resolve)
    if stmts and isinstance(stmts[-1], gast.Return) and any(
            isinstance(e, gast.Name) for e in return_items(stmts[-1].value)):
        stmts = forward_substitute(stmts, resolve, RETURN_WIDTH)
    return unit_divisions(stmts)


def test_the_clean_up_skips_only_dead_code_runs_that_find_nothing(tmp_path, monkeypatch):
    from srcdiff.api import cleanup, generate
    # (a gradient's clean-up: called with the reverse transform)
    compared = _run_both(tmp_path, monkeypatch, generate, "_fold", _fold_with_every_dead_code,
                         cleanup._fold, wanted=lambda env, fs, rt=None, *rest: rt is not None)
    assert len(compared) > 50


# -- parsing ------------------------------------------------------------------------------

def test_parse_source_gives_gast_parses_tree():
    from srcdiff.frontend.parse import parse_source
    files = glob.glob(os.path.join(ROOT, "srcdiff", "**", "*.py"), recursive=True)
    files += glob.glob(os.path.join(ROOT, "tests", "test_*.py")) + REGRESSIONS
    for path in files:
        text = open(path).read()
        assert gast.dump(parse_source(text), include_attributes=True) == \
            gast.dump(gast.parse(text), include_attributes=True), path
