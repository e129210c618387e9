"""``scipy.integrate.odeint`` (optional: registered only when SciPy imports).

Differentiated w.r.t. ``y0``, the float items of ``args`` and the times ``t``
by the continuous sensitivity equations, solved by ``odeint`` itself with the
call's tolerances; the user's right-hand side is differentiated by srcdiff
at run time (``srcdiff.vjp`` / ``srcdiff.jvp`` of ``func`` w.r.t. the state
and the float ``args``):

* reverse (adjoint): from the last output time back to ``t[0]``, the state
  restarts at each saved output and ``a' = -(df/dy)^T a``,
  ``p' = -(df/dargs)^T a`` are integrated beside it, ``g[i]`` added to
  ``a`` at ``t[i]``;
* forward: ``s' = (df/dy) s + (df/dargs) dargs`` beside the state.

A time ``t[i]`` (i > 0) moves its own output by ``f(y[i], t[i])``; ``t[0]``
moves every later output by ``-dy[i]/dy0 f(y0, t[0])``. The results are the
derivatives of the exact solution: they match the derivatives of odeint's
numbers to about its tolerances (pass tight ``rtol``/``atol`` when that
matters). Refused: ``full_output``, a ``Dfun`` (the Jacobian srcdiff would
use is its own), complex states, and second derivatives (the helpers below
have no rules of their own).
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import integrate
except ImportError:  # pragma: no cover
    integrate = None

from ..errors import SrcdiffError
from ..runtime import transforms, scatter_add
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable
from .linalg import _position


def _float_positions(args):
    """Positions of the items of ``args`` that are differentiated (float scalars
    and float arrays)."""
    out = []
    for i, a in enumerate(args):
        kind = np.asarray(a).dtype.kind
        if kind == "c":
            unsupported("the derivative of scipy.integrate.odeint w.r.t. a complex item of args")
        if kind == "f" and not isinstance(a, bool):
            out.append(i)
    return out


def _holds_floats(value, depth=0):
    """Whether ``value`` (a captured variable, a default, an object's attribute)
    holds float data or a function that captures some."""
    if depth > 4:
        return False
    if isinstance(value, (list, tuple)):
        return any(_holds_floats(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_holds_floats(v, depth + 1) for v in value.values())
    if callable(value) and hasattr(value, "__code__"):
        return _captures_floats(value, depth + 1)
    if hasattr(value, "__self__") and hasattr(value, "__func__"):       # a bound method
        return _holds_floats(vars(value.__self__) if hasattr(value.__self__, "__dict__") else (),
                             depth + 1) or _captures_floats(value.__func__, depth + 1)
    kind = getattr(np.asarray(value) if isinstance(value, (int, float, complex, np.ndarray, np.generic))
                   else None, "dtype", None)
    return kind is not None and kind.kind in "fc"


def _captures_floats(func, depth=0):
    """Whether a nested function or lambda reads float data from its closure or
    defaults (which srcdiff cannot differentiate through the call)."""
    if "<locals>" not in getattr(func, "__qualname__", ""):
        return False                    # a module-level function reads constants
    cells = [c.cell_contents for c in (func.__closure__ or ()) if _filled(c)]
    return _holds_floats(cells + list(func.__defaults__ or ()), depth)


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _check_rhs(func, name="odeint"):
    """Refuse a right-hand side whose float inputs do not all come through args."""
    method = hasattr(func, "__self__") and hasattr(func, "__func__")
    if _holds_floats(func) if method else _captures_floats(func):
        raise SrcdiffError(
            f"srcdiff differentiates scipy.integrate.{name} w.r.t. "
            f"{'y0, t and args' if name == 'odeint' else 'y0 and args'} only, and the "
            f"right-hand side {getattr(func, '__name__', func)!s} reads float values from its "
            "closure, defaults or object (their derivatives would be lost)",
            hint="make the right-hand side a module-level function and pass those values "
                 f"through {name}(..., args=(...))")


class _Problem:
    """One odeint call: its right-hand side with srcdiff's derivatives of it."""

    def __init__(self, func, y0, t, args, tfirst, options, name="odeint"):
        if options.get("full_output"):
            unsupported("the derivative of scipy.integrate.odeint(full_output=True)")
        if options.get("Dfun") is not None:
            unsupported("the derivative of scipy.integrate.odeint with a Dfun")
        if np.iscomplexobj(y0):
            unsupported(f"the derivative of scipy.integrate.{name} of a complex state")
        _check_rhs(func, name)
        self.func, self.t = func, np.asarray(t, dtype=float)
        self.args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
        self.tfirst = bool(tfirst)
        self.n = np.size(y0)
        self.shape = np.shape(y0)
        self._vjp = None
        self.params = _float_positions(self.args)
        self.sizes = [np.size(self.args[i]) for i in self.params]
        self.options = {k: v for k, v in options.items()
                        if k in ("rtol", "atol", "h0", "hmax", "hmin", "mxstep", "tcrit") and v is not None}
        for k in ("rtol", "atol"):      # one tolerance for the whole augmented state
            if k in self.options:
                self.options[k] = float(np.min(self.options[k]))

    def primals(self, y, s):
        return ((s, y) if self.tfirst else (y, s)) + self.args

    def f(self, y, s):
        return np.ravel(self.func(*self.primals(y, s)))

    def vjp(self, y, s, a):
        """(f, (df/dy)^T a, (df/dargs)^T a flattened)."""
        if self._vjp is None:
            wrt = (1 if self.tfirst else 0,) + tuple(2 + i for i in self.params)
            self._vjp = transforms.get("vjp_caller")(self.func, wrt)
        out, cts = self._vjp(self.primals(y, s), a)
        ct_y = np.zeros(self.n) if cts[0] is None else np.ravel(cts[0])
        ct_p = [np.zeros(k) if c is None else np.ravel(c) for c, k in zip(cts[1:], self.sizes)]
        return np.ravel(out), ct_y, np.concatenate([ct_y[:0]] + ct_p)

    def jvp(self, y, s, dy, dargs):
        """(f, (df/dy) dy + (df/dargs) dargs)."""
        jvp = transforms.get("jvp")
        tangents = [None] * len(self.args)
        for i, d in zip(self.params, dargs):
            tangents[i] = d
        dprimals = ((0.0, dy) if self.tfirst else (dy, 0.0)) + tuple(tangents)
        out, dout = jvp(self.func, self.primals(y, s), dprimals)
        return np.ravel(out), np.ravel(dout)

    def solve(self, rhs, z0, times):
        return integrate.odeint(rhs, z0, times, **self.options)


def _adjoint_rhs(problem):
    n = problem.n

    def rhs(z, s):
        out, ct_y, ct_p = problem.vjp(z[:n], s, z[n:2 * n])
        return np.concatenate([out, -ct_y, -ct_p])
    return rhs


def odeint_cotangents(g, ans, func, y0, t, args, tfirst, options):
    """The cotangents (of y0, of t, of args) of ``ans = odeint(func, y0, t, args)``."""
    p = _Problem(func, y0, t, args, tfirst, options)
    n, times = p.n, p.t
    g = np.reshape(np.zeros(np.shape(ans)) if g is None else g, (len(times), n))
    ys = np.reshape(ans, (len(times), n))
    a = np.zeros(n)
    gp = np.zeros(sum(p.sizes))
    ct_t = np.zeros(len(times))
    rhs = _adjoint_rhs(p)
    for i in range(len(times) - 1, 0, -1):
        a = a + g[i]
        ct_t[i] = g[i] @ p.f(ys[i], times[i])
        if times[i] != times[i - 1]:
            z = p.solve(rhs, np.concatenate([ys[i], a, gp]), [times[i], times[i - 1]])[-1]
            a, gp = z[n:2 * n], z[2 * n:]
    ct_t[0] = -(a @ p.f(ys[0], times[0]))
    ct_y0 = np.reshape(a + g[0], p.shape)
    splits = np.split(gp, np.cumsum(p.sizes)[:-1]) if p.sizes else []
    ct_args = [None] * len(p.args)
    for i, piece in zip(p.params, splits):
        ct_args[i] = piece.item() if np.ndim(p.args[i]) == 0 else np.reshape(piece, np.shape(p.args[i]))
    return ct_y0, ct_t, tuple(ct_args) if isinstance(args, tuple) else ct_args


def odeint_tangent(ans, func, y0, t, args, tfirst, options, dy0, dt, dargs):
    """The tangent of ``ans = odeint(func, y0, t, args)``."""
    p = _Problem(func, y0, t, args, tfirst, options)
    n, times = p.n, p.t
    ys = np.reshape(ans, (len(times), n))
    dy0 = np.zeros(n) if dy0 is None else np.ravel(dy0).astype(float)
    dt = np.zeros(len(times)) if dt is None else np.broadcast_to(dt, times.shape)
    dargs = [np.zeros(np.shape(p.args[i])) if dargs is None or dargs[i] is None else dargs[i]
             for i in p.params]

    def rhs(z, s):
        out, ds = p.jvp(z[:n], s, np.reshape(z[n:], p.shape), dargs)
        return np.concatenate([out, ds])
    s0 = dy0 - p.f(ys[0], times[0]) * dt[0]
    sens = p.solve(rhs, np.concatenate([ys[0], s0]), times)[:, n:]
    moved = np.stack([p.f(ys[i], times[i]) * dt[i] for i in range(len(times))])
    out = np.concatenate([dy0[None], sens[1:] + moved[1:]])
    return np.reshape(out, np.shape(ans))


@vjp_rule(odeint_cotangents)
def odeint_cotangents_vjp(gg, ans, g, ans_, func, y0, t, args, tfirst, options):
    return unsupported("second derivatives of scipy.integrate.odeint")


@jvp_rule(odeint_cotangents)
def odeint_cotangents_jvp(ans, g, ans_, func, y0, t, args, tfirst, options, *, dg, dans_, dy0, dt, dargs):
    return unsupported("second derivatives of scipy.integrate.odeint")


@vjp_rule(odeint_tangent)
def odeint_tangent_vjp(gg, ans, ans_, func, y0, t, args, tfirst, options, dy0, dt, dargs):
    return unsupported("second derivatives of scipy.integrate.odeint")


@jvp_rule(odeint_tangent)
def odeint_tangent_jvp(ans, ans_, func, y0, t, args, tfirst, options, dy0, dt, dargs, *, dans_, dy0_, dt_,
                       ddargs):
    return unsupported("second derivatives of scipy.integrate.odeint")


if integrate is not None:

    @vjp_rule(integrate.odeint)
    def odeint(g, ans, func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,
               rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0, mxhnil=0,
               mxordn=12, mxords=5, printmessg=0, tfirst=False):
        """Adjoint sensitivities (the module docstring)."""
        cts = odeint_cotangents(g, ans, func, y0, t, args, tfirst,
                                dict(rtol=rtol, atol=atol, tcrit=tcrit, h0=h0, hmax=hmax, hmin=hmin,
                                     mxstep=mxstep, full_output=full_output, Dfun=Dfun))
        return None, cts[0], cts[1], cts[2]

    @jvp_rule(integrate.odeint)
    def odeint_jvp(ans, func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,
                   rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0,
                   mxhnil=0, mxordn=12, mxords=5, printmessg=0, tfirst=False, *, dy0, dt, dargs):
        return odeint_tangent(ans, func, y0, t, args, tfirst,
                              dict(rtol=rtol, atol=atol, tcrit=tcrit, h0=h0, hmax=hmax, hmin=hmin,
                                   mxstep=mxstep, full_output=full_output, Dfun=Dfun),
                              dy0, dt, dargs)


# ----------------------------------------------------------------------------
# scipy.integrate.solve_ivp: the same adjoint and sensitivities, solved by
# solve_ivp itself (the call's method, rtol and atol). Its result is read by
# attribute: ``sol.y`` (differentiated) and ``sol.t`` (constant: t_eval). The
# cotangent and the tangent of a result are dicts {"y": ...}.
# ----------------------------------------------------------------------------

IVP_OPTIONS = ("rtol", "atol", "first_step", "max_step", "min_step")


class _IvpProblem(_Problem):
    """One solve_ivp call: a right-hand side ``fun(t, y, *args)``."""

    def __init__(self, fun, y0, t, args, method, options):
        super().__init__(fun, y0, t, () if args is None else args, True, {}, "solve_ivp")
        if not isinstance(method, str):
            unsupported("the derivative of scipy.integrate.solve_ivp with a solver class as method")
        self.method = method
        defaults = {"max_step": np.inf, "min_step": 0.0}
        self.options = {k: v for k, v in options.items()
                        if k in IVP_OPTIONS and v is not None and not (k in defaults and v == defaults[k])}
        for k in ("rtol", "atol"):      # one tolerance for the whole augmented state
            if k in self.options:
                self.options[k] = float(np.min(self.options[k]))

    def solve(self, rhs, z0, times, start=None):
        times = np.asarray(times, dtype=float)
        start = times[0] if start is None else start
        sol = integrate.solve_ivp(lambda s, z: rhs(z, s), (start, times[-1]), z0, method=self.method,
                                  t_eval=times, **self.options)
        if not sol.success:
            raise SrcdiffError(f"scipy.integrate.solve_ivp failed on the derivative's equations: {sol.message}")
        return sol.y.T


def _ivp_check(t_span, t_eval, dense_output, events, vectorized, options):
    if t_eval is None:
        unsupported("the derivative of scipy.integrate.solve_ivp without t_eval (pass the output times)")
    if dense_output:
        unsupported("the derivative of scipy.integrate.solve_ivp(dense_output=True)")
    if events is not None:
        unsupported("the derivative of scipy.integrate.solve_ivp with events")
    if vectorized:
        unsupported("the derivative of scipy.integrate.solve_ivp(vectorized=True)")
    for k in ("jac", "jac_sparsity"):
        if options.get(k) is not None:
            unsupported(f"the derivative of scipy.integrate.solve_ivp with {k}= (srcdiff uses its own)")
    if np.iscomplexobj(t_span) or np.iscomplexobj(t_eval):
        unsupported("the derivative of scipy.integrate.solve_ivp with complex times")
    return np.concatenate([[float(t_span[0])], np.asarray(t_eval, dtype=float)])


def ivp_cotangents(g, ans, fun, t_span, y0, method, t_eval, dense_output, events, vectorized, args, options):
    """The cotangents (of y0, of args) of ``ans = solve_ivp(fun, t_span, y0, ...)``;
    ``g`` is the cotangent of ``ans.y`` (None: zero)."""
    times = _ivp_check(t_span, t_eval, dense_output, events, vectorized, options)
    p = _IvpProblem(fun, y0, times, args, method, options)
    n = p.n
    ys = np.concatenate([np.ravel(y0)[None].astype(float), np.asarray(ans["y"]).T])
    gs = np.zeros((len(times), n))
    if g is not None:
        gs[1:] = np.asarray(g).T
    a = np.zeros(n)
    gp = np.zeros(sum(p.sizes))
    rhs = _adjoint_rhs(p)
    for i in range(len(times) - 1, 0, -1):
        a = a + gs[i]
        if times[i] != times[i - 1]:
            z = p.solve(rhs, np.concatenate([ys[i], a, gp]), [times[i], times[i - 1]])[-1]
            a, gp = z[n:2 * n], z[2 * n:]
    ct_y0 = np.reshape(a, p.shape)
    splits = np.split(gp, np.cumsum(p.sizes)[:-1]) if p.sizes else []
    ct_args = [None] * len(p.args)
    for i, piece in zip(p.params, splits):
        ct_args[i] = piece.item() if np.ndim(p.args[i]) == 0 else np.reshape(piece, np.shape(p.args[i]))
    return ct_y0, (tuple(ct_args) if isinstance(args, tuple) else ct_args) if args is not None else None


def ivp_tangent(ans, fun, t_span, y0, method, t_eval, dense_output, events, vectorized, args, options,
                dy0, dargs):
    """The tangent ``{"y": dy}`` of ``ans = solve_ivp(fun, t_span, y0, ...)``."""
    times = _ivp_check(t_span, t_eval, dense_output, events, vectorized, options)
    p = _IvpProblem(fun, y0, times, args, method, options)
    n = p.n
    dy0 = np.zeros(n) if dy0 is None else np.ravel(dy0).astype(float)
    dargs = [np.zeros(np.shape(p.args[i])) if dargs is None or dargs[i] is None else dargs[i]
             for i in p.params]

    def rhs(z, s):
        out, ds = p.jvp(z[:n], s, np.reshape(z[n:], p.shape), dargs)
        return np.concatenate([out, ds])
    sens = p.solve(rhs, np.concatenate([np.ravel(y0).astype(float), dy0]), times[1:], start=times[0])[:, n:]
    return {"y": sens.T}


@vjp_rule(ivp_cotangents)
def ivp_cotangents_vjp(gg, ans, g, ans_, fun, t_span, y0, method, t_eval, dense_output, events, vectorized,
                       args, options):
    return unsupported("second derivatives of scipy.integrate.solve_ivp")


@jvp_rule(ivp_cotangents)
def ivp_cotangents_jvp(ans, g, ans_, fun, t_span, y0, method, t_eval, dense_output, events, vectorized, args,
                       options, *, dg, dans_, dy0, dargs):
    return unsupported("second derivatives of scipy.integrate.solve_ivp")


@vjp_rule(ivp_tangent)
def ivp_tangent_vjp(gg, ans, ans_, fun, t_span, y0, method, t_eval, dense_output, events, vectorized, args,
                    options, dy0, dargs):
    return unsupported("second derivatives of scipy.integrate.solve_ivp")


@jvp_rule(ivp_tangent)
def ivp_tangent_jvp(ans, ans_, fun, t_span, y0, method, t_eval, dense_output, events, vectorized, args,
                    options, dy0, dargs, *, dans_, dy0_, ddargs):
    return unsupported("second derivatives of scipy.integrate.solve_ivp")


def _is_ode_result(r):
    return isinstance(r, dict) and type(r).__name__ == "OdeResult"


def _ivp_field(r, name):
    """``r.y`` / ``r.t`` of a solve_ivp result; a named tuple's field otherwise."""
    if _is_ode_result(r):
        return r[name]
    if isinstance(r, tuple) and name in getattr(type(r), "_fields", ()):
        return r[_position(r, name)]
    return getattr(r, name)         # (a constant object: its derivative is refused)


def ivp_field_cotangent(g, r, name):
    """The cotangent of ``r`` from the cotangent ``g`` of its field ``name``
    (a solve_ivp result's: {"y": g}; ``t`` is constant)."""
    if isinstance(r, dict):
        return {"y": g} if name == "y" else None
    return scatter_add(g, r, _position(r, name))


def ivp_field_tangent(dr, r, name, ans):
    """The tangent of field ``name`` of ``r`` from the tangent ``dr`` of ``r``."""
    if isinstance(r, dict):
        return dr["y"] if name == "y" and dr is not None else np.zeros_like(ans)
    return dr[_position(r, name)]


@vjp_rule(ivp_field_cotangent)
def ivp_field_cotangent_vjp(gg, ans, g, r, name):
    return ivp_field_tangent(gg, r, name, g), None, None


@jvp_rule(ivp_field_cotangent)
def ivp_field_cotangent_jvp(ans, g, r, name, *, dg):
    return ivp_field_cotangent(dg, r, name)


@vjp_rule(ivp_field_tangent)
def ivp_field_tangent_vjp(gg, ans, dr, r, name, ans_):
    return ivp_field_cotangent(gg, r, name), None, None, None


@jvp_rule(ivp_field_tangent)
def ivp_field_tangent_jvp(ans, dr, r, name, ans_, *, ddr):
    return ivp_field_tangent(ddr, r, name, ans_)


def _ivp_field_reader(field):
    # (the field name is a default argument: rule templates read no closures)
    def read(r, name=field):
        return _ivp_field(r, name)
    read.__name__ = read.__qualname__ = f"field_{field}"
    read.__doc__ = f"``r.{field}`` of a solve_ivp result or a named tuple ``r``."

    @vjp_rule(read)
    def read_vjp(g, ans, r, name=field):
        return ivp_field_cotangent(g, r, name), None

    @jvp_rule(read)
    def read_jvp(ans, r, name=field, *, dr):
        return ivp_field_tangent(dr, r, name, ans)
    return read


IVP_FIELD_READERS = {name: _ivp_field_reader(name) for name in ("y", "t")}
globals().update({f.__name__: f for f in IVP_FIELD_READERS.values()})
nondifferentiable(_is_ode_result)


if integrate is not None:

    @vjp_rule(integrate.solve_ivp)
    def solve_ivp(g, ans, fun, t_span, y0, method="RK45", t_eval=None, dense_output=False, events=None,
                  vectorized=False, args=None, rtol=1e-3, atol=1e-6, first_step=None, max_step=np.inf,
                  min_step=0.0, jac=None, jac_sparsity=None, lband=None, uband=None):
        """Adjoint sensitivities, solved by solve_ivp (the module docstring)."""
        ct_y0, ct_args = ivp_cotangents(
            None if g is None else g.get("y"), ans, fun, t_span, y0, method, t_eval, dense_output, events,
            vectorized, args, dict(rtol=rtol, atol=atol, first_step=first_step, max_step=max_step,
                                   min_step=min_step, jac=jac, jac_sparsity=jac_sparsity))
        return (None, unsupported("the derivative of scipy.integrate.solve_ivp w.r.t. t_span"), ct_y0, None,
                unsupported("the derivative of scipy.integrate.solve_ivp w.r.t. t_eval"), None, None, None,
                ct_args)

    @jvp_rule(integrate.solve_ivp)
    def solve_ivp_jvp(ans, fun, t_span, y0, method="RK45", t_eval=None, dense_output=False, events=None,
                      vectorized=False, args=None, rtol=1e-3, atol=1e-6, first_step=None, max_step=np.inf,
                      min_step=0.0, jac=None, jac_sparsity=None, lband=None, uband=None, *, dt_span, dy0,
                      dt_eval, dargs):
        return unsupported("the derivative of scipy.integrate.solve_ivp w.r.t. t_span") * dt_span + \
            unsupported("the derivative of scipy.integrate.solve_ivp w.r.t. t_eval") * dt_eval + ivp_tangent(ans, fun, t_span, y0, method, t_eval, dense_output, events, vectorized, args,
                           dict(rtol=rtol, atol=atol, first_step=first_step, max_step=max_step,
                                min_step=min_step, jac=jac, jac_sparsity=jac_sparsity), dy0, dargs)
