"""Second-order checks of the fuzzer (``python tools/fuzz --orders 1,2``).

For a program whose first-order checks passed, along a random direction ``v``
(with the structure of the differentiated arguments; complex where they are):

* ``srcdiff.hvp(f, wrt)(*args, v)`` against central differences of
  ``srcdiff.grad(f, wrt)`` along ``v`` (the gradient is already checked against
  central differences of ``f`` at first order);
* ``srcdiff.jvp(srcdiff.grad(f, wrt), args, tangents)``: its primal output is the
  gradient, its tangent the same central differences;
* for one real array or scalar argument (``wrt`` not a tuple):
  ``srcdiff.jacobian(srcdiff.grad(f, wrt))``
  times ``v`` against the same; and, when the argument has at most
  ``HESSIAN_SIZE`` elements, ``srcdiff.hessian`` (symmetric, times ``v``);
* that none of these modifies its inputs.

A ``SrcdiffError`` at order two is a mismatch ('refused'), except one saying that
a rule is not twice differentiable which names a function the program calls
(counted in ``notes['twice_refused']``).
"""
from __future__ import annotations

import ast
import os
import re
import warnings

import numpy as np

import srcdiff
from tools.fuzz.failures import Failure, _exc_failure
from tools.fuzz.loader import load_module
from tools.fuzz.values import (_is_float_arg, _numbers, close, deep_copy, flat_grad, flatten,
                               random_tangent, same_values, unflatten)

HESSIAN_SIZE = 6
TWICE = re.compile(r"(not|never) (be )?twice[- ]differentiable|no second[- ]order", re.I)


def called_names(source):
    """Dotted names of the callables a program calls (``np.linalg.svd``, ``max``)."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            try:
                out.add(ast.unparse(node.func))
            except Exception:  # noqa: BLE001
                pass
    return out


def documented_refusal(fail, source):
    """Is ``fail`` a SrcdiffError saying that a rule the program calls is not twice
    differentiable (naming it)?"""
    if fail.category != "refused" or not TWICE.search(fail.message or ""):
        return False
    text = fail.message
    for name in called_names(source):
        variants = {name, name.replace("np.", "numpy.", 1)}
        if "." in name or name in ("max", "min", "abs", "sum", "pow", "round"):
            if any(re.search(rf"(?<![\w.]){re.escape(v)}(?!\w)", text) for v in variants):
                return True
    return False


def _axpy(x, v, h):
    """``x + h * v`` leaf by leaf (``x``'s structure and dtypes)."""
    leaves = [np.asarray(a) + h * np.asarray(b) if isinstance(a, np.ndarray)
              else type(a)(a + h * b) for a, b in zip(flatten(x), flatten(v))]
    return unflatten(x, leaves)


def _zero_tangent(x):
    if isinstance(x, (bool, int, np.bool_, np.integer)) or not _is_float_arg(x):
        return None
    leaves = [np.zeros_like(leaf) if isinstance(leaf, np.ndarray) else type(leaf)(0)
              for leaf in flatten(x)]
    return unflatten(x, leaves)


def _one_block(J, single):
    """The block of a Jacobian or Hessian w.r.t. one argument: for a 1-tuple wrt
    it is nested as JAX nests it, ``((block,),)`` (left as it is when it is not,
    so that the shape check reports it)."""
    if single or not (isinstance(J, tuple) and len(J) == 1 and isinstance(J[0], tuple)
                      and len(J[0]) == 1):
        return J
    return J[0][0]


def _flat(res, args, positions, single):
    """One flat vector of a gradient-shaped result (one item per wrt position)."""
    items = [res] if single else list(res)
    if len(items) != len(positions):
        raise ValueError(f"{len(items)} results for {len(positions)} arguments")
    parts = [flat_grad(r, args[i]) for r, i in zip(items, positions)]
    return np.concatenate(parts) if parts else np.zeros(0)


def check_order_two(f, args, wrt, positions, *, seed=0, notes=None):
    """The second-order checks of ``f`` at ``args`` (first order already passed);
    a list of Failures."""
    args = list(args)
    source = open(f.__code__.co_filename).read()
    params = list(f.__code__.co_varnames[:f.__code__.co_argcount])
    single = not isinstance(wrt, (tuple, list))
    rng = np.random.default_rng(seed + 2)
    vs = [random_tangent(args[i], rng) for i in positions]
    v_arg = vs[0] if single else tuple(vs)
    vflat = np.concatenate([np.ravel(_numbers(leaf)) for v in vs for leaf in flatten(v)])
    label = ", ".join(params[i] for i in positions)
    fails = []
    state = {}

    def mutated(what, a):
        if not same_values(a, args):
            fails.append(Failure("mutated", what, "the generated code modified its inputs"))

    def flat(what, res):
        """_flat, where a bare result for a 1-tuple wrt is a failure of its own (and
        its numbers are still checked)."""
        if not single and len(positions) == 1 and not (isinstance(res, tuple)
                                                        and len(res) == 1):
            fails.append(Failure("order2", f"{what}: a bare result for a 1-tuple wrt",
                                   f"{type(res).__name__}, not a 1-tuple like grad's"))
            res = (res,)
        return _flat(res, args, positions, single)

    def g_at(h):
        a = deep_copy(args)
        for i, v in zip(positions, vs):
            a[i] = _axpy(a[i], v, h)
        return _flat(state["g"](*a), args, positions, single)

    def reference():
        """Central differences of the gradient along v (several steps)."""
        if "ref" not in state:
            state["ref"] = [(g_at(eps) - g_at(-eps)) / (2 * eps) for eps in (1e-5, 1e-4, 1e-6)]
        return state["ref"]

    def compare(what, got):
        refs = reference()
        if any(close(got, want) for want in refs):
            return
        err = min(float(np.max(np.abs(got - want))) for want in refs)
        fails.append(Failure("order2", f"{what} wrt {label}",
                               f"max abs diff {err:.3g}; got {np.round(got[:6], 6).tolist()} "
                               f"want {np.round(refs[0][:6], 6).tolist()}"))

    def attempt(what, fn):
        """Run one transform; its failures are recorded (True: it ran)."""
        try:
            fn()
            return True
        except Exception as e:  # noqa: BLE001
            fl = _exc_failure(e, what)
            if documented_refusal(fl, source):
                if notes is not None:
                    notes["twice_refused"] = notes.get("twice_refused", 0) + 1
            else:
                fl.order = 2
                fails.append(fl)
            return False

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        state["g"] = srcdiff.grad(f, wrt=wrt)
        g0 = _flat(state["g"](*deep_copy(args)), args, positions, single)

        def hvp():
            a = deep_copy(args)
            res = srcdiff.hvp(f, wrt=wrt)(*a, v_arg)
            mutated("hvp", a)
            compare("hvp", flat("hvp", res))

        def jvp_grad():
            a = deep_copy(args)
            tangents = [None] * len(args)
            for i, x in enumerate(args):
                tangents[i] = _zero_tangent(x)
            for i, v in zip(positions, vs):
                tangents[i] = v
            out, dout = srcdiff.jvp(state["g"], tuple(a), tuple(tangents))
            mutated("jvp(grad)", a)
            if not close(flat("jvp(grad) primal", out), g0, 1e-9, 1e-12):
                fails.append(Failure("order2", "jvp(grad) primal output is not the gradient"))
            compare("jvp(grad)", flat("jvp(grad)", dout))

        attempt("hvp", hvp)
        attempt("jvp(grad)", jvp_grad)
        x = args[positions[0]]
        plain = single and not isinstance(x, (list, tuple, dict)) and not np.iscomplexobj(x)
        if plain:
            n = int(np.size(x))

            def jac_grad():
                a = deep_copy(args)
                J = _one_block(srcdiff.jacobian(state["g"], wrt=wrt)(*a), single)
                mutated("jacobian(grad)", a)
                if np.shape(J) != np.shape(x) * 2:
                    fails.append(Failure("order2", "jacobian(grad) shape",
                                           f"{np.shape(J)} for an argument of shape "
                                           f"{np.shape(x)}"))
                    return
                compare("jacobian(grad) @ v", np.reshape(J, (n, n)) @ vflat)

            def hessian():
                a = deep_copy(args)
                H = _one_block(srcdiff.hessian(f, wrt=wrt)(*a), single)
                mutated("hessian", a)
                if np.shape(H) != np.shape(x) * 2:
                    fails.append(Failure("order2", "hessian shape",
                                           f"{np.shape(H)} for an argument of shape "
                                           f"{np.shape(x)}"))
                    return
                H = np.reshape(np.asarray(H, dtype=float), (n, n))
                if not close(H, H.T, 1e-6, 1e-8):
                    fails.append(Failure("order2", "hessian not symmetric",
                                           f"max |H - H.T| {float(np.max(np.abs(H - H.T))):.3g}"))
                compare("hessian @ v", H @ vflat)

            attempt("jacobian(grad)", jac_grad)
            if n <= HESSIAN_SIZE:
                attempt("hessian", hessian)
    return fails


def check_order_three(f, args, wrt, positions, *, seed=0, notes=None):
    """Order three (``--orders 1,2,3``), for one real array or scalar argument (as
    ``jacobian(grad)``): ``h(*args) = sum(grad(f)(*args) * u)`` is a scalar
    function of generated code, so ``hvp(h)`` (forward over reverse over reverse)
    along ``v`` against central differences of ``grad(h)`` (reverse over reverse)
    along ``v``. A list of Failures."""
    args = list(args)
    if not isinstance(wrt, (int, str)) or len(positions) != 1:
        return []
    x = args[positions[0]]
    if isinstance(x, (list, tuple, dict)) or np.iscomplexobj(x) or not _is_float_arg(x):
        return []
    source = open(f.__code__.co_filename).read()
    params = list(f.__code__.co_varnames[:f.__code__.co_argcount])
    rng = np.random.default_rng(seed + 3)
    u = random_tangent(x, rng)
    v = random_tangent(x, rng)
    i = positions[0]
    fails = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            names = ", ".join(params)
            mod = load_module(f"import numpy as np\n\n\ndef h3({names}):\n"
                                f"    return np.sum(G({names}) * U)\n",
                                extra={"G": srcdiff.grad(f, wrt=wrt), "U": u}, tag="order3")
            gh = srcdiff.grad(mod.h3, wrt=wrt)

            def at(h):
                a = deep_copy(args)
                a[i] = _axpy(a[i], v, h)
                return np.ravel(np.asarray(gh(*a), dtype=float))

            refs = [(at(eps) - at(-eps)) / (2 * eps) for eps in (1e-5, 1e-4, 1e-6)]
            a = deep_copy(args)
            got = np.ravel(np.asarray(srcdiff.hvp(mod.h3, wrt=wrt)(*a, v), dtype=float))
            if not same_values(a, args):
                fails.append(Failure("mutated", "hvp(sum(grad * u))",
                                       "the generated code modified its inputs"))
            if not any(close(got, want) for want in refs):
                err = min(float(np.max(np.abs(got - want))) for want in refs)
                fails.append(Failure("order3", f"hvp(sum(grad * u)) wrt {params[i]}",
                                       f"max abs diff {err:.3g}; got "
                                       f"{np.round(got[:6], 6).tolist()} want "
                                       f"{np.round(refs[0][:6], 6).tolist()}"))
        except Exception as e:  # noqa: BLE001
            fl = _exc_failure(e, "order three")
            if documented_refusal(fl, source):
                if notes is not None:
                    notes["twice_refused"] = notes.get("twice_refused", 0) + 1
            else:
                fl.order = 3
                if fl.where and os.path.basename(fl.where[0]).startswith("fuzz_order3"):
                    fl.where = None     # a line of h3's module, not of the program
                fails.append(fl)
    return fails
