"""The checks of one program at its inputs: ``srcdiff.grad``, ``vjp`` and
``value_and_grad`` against central differences, ``jvp`` against reverse mode,
inputs left unmodified, then the higher orders of tools/fuzz/order2.py."""
from __future__ import annotations

import warnings

import numpy as np

import srcdiff
from tools.fuzz.differences import numeric_grad
from tools.fuzz.failures import Failure, _exc_failure
from tools.fuzz.values import (_numbers, close, deep_copy, flat_grad, flatten,
                               float_positions, random_tangent, same_values)


def _nums_agree(f, args, i, got_flat):
    """Does got agree with central differences of f for some reasonable step?"""
    best = None
    for eps, st in ((1e-6, 2), (1e-5, 4), (1e-7, 2), (1e-4, 4)):
        want = numeric_grad(f, args, i, eps, st)
        if close(got_flat, want):
            return True, want
        err = float(np.max(np.abs(got_flat - want))) if want.size else 0.0
        if best is None or err < best[0]:
            best = (err, want)
    return False, best[1]


ORDERS = (1, 2)        # the orders checked by default (--orders)


def check_program(f, args, wrt=None, *, seed=0, forward="auto", vjp_checks=True, numeric=None,
                  orders=ORDERS, notes=None):
    """Run every check on ``f`` at ``args``; return a list of Failures (empty: all good).

    ``wrt`` is what ``srcdiff.grad`` is given (position, name or tuple of those;
    default: every float argument).  ``numeric`` may hold precomputed central
    differences, one flat vector per float position.  With 2 in ``orders`` (and
    no first-order failure) the second-order checks of tools/fuzz/order2.py run
    too; ``notes`` (a dict) counts their documented refusals.
    """
    fails = []
    floats = float_positions(args)
    params = list(f.__code__.co_varnames[:f.__code__.co_argcount])
    if wrt is None:
        wrt = tuple(floats)
    items = list(wrt) if isinstance(wrt, (tuple, list)) else [wrt]
    positions = [params.index(w) if isinstance(w, str) else w for w in items]
    ref_args = deep_copy(args)
    try:
        value = float(f(*deep_copy(args)))
    except Exception as e:  # noqa: BLE001
        return [Failure("invalid", "the program itself fails", f"{type(e).__name__}: {e}")]
    numeric = dict(numeric or {})

    def num(i):
        if i not in numeric:
            numeric[i] = numeric_grad(f, ref_args, i)
        return numeric[i]

    def compare(what, i, g):
        try:
            got = flat_grad(g, ref_args[i])
        except ValueError as e:
            fails.append(Failure("grad", f"{what} {params[i]}: structure", str(e)))
            return None
        want = num(i)
        if close(got, want):
            return got
        ok, want2 = _nums_agree(f, ref_args, i, got)
        if ok:
            return got
        err = float(np.max(np.abs(got - want2)))
        fails.append(Failure("grad", f"{what} wrt {params[i]}",
                             f"max abs diff {err:.3g}; got {np.round(got[:6], 6).tolist()} "
                             f"want {np.round(want2[:6], 6).tolist()}"))
        return None

    def mutated(what, a):
        if not same_values(a, ref_args):
            fails.append(Failure("mutated", what, "the generated code modified its inputs"))
            return True
        return False

    # reverse mode, as asked
    grads = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = deep_copy(args)
            g = srcdiff.grad(f, wrt=wrt)(*a)
            mutated("grad", a)
            gs = list(g) if isinstance(wrt, (tuple, list)) else [g]
            if len(gs) != len(positions):
                fails.append(Failure("grad", "number of gradients",
                                     f"{len(gs)} gradients for wrt={wrt!r}"))
            else:
                for i, gi in zip(positions, gs):
                    got = compare("grad", i, gi)
                    if got is not None:
                        grads[i] = got
        except Exception as e:  # noqa: BLE001
            fails.append(_exc_failure(e, "grad"))
        if fails:
            return fails

        if vjp_checks and floats:
            try:
                a = deep_copy(args)
                out, fv = srcdiff.vjp(f, *a, wrt=tuple(floats))
                if not close(out, value, 1e-9, 1e-12):
                    fails.append(Failure("vjp", "forward value", f"{out!r} != {value!r}"))
                mutated("vjp forward", a)
                c1 = fv(1.0)
                c2 = fv(1.0)
                mutated("vjp backward", a)
                for k, i in enumerate(floats):
                    got = compare("vjp", i, c1[k])
                    if got is not None:
                        again = flat_grad(c2[k], ref_args[i])
                        if not close(again, got, 1e-12, 1e-14):
                            fails.append(Failure("vjp", "second f_vjp call differs",
                                                 f"wrt {params[i]}"))
                        grads.setdefault(i, got)
                a = deep_copy(args)
                w = tuple(params[i] for i in floats)
                val, g = srcdiff.value_and_grad(f, wrt=w)(*a)
                mutated("value_and_grad", a)
                if not close(val, value, 1e-9, 1e-12):
                    fails.append(Failure("value", "value_and_grad value", f"{val!r} != {value!r}"))
                for k, i in enumerate(floats):
                    compare("value_and_grad", i, g[k])
            except Exception as e:  # noqa: BLE001
                fails.append(_exc_failure(e, "vjp/value_and_grad"))
            if fails:
                return fails

        jvp = getattr(srcdiff, "jvp", None)
        if forward is True:
            from srcdiff.api import forward_mode as forward_api
            jvp = forward_api.jvp
        if forward and jvp is not None and floats:
            rng = np.random.default_rng(seed)
            tangents = [random_tangent(x, rng) if i in floats else None
                        for i, x in enumerate(args)]
            try:
                a = deep_copy(args)
                out, dout = jvp(f, tuple(a), tuple(tangents))
                mutated("jvp", a)
                if not close(out, value, 1e-9, 1e-12):
                    fails.append(Failure("jvp", "primal value", f"{out!r} != {value!r}"))
                u = 0.7
                lhs = u * float(dout)                     # <u, J v>
                rhs = 0.0                                 # <J^T u, v>
                for i in floats:
                    gi = grads.get(i)
                    if gi is None:
                        gi = num(i)
                    vi = np.concatenate([np.ravel(_numbers(leaf))
                                         for leaf in flatten(tangents[i])])
                    rhs += u * float(np.real(np.sum(gi * vi)))   # Re: JAX's convention
                if not close(lhs, rhs, 1e-5, 1e-6):
                    fails.append(Failure("jvp", "<u, Jv> != <J^T u, v>",
                                         f"forward {lhs:.8g} reverse {rhs:.8g}"))
            except Exception as e:  # noqa: BLE001
                fails.append(_exc_failure(e, "jvp"))
        if 2 in orders and not fails and floats:
            from tools.fuzz import order2 as fuzz_order2
            fails += fuzz_order2.check_order_two(f, ref_args, wrt, positions, seed=seed,
                                                 notes=notes)
            if 3 in orders and not fails:
                fails += fuzz_order2.check_order_three(f, ref_args, wrt, positions,
                                                       seed=seed, notes=notes)
    return fails
