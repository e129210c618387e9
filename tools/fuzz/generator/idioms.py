"""Statements of the fuzzer's grammar that look like real code (the fuzzer's
ProgramGenerator inherits them; each belongs to one feature of ``IDIOMS``, which
``--disable`` leaves out and ``--focus`` makes frequent):

* ``complex``: complex values (a complex parameter ``z``, or complex values made
  from real ones) that end in real ones through ``np.abs``, ``np.real``, ``.imag``,
  ``np.linalg.norm``, ``np.vdot``; loops accumulate complex values;
* ``tuple-helpers``: module-level helpers returning a tuple, a list or a dict of
  two values, unpacked (``p, q = h(x, scale=0.3)``), indexed or read by key;
* ``closure-acc``: a nested def that changes a list or dict of the enclosing
  function (``acc = [0.0]; def add(v): acc[0] = acc[0] + v``), called several times;
* ``layer-list``: ``for W in Ws: h = x @ W; x = np.tanh(h)`` over matrices of
  different shapes (made in the function, or a parameter: a list of matrices, or of
  ``(W, b)`` pairs or ``Layer(W, b)`` named tuples), ``h`` read after the loop;
* ``loop-temporary``: a temporary bound in a loop body and read after the loop;
* ``linalg-results``: NumPy-2 named-tuple results (``np.linalg.svd``, ``eigh``,
  ``slogdet``, ``qr``) unpacked, indexed and read by attribute (only quantities
  that do not depend on the sign choices of singular/eigen vectors);
* ``packed-params``: parameters packed in a tuple or a named tuple (``Params(w, c)``);
* ``inplace-call``: a buffer the loop reads, then overwrites by a call that writes
  its argument (``out=``, ``np.copyto``, ``np.add.at``, ``np.put``, a nested helper
  whose ``b += v``, ``b *= v``, ``b[...] += v`` or ``out=b`` writes its parameter);
* ``buffer-swap``: a stencil step written into a second (or third) buffer, after
  which the buffers trade names (``a, b = b, a``, through a temporary, in a
  branch, or three rotating).
* ``changed-through-holder``: a list changed in place through another name that
  holds it (``for L in [A, B]: L.append(v)``, ``P['a'].append(v)``, ``Q = P[0];
  Q.append(v)``), or inside a list, tuple or dict literal (``P = [A, [e]];
  P[0].append(v)``, two deep ``P[0][0].append(v)``, ``for k in ['a', 'b']:
  P[k].append(v)``), then read through the first name or the container.
* ``shared-restored``: ``u = v`` (``v if c else w``, ``v[1:]``) read, then ``v[0] =
  e`` written, then ``v`` rebound in a loop: the sweep puts v's old items back into
  the array u shares, popped off a stack (forward mode over it once put them back
  into a copy of the tangent).
"""
from __future__ import annotations

import re

IDIOMS = {
    "complex": "complex values (a complex parameter, complex temporaries) ending in real ones",
    "tuple-helpers": "helpers returning tuples, lists or dicts, unpacked, indexed, read by key",
    "closure-acc": "a nested def that changes a list or dict of the enclosing function",
    "layer-list": "for W in Ws: h = x @ W; x = np.tanh(h) over shapes that change, h read "
                  "after the loop (Ws made in f, or a parameter of matrices / (W, b) pairs / "
                  "Layer named tuples)",
    "loop-temporary": "a temporary bound in a loop body, read after the loop; a buffer made "
                      "in each iteration, written in place with differentiated values and "
                      "read after (or between) the writes",
    "linalg-results": "np.linalg.svd/eigh/slogdet/qr results unpacked, indexed, by attribute",
    "packed-params": "parameters packed in a tuple or a named tuple",
    "inplace-call": "a buffer read in a loop, then overwritten by a call that writes its "
                    "argument (out=, np.copyto, np.add.at, np.put)",
    "buffer-swap": "a stencil step written into a second buffer, then the buffers trade "
                   "names (a, b = b, a; through a temporary; in a branch; three rotating)",
    "carried-pair": "two arrays carried by a loop, a = a + c, c rebound afresh after, then "
                    "items, slices or rows of a read (their cotangents may name one array)",
    "changed-through-holder": "a list appended to through another name that holds it "
                              "(a loop over [A, B], P['a'], Q = P[0]) or inside a literal "
                              "(P[0].append, P[0][0].append, for k in keys: P[k].append), "
                              "read through the first name or the container",
    "shared-restored": "u = v (or v if c else w, or v[1:]) read, then v[0] = e written, "
                       "then v rebound in a loop (the sweep puts v's items back into the "
                       "array u shares)",
}

TYPES_IMPORT = "from tools.fuzz_types import Layer, Params"


class IdiomStatements:
    """Mixin of ProgramGenerator (which provides Var, the expression grammar and the
    scopes)."""

    def idiom_weight(self, feature, base):
        if not self.on(feature):
            return 0.0
        return base * (10.0 if feature in self.focus else 1.0)

    def idiom_options(self, ctx):
        """(weight, statement) pairs for ProgramGenerator.stmt."""
        top = ctx.depth <= 1
        out = [(self.idiom_weight("complex", 0.4), self.s_complex),
               (self.idiom_weight("loop-temporary", 0.3 if ctx.depth <= 2 else 0.0),
                self.s_loop_temporary),
               (self.idiom_weight("linalg-results", 0.25), self.s_linalg),
               (self.idiom_weight("inplace-call", 0.25 if ctx.depth <= 2 else 0.0),
                self.s_inplace_call),
               (self.idiom_weight("buffer-swap", 0.25 if ctx.depth <= 2 else 0.0),
                self.s_buffer_swap),
               (self.idiom_weight("carried-pair", 0.25 if ctx.depth <= 2 else 0.0),
                self.s_carried_pair),
               (self.idiom_weight("changed-through-holder", 0.2 if ctx.depth <= 2 else 0.0),
                self.s_through_holder),
               (self.idiom_weight("shared-restored", 0.3 if ctx.depth <= 2 else 0.0),
                self.s_shared_restored)]
        if top:
            out += [(self.idiom_weight("tuple-helpers", 0.6), self.s_unpack_call),
                    (self.idiom_weight("closure-acc", 0.3 if ctx.loop is None else 0.0),
                     self.s_closure_acc),
                    (self.idiom_weight("layer-list", 0.3), self.s_layers)]
        return [(w, s) for w, s in out if w > 0]

    # ---- parameters ------------------------------------------------------------

    IDIOM_PARAMS = ("Z", "Ws", "Layers", "PT", "PN")

    def idiom_params(self):
        """(name, kind) of the parameters the idioms add to ProgramGenerator.PARAMS."""
        out = []
        if self.on("complex"):
            out.append(("z", "Z"))
        if self.on("layer-list"):
            out += [("Ws", "Ws"), ("layers", "Layers")]
        if self.on("packed-params"):
            out += [("pt", "PT"), ("pn", "PN")]
        return out

    PARAM_FEATURE = {"Z": "complex", "Ws": "layer-list", "Layers": "layer-list",
                     "PT": "packed-params", "PN": "packed-params"}

    def focused_params(self, chosen):
        """Parameters added to ``chosen`` for the features focused on (each half the time)."""
        return [pk for pk in self.idiom_params()
                if self.PARAM_FEATURE[pk[1]] in self.focus and pk not in chosen
                and self.r.random() < 0.5]

    def idiom_param(self, p, kind, fn):
        """Declare parameter ``p`` of ``kind`` in the function's scope; its spec extra."""
        r = self.r
        N, M = self.N, self.M
        if kind == "Z":
            self.add(self.Var(p, "Z", 1.7, fn=fn)).active = True
            return None
        if kind in ("Ws", "Layers"):
            widths = [N] + [r.randint(2, 6) for _ in range(r.randint(1, 2))] + [r.choice([N, M])]
            form = r.choice(["pair", "named"]) if kind == "Layers" else None
            v = self.add(self.Var(p, kind, 1.0, fn=fn))
            v.active, v.widths, v.layer_form = True, widths, form
            return widths, form
        if kind == "PT":
            self.add(self.Var(p + "w", "V", 1.2, fn=fn, code=f"{p}[0]")).active = True
            self.add(self.Var(p + "c", "S", 1.2, fn=fn, code=f"{p}[1]")).active = True
            return None
        # PN: Params(w, c), read by attribute or index
        self.add(self.Var(p + "w", "V", 1.2, fn=fn,
                          code=r.choice([f"{p}.w", f"{p}[0]"]))).active = True
        self.add(self.Var(p + "c", "S", 1.2, fn=fn, code=f"{p}.c")).active = True
        return None

    def idiom_argument(self, kind, extra, nrng):
        from tools.fuzz_types import Layer, Params
        N = self.N
        if kind == "Z":
            return nrng.uniform(-1.2, 1.2, N) + 1j * nrng.uniform(-1.2, 1.2, N)
        if kind == "Ws":
            w = extra[0]
            return [nrng.uniform(-0.8, 0.8, (a, b)) for a, b in zip(w, w[1:])]
        if kind == "Layers":
            w, form = extra
            make = Layer if form == "named" else (lambda W, b: (W, b))
            return [make(nrng.uniform(-0.8, 0.8, (a, b)), nrng.uniform(-0.5, 0.5, b))
                    for a, b in zip(w, w[1:])]
        vec, c = nrng.uniform(-1.2, 1.2, N), float(nrng.uniform(-1.2, 1.2))
        return (vec, c) if kind == "PT" else Params(w=vec, c=c)

    # ---- complex values ------------------------------------------------------

    def zex(self, d):
        """A complex (N,) expression and a bound on its modulus."""
        r = self.r
        N = self.N
        zs = self.visible(lambda v: v.kind == "Z")
        if d <= 0 or r.random() < 0.25:
            if zs and r.random() < 0.7:
                v = r.choice(zs)
                return v.code, v.bound
            e1, b1 = self.limited("V", 1, 1.5)
            c = r.random()
            if c < 0.4:
                e2, b2 = self.limited("V", 1, 1.5)
                return f"({e1} + 1j * {self.atom(e2)})", b1 + b2
            if c < 0.7:
                return f"np.exp(1j * {self.atom(e1)})", 1.0
            re_, im = self.uniform(-0.8, 0.8), self.uniform(-0.8, 0.8)
            return f"({complex(re_, im)!r} * {self.atom(e1)})", 1.2 * b1
        c = r.random()
        a, ba = self.zex(d - 1)
        if c < 0.2:
            b, bb = self.zex(d - 1)
            return f"({a} * {b})", ba * bb
        if c < 0.35:
            b, bb = self.zex(d - 1)
            return f"({a} {r.choice(['+', '-'])} {b})", ba + bb
        if c < 0.41:
            return f"np.conj({a})", ba
        if c < 0.45:   # np.sign of a complex value moves with it (z / |z|)
            return f"(np.sign({a}) * np.abs({self.atom(a)}))", ba
        if c < 0.55:
            return f"{self.atom(a)} ** 2", ba * ba
        if c < 0.65:
            e, be = self.limited("V", 1, 1.5)
            return f"({a} * {self.atom(e)})", ba * be
        if c < 0.75:
            e, _ = self.limited("V", 1, 1.5)
            return f"(np.exp(0.5j * {self.atom(e)}) * {a})", ba
        if c < 0.82 and ba < 3:
            return f"np.exp({a})", 2.72 ** ba
        if c < 0.9 and ba < 3:
            return f"np.sin({a})", 1.2 * 2.72 ** ba
        if c < 0.95:
            return f"np.fft.fft({a})", ba * N
        s, bs = self.limited("S", 1, 1.5)
        return f"({a} * {self.atom(s)})", ba * bs

    def zlimited(self, d, limit=3.0):
        e, b = self.zex(d)
        if b > limit:
            e, b = f"({e} * {round(limit / b, 3)})", limit
        return e, b

    def s_complex(self, ind, ctx):
        """A complex temporary (maybe accumulated in a loop), and a real value of it."""
        r = self.r
        q = self.fresh("Z")
        e, b = self.zlimited(self.d())
        lines = [f"{ind}{q} = {e}"]
        if r.random() < 0.3 and ctx.depth <= 1:
            i = self.fresh("I")
            k = r.randint(1, 3)
            self.push()
            self.add(self.Var(i, "I", ub=k))
            rot, _ = self.limited("S", 1, 1.0)
            e2, b2 = self.zlimited(self.d(), 1.0)
            self.pop()
            lines += [f"{ind}for {i} in range({k}):",
                      f"{ind}    {q} = {q} * np.exp(0.3j * {self.atom(rot)}) + 0.5 * {e2}"]
            b = b + k * b2
        zv = self.add(self.Var(q, "Z", b, fn=ctx.fn, fresh=True))
        zv.active = self.is_active(e)
        kind = r.choice(["V", "V", "S"])
        if kind == "V":
            code, bound = r.choice([(f"np.abs({q}) ** 2", b * b), (f"np.real({q})", b),
                                    (f"np.imag({q})", b), (f"{q}.real", b), (f"{q}.imag", b),
                                    (f"np.abs({q})", b), (f"({q} * np.conj({q})).real", b * b)])
        else:
            code, bound = r.choice([(f"np.linalg.norm({q})", b * self.N),
                                    (f"np.real(np.vdot({q}, {q}))", b * b * self.N),
                                    (f"np.sum(np.abs({q}) ** 2)", b * b * self.N),
                                    (f"np.linalg.vector_norm({q}, ord=3)", b * self.N),
                                    (f"np.sum({q}.imag)", b * self.N),
                                    (f"np.real(np.sum({q} * {q}))", b * b * self.N)])
        name = self.fresh(kind)
        # np.real/np.imag/.real/.imag of a complex array are views of it: not owned
        view = kind == "V" and re.match(r"(np\.(real|imag)\(q\d+\)|q\d+\.(real|imag))$", code)
        v = self.add(self.Var(name, kind, bound, fn=ctx.fn, fresh=not view))
        v.active = zv.active
        if view:
            self.freeze({name, q}, ctx)
        return lines + [f"{ind}{name} = {code}"]

    # ---- helpers returning containers ----------------------------------------

    def multi_helper(self, name):
        """Module-level ``def name(...)`` returning a tuple, list or dict of two values;
        (lines, Var)."""
        r = self.r
        nparams = r.randint(1, 2)
        params = [(f"a{next(self.counter)}", r.choice(self.KINDS)) for _ in range(nparams)]
        kw = "scale" if r.random() < 0.4 else None
        k1, k2 = r.choice(self.KINDS), r.choice(self.KINDS)
        fn = next(self.fn_counter) + 1000
        ctx = self.Ctx(fn, None)
        self.push()
        for p, k in params:
            self.add(self.Var(p, k, self.ARG_LIMIT, fn=fn))
        if kw:
            self.add(self.Var(kw, "S", 1.0, fn=fn))
        body = [ln for ln in self.block("    ", r.randint(0, 2), ctx) if ln.strip() != "pass"]
        items = []
        bounds = []
        for k in (k1, k2):
            e, b = self.ex(k, self.d())
            if self.roots(e):
                e = f"{self.atom(e)} * 1.0"
            items.append(e)
            bounds.append(b)
        self.pop()
        form = r.choice(["tuple", "tuple", "list", "dict"])
        if form == "tuple":
            ret = f"return {items[0]}, {items[1]}"
        elif form == "list":
            ret = f"return [{items[0]}, {items[1]}]"
        else:
            ret = f"return {{'u': {items[0]}, 'v': {items[1]}}}"
        sig = ", ".join([p for p, _ in params] + ([f"{kw}={self.uniform(0.2, 0.9)}"] if kw else []))
        lines = [f"def {name}({sig}):"] + body + [f"    {ret}", ""]
        func = self.Func(name, [k for _, k in params], (form, k1, k2), max(bounds), kw)
        func.bounds = bounds
        return lines, self.Var(name, "F", fn=-1, func=func)

    def s_unpack_call(self, ind, ctx):
        r = self.r
        helpers = [v.func for v in self.visible(lambda v: v.kind == "F"
                                                and isinstance(v.func.ret, tuple))]
        if not helpers:
            return None
        fn = r.choice(helpers)
        form, k1, k2 = fn.ret
        d = self.d()
        args = [self.limited(k, d, self.ARG_LIMIT)[0] for k in fn.params]
        if fn.kw and r.random() < 0.6:
            args.append(f"{fn.kw}={self.uniform(0.1, 1.0)}")
        call = f"{fn.name}({', '.join(args)})"
        active = self.is_active(call) if args else False
        n1, n2 = self.fresh(k1), self.fresh(k2)
        keys = ("['u']", "['v']") if form == "dict" else ("[0]", "[1]")
        c = r.random()
        held = False            # n1, n2 name arrays a container still holds (not written)
        if form != "dict" and c < 0.45:
            lines = [f"{ind}{n1}, {n2} = {call}"]
        elif c < 0.8:
            res = self.fresh("L").replace("L", "res")
            second = keys[1] if form == "dict" or r.random() < 0.5 else "[-1]"
            if form == "dict" and r.random() < 0.3:
                second = ".get('v')"
            lines = [f"{ind}{res} = {call}", f"{ind}{n1} = {res}{keys[0]}",
                     f"{ind}{n2} = {res}{second}"]
            held = True
        else:
            lines = [f"{ind}{n1} = {call}{keys[0]}", f"{ind}{n2} = {call}{keys[1]}"]
        for n, k, b in ((n1, k1, fn.bounds[0]), (n2, k2, fn.bounds[1])):
            v = self.add(self.Var(n, k, b, fn=ctx.fn, fresh=not held))
            v.active = active
            if held:
                self.freeze({n}, ctx)
        return lines

    # ---- closures that change a list of the enclosing function ----------------

    def s_closure_acc(self, ind, ctx):
        r = self.r
        kind = r.choice(["S", "S", "V", "W"])
        acc = self.fresh("L").replace("L", "acc")
        add = self.fresh("F").replace("g", "add")
        zero = "0.0" if kind == "S" else f"np.zeros({self.shape[kind][0]})"
        form = r.choice(["item", "item", "augitem", "append", "dict"])
        c = self.uniform(0.3, 1.2)
        if form == "item":
            init, body, read = f"[{zero}]", f"{acc}[0] = {acc}[0] + {c} * v", f"{acc}[0]"
        elif form == "augitem":
            init, body, read = f"[{zero}]", f"{acc}[0] += v * v", f"{acc}[0]"
        elif form == "append":
            init, body = "[]", f"{acc}.append(np.tanh(v) * {c})"
            read = f"sum({acc})" if kind == "S" else f"np.sum(np.stack({acc}), axis=0)"
        else:
            init, body, read = (f"{{'t': {zero}, 'n': 0}}",
                                f"{acc}['t'] = {acc}['t'] + {c} * v", f"{acc}['t']")
        lines = [f"{ind}{acc} = {init}", f"{ind}def {add}(v):", f"{ind}    {body}"]
        if form == "dict":
            lines.append(f"{ind}    {acc}['n'] = {acc}['n'] + 1")
        ncalls = r.randint(1, 3)
        active = False
        bound = 0.0
        for _ in range(ncalls):
            e, b = self.limited(kind, self.d(), 1.5)
            active = active or self.is_active(e)
            bound += b * b if form == "augitem" else b * 1.2
            if r.random() < 0.25:
                i = self.fresh("I")
                k = r.randint(1, 3)
                lines += [f"{ind}for {i} in range({k}):", f"{ind}    {add}({e})"]
                bound *= k
            else:
                lines.append(f"{ind}{add}({e})")
        name = self.fresh(kind)
        v = self.add(self.Var(name, kind, bound, fn=ctx.fn, fresh=True))
        v.active = active
        return lines + [f"{ind}{name} = {read} * 1.0"]

    # ---- layer lists ---------------------------------------------------------

    def s_layers(self, ind, ctx):
        r = self.r
        N, M = self.N, self.M
        params = self.visible(lambda v: v.kind in ("Ws", "Layers"))
        x = self.fresh("V").replace("v", "x")
        e, b = self.limited("V", self.d(), 1.5)
        lines = [f"{ind}{x} = {e}"]
        h = self.fresh("V").replace("v", "h")
        if params and r.random() < 0.7:
            P = r.choice(params)
            widths = P.widths
            active = True
            if P.kind == "Ws":
                head = f"for W in {P.code}:"
                lin = f"{x} @ W"
            elif P.layer_form == "named":
                head = f"for layer in {P.code}:"
                lin = f"{x} @ layer.W + layer.b"
            else:
                head = f"for W, b in {P.code}:"
                lin = f"{x} @ W + b"
        else:
            # matrices made in the function: from a parameter matrix and constants
            widths = [N]
            mats = []
            for _ in range(r.randint(1, 3)):
                k = r.choice([2, 3, 4, 5, 6, M])
                fan_in = widths[-1]
                mats.append(f"np.linspace(-0.5, 0.5, {fan_in * k}).reshape({fan_in}, {k})")
                widths.append(k)
            last = widths[-1]
            end = r.choice([N, M])
            mats.append(f"np.linspace(0.5, -0.5, {last * end}).reshape({last}, {end})")
            widths.append(end)
            mats_active = [m for m in self.numeric("M") if m.active]
            if mats_active and r.random() < 0.6 and widths[-1] in (N, M):
                # a parameter's matrix as the last layer (N -> M is A.T)
                A = r.choice(mats_active)
                if widths[-2] == N:
                    mats[-1] = f"{A.code}.T"
                    widths[-1] = M
                elif widths[-2] == M:
                    mats[-1] = f"{A.code}"
                    widths[-1] = N
            s, _ = self.limited("S", 1, 1.0)
            active = self.is_active(e) or self.is_active(s) or any(
                self.is_active(m) for m in mats)
            Ws = self.fresh("L").replace("L", "Ws")
            lines.append(f"{ind}{Ws} = [{', '.join(mats)}]")
            if r.random() < 0.5:
                lines.append(f"{ind}{Ws}[0] = {Ws}[0] * {self.atom(s)}")
            head = f"for W in {Ws}:"
            lin = f"{x} @ W"
        act = r.choice(["np.tanh({h})", "np.sin({h})", "{h} / (1.0 + {h} ** 2)"])
        lines += [f"{ind}{head}", f"{ind}    {h} = {lin}",
                  f"{ind}    {x} = {act.format(h=h)}"]
        out = widths[-1]
        kind = "V" if out == N else "W" if out == M else None
        u = self.fresh("S")
        lines.append(f"{ind}{u} = np.sum({h} ** 2) + np.sum({x})")
        uv = self.add(self.Var(u, "S", 50.0, fn=ctx.fn, fresh=True))
        uv.active = active
        if kind is not None:
            for n in (h, x):
                v = self.add(self.Var(n, kind, 6.0 if n == h else 1.0, fn=ctx.fn, fresh=False))
                v.active = active
            self.freeze({h, x}, ctx)
        return lines

    # ---- temporaries read after their loop ------------------------------------

    def s_loop_temporary(self, ind, ctx):
        r = self.r
        if r.random() < 0.4:
            return self.s_loop_buffer(ind, ctx)
        k = r.randint(1, 3)
        i = self.fresh("I")
        kind = r.choice(["S", "V", "W", "M"])
        t = self.fresh(kind).replace(self.PREFIX[kind], "t", 1)
        self.push()
        self.add(self.Var(i, "I", ub=k))
        e, b = self.limited(kind, self.d(), 2.0)
        e, fresh = self.bind(t, kind, e, b, ctx, ind)
        lines = [f"{ind}for {i} in range({k}):", f"{ind}    {t} = {e}"]
        sub = ctx.sub(loop={"type": "for", "iters": k, "no_break": False},
                      loops=max(1, ctx.loops) * k)
        self.add(self.Var(t, kind, b, fn=ctx.fn, fresh=False))
        lines += [ln for ln in self.block(ind + "    ", r.randint(0, 2), sub)
                  if ln.strip() != "pass"]
        self.pop()
        v = self.add(self.Var(t, kind, b, fn=ctx.fn, fresh=False))
        v.active = self.is_active(e)
        self.freeze({t}, ctx)
        return lines

    def s_loop_buffer(self, ind, ctx):
        """t = e; for i in range(k): buf = np.zeros(N); buf[...] = <t's values>;
        t = t + c * np.sin(buf): a buffer made in each iteration (the gradient
        code pushes it once the iteration has written it), written in place and
        read nonlinearly after the writes or between them (order two reads the
        stack entry: reverse over reverse must see the writes)."""
        r = self.r
        N = self.N
        k = r.randint(1, 3)
        i, j = self.fresh("I"), self.fresh("I")
        buf = self.fresh("V").replace(self.PREFIX["V"], "buf", 1)
        t = self.fresh("V").replace(self.PREFIX["V"], "t", 1)
        e, b = self.limited("V", self.d(), 1.5)
        s, _ = self.limited("S", 1, 1.0)
        body = ind + "    "
        make = r.choice([f"np.zeros({N})", f"np.zeros_like({t})", f"np.empty({N})",
                         f"{t}.copy()", f"np.ones({N}) * 0.5"])
        lines = [f"{ind}{t} = {e}", f"{ind}for {i} in range({k}):", f"{body}{buf} = {make}"]
        form = r.random()
        if form < 0.35:
            # element by element, the buffer read between the writes
            if make.startswith("np.empty"):
                make = f"np.zeros({N})"
                lines[-1] = f"{body}{buf} = {make}"
            lines += [f"{body}for {j} in range({N}):",
                      f"{body}    {t} = {t} * (1.0 + 0.1 * np.tanh({buf}))",
                      f"{body}    {buf}[{j}] = {self.atom(s)} * {t}[{j}]"]
        elif form < 0.7:
            a, c = self.span(N)
            lines += [f"{body}{buf}[{a}:{c}] = np.sin({t}[{a}:{c}]) * {self.atom(s)}"]
            if make.startswith("np.empty"):
                lines += [f"{body}{buf}[:{a}] = 0.0", f"{body}{buf}[{c}:] = {t}[{c}:]"]
            if r.random() < 0.5 and self.on("mask-write"):
                lines.append(f"{body}{buf}[{buf} > 0.2] *= 0.5")
        else:
            lines += [f"{body}{buf}[...] = {t} * {self.atom(s)}" if make.startswith("np.empty")
                      else f"{body}{buf}[0] = {self.atom(s)} * {t}[-1]"]
            if not make.startswith("np.empty"):
                lines.append(f"{body}{buf}[1:] += 0.5 * {t}[:-1]")
        read = r.choice([f"np.sin({buf})", f"{buf} * {buf}", f"np.tanh({buf}) * {t}",
                         f"np.cos({buf}) * {buf}[::-1]"])
        lines.append(f"{body}{t} = 0.5 * {t} + 0.3 * {read}")
        v = self.add(self.Var(t, "V", 2.0 + b, fn=ctx.fn, fresh=False))
        v.active = self.is_active(e) or self.is_active(s)
        self.freeze({t}, ctx)
        return lines

    # ---- calls writing into a buffer the derivative reads ----------------------

    def s_inplace_call(self, ind, ctx):
        """t = e; for i in range(k): t = t * (1.0 + buf); <a call overwriting buf>:
        the adjoint must see each iteration's buf, not the last one."""
        r = self.r
        N = self.N
        k = r.randint(1, 3)
        i = self.fresh("I")
        buf = self.fresh("V").replace(self.PREFIX["V"], "buf", 1)
        t = self.fresh("V").replace(self.PREFIX["V"], "t", 1)
        e, b = self.limited("V", self.d(), 1.5)
        write = r.choice([
            f"np.multiply(np.cos({i}) * np.ones({N}), 0.3, out={buf})",
            f"np.copyto({buf}, 0.3 * np.sin({i} + np.arange({N})))",
            f"np.add.at({buf}, [0, 0], 0.1)",
            f"np.put({buf}, [{N - 1}], 0.2 * np.cos({i}))",
        ])
        helper = []
        if ctx.loop is None and r.random() < 0.5:
            # a nested helper writing into its argument, in place through a
            # parameter (b += v, b *= v, b[...] += v, out=b), with a value that
            # may be differentiated (t's)
            bump = self.fresh("F").replace("g", "bump", 1)
            body = r.choice(["b += 0.1 * np.tanh(v)", "b *= 1.0 + 0.1 * np.tanh(v)",
                             "b[...] += 0.1 * np.sin(v)", "np.add(b, 0.1 * np.cos(v), out=b)",
                             "b -= 0.1 * np.tanh(v)\n" + ind + "    b[0] *= 0.9"])
            helper = [f"{ind}def {bump}(b, v):", f"{ind}    {body}"]
            write = f"{bump}({buf}, {t} * {r.choice(['1.0', f'np.cos({i})'])})"
        lines = helper + [f"{ind}{buf} = np.linspace(-0.3, 0.3, {N})",
                 f"{ind}{t} = {e}",
                 f"{ind}for {i} in range({k}):",
                 f"{ind}    {t} = {t} * (1.0 + {buf})",
                 f"{ind}    {write}"]
        v = self.add(self.Var(t, "V", b * 2.0 ** k, fn=ctx.fn, fresh=False))
        v.active = self.is_active(e)
        self.freeze({t}, ctx)
        return lines

    # ---- double buffers that trade names ---------------------------------------

    def s_buffer_swap(self, ind, ctx):
        """a = e; b = np.zeros(N); for i in range(k): b[1:-1] = <stencil of a>;
        b[0] = ..; b[-1] = ..; a, b = b, a: each step averages (bounds kept)."""
        r = self.r
        N = self.N
        k = r.randint(1, 4)
        i = self.fresh("I")
        a, b2, c = (self.fresh("V").replace(self.PREFIX["V"], x, 1) for x in ("bufa", "bufb",
                                                                             "bufc"))
        e, bound = self.limited("V", self.d(), 1.5)
        s, _ = self.limited("S", 1, 1.0)
        rotate = r.random() < 0.25
        lines = [f"{ind}{a} = {r.choice(['np.array', 'np.copy'])}({e})",
                 f"{ind}{b2} = {r.choice(['np.zeros', 'np.ones'])}({N})"]
        if rotate:
            lines.append(f"{ind}{c} = {a} * 0.5")
        lines.append(f"{ind}for {i} in range({k}):")
        body = ind + "    "
        old = f"0.5 * ({a}[1:-1] + {c}[1:-1])" if rotate else f"{a}[1:-1]"
        stencil = r.choice([
            f"0.5 * {old} + 0.25 * ({a}[2:] + {a}[:-2])",
            f"np.tanh({old} + 0.3 * {self.atom(s)} * ({a}[2:] - {a}[:-2]))",
            f"({old} + {a}[2:] * np.cos({a}[:-2])) / 2.0",
        ])
        if r.random() < 0.3:
            j = self.fresh("I")
            item = stencil.replace("[1:-1]", f"[{j}]").replace("[2:]", f"[{j} + 1]") \
                .replace("[:-2]", f"[{j} - 1]")
            lines += [f"{body}for {j} in range(1, {N} - 1):", f"{body}    {b2}[{j}] = {item}"]
        else:
            lines.append(f"{body}{b2}[1:-1] = {stencil}")
        lines += [f"{body}{b2}[0] = {r.choice([f'{a}[0]', f'np.sin({a}[0])', '0.0'])}",
                  f"{body}{b2}[-1] = {r.choice([f'np.tanh({a}[-1])', f'{a}[-1] * 0.5'])}"]
        how = "rotate" if rotate else r.choice(["tuple", "tuple", "temp", "branch"])
        if how == "rotate":
            lines.append(f"{body}{c}, {a}, {b2} = {a}, {b2}, {c}")
        elif how == "tuple":
            lines.append(f"{body}{a}, {b2} = {b2}, {a}")
        elif how == "temp":
            t = self.fresh("V").replace(self.PREFIX["V"], "tmp", 1)
            lines += [f"{body}{t} = {a}", f"{body}{a} = {b2}", f"{body}{b2} = {t}"]
        else:
            lines += [f"{body}if {i} % 2 == 0:", f"{body}    {a}, {b2} = {b2}, {a}",
                      f"{body}else:", f"{body}    {a} = {a} * 0.5 + 0.5 * {b2}"]
        active = self.is_active(e) or (self.is_active(s) and "tanh(" in stencil)
        for n in (a, b2):
            v = self.add(self.Var(n, "V", max(bound, 1.0), fn=ctx.fn, fresh=False))
            v.active = active
        self.freeze({a, b2}, ctx)
        return lines

    def s_carried_pair(self, ind, ctx):
        """a = e1; c = e2; for i in range(k): a = a + c; c = <new>; s = s + <a[i],
        a[i:i + 2] or a row of a>: the sweep gives a's and c's cotangents one
        array at ``a = a + c`` (c rebound after it, so no dc is live there), and
        the next iteration's read of a[i] adds into a's in place (a silently
        wrong gradient once: the buffer was taken as owned on every iteration)."""
        r = self.r
        kind = r.choice(["V", "V", "M"])
        n = self.shape[kind][0]
        k = r.randint(1, n - 1 if kind == "V" else n)
        i = self.fresh("I")
        a, c = self.fresh(kind), self.fresh(kind)
        u = self.fresh("S")
        e1, b1 = self.limited(kind, self.d(), 1.0)
        e2, b2 = self.limited(kind, self.d(), 1.0)
        e1, e2 = self.own(e1, kind), self.own(e2, kind)
        self.push()
        self.add(self.Var(i, "I", ub=k))
        e3, b3 = self.limited(kind, self.d(), 1.0)
        w, bw = self.limited("S", 1, 1.0)
        self.pop()
        step = r.choice([f"{a} + {c}", f"{c} + {a}", f"{a} - {c}"])
        new = r.choice([f"np.sin({self.atom(e3)}) * ({i} + 1.0)", f"{self.atom(e3)} * 0.5",
                        f"np.tanh({e3})"])
        if kind == "V":
            read, nread = r.choice([(f"{a}[{i}] * {self.atom(w)}", 1),
                                    (f"np.sum({a}[{i}:{i} + 2] ** 2)", 2)])
        else:
            read, nread = f"np.sum({a}[{i}] * {self.atom(w)})", self.shape[kind][1]
        body = ind + "    "
        lines = [f"{ind}{a} = {e1}", f"{ind}{c} = {e2}", f"{ind}{u} = 0.0",
                 f"{ind}for {i} in range({k}):", f"{body}{a} = {step}",
                 f"{body}{c} = {new}", f"{body}{u} = {u} + {read}"]
        ba = b1 + k * max(b2, b3 * k, 1.0)
        active = self.is_active(e1) or self.is_active(e2) or self.is_active(e3) \
            or self.is_active(w)
        for name, b in ((a, ba), (c, max(b2, b3 * k, 1.0))):
            v = self.add(self.Var(name, kind, b, fn=ctx.fn, fresh=False))
            v.active = active
        uv = self.add(self.Var(u, "S", k * nread * (ba ** 2 + ba * max(bw, 1.0)),
                               fn=ctx.fn, fresh=True))
        uv.active = active
        self.freeze({a, c}, ctx)
        return lines

    def s_shared_restored(self, ind, ctx):
        """v = e1; u = <v, v if c else e2, v[1:]>; s = <u read>; v[0] = e3 (or v[j:] *=
        w); then a loop rebinds v: the sweep puts v's items back into the array u
        shares, popped off v's stack, and forward mode over the gradient (hvp,
        jvp(grad)) once made that put-back on a copy of the tangent, so u's
        tangent kept the written items (a silently wrong second derivative)."""
        r = self.r
        n = self.shape["V"][0]
        v, u, s, t = self.fresh("V"), self.fresh("V"), self.fresh("S"), self.fresh("S")
        e1, b1 = self.limited("V", self.d(), 1.0)
        e2, b2 = self.limited("V", self.d(), 1.0)
        w, bw = self.limited("S", self.d(), 1.0)
        e3, b3 = self.limited("S", self.d(), 1.0)
        e1 = self.own(e1, "V")
        alias = r.choice([f"{v}", f"{v} if {self.atom(w)} < 0.2 else {self.atom(e2)}",
                          f"{v}[1:]"])
        write = r.choice([f"{v}[0] = {e3}", f"{v}[{n - 1}:] *= {self.atom(w)}",
                          f"{v}[0:1] += {self.atom(e3)} * {self.atom(w)}"])
        k = r.randint(1, 3)
        i = self.fresh("I")
        body = ind + "    "
        step = r.choice([f"{v} = np.tanh({v}) * {self.atom(w)}",
                         f"{v} = {v} * 0.5 + {self.atom(w)}"])
        loop = r.choice([[f"{ind}for {i} in range({k}):", f"{body}{step}"],
                         [f"{ind}{i} = 0", f"{ind}while {i} < {k} and np.sum({v}) < 10.0:",
                          f"{body}{step}", f"{body}{i} += 1"]])
        lines = [f"{ind}{v} = {e1}", f"{ind}{u} = {alias}",
                 f"{ind}{s} = np.sum(np.sin({u}) * {self.atom(w)})", f"{ind}{write}"] + loop \
            + [f"{ind}{t} = {s} + np.sum({v})"]
        active = any(self.is_active(e) for e in (e1, e2, w, e3))
        sv = self.add(self.Var(t, "S", n * (max(bw, 1.0) + 2.0 * max(b1, b3, bw, 1.0) ** 2),
                               fn=ctx.fn, fresh=True))
        sv.active = active
        self.freeze({v, u}, ctx)
        return lines

    def s_through_holder(self, ind, ctx):
        """A = [e0]; <A appended to through a name that holds it>; u = <A[-1] with
        A[0]>: which names a change in place varies was once found without
        following such holders (a loop over [A, B], P = {'a': A}; P['a'], Q =
        P[0]), and the gradient missed what the append added (silently half)."""
        r = self.r
        kind = r.choice(["S", "V", "V", "W"])
        a, b = self.fresh("L"), self.fresh("L")
        e0, b0 = self.limited(kind, self.d(), 1.0)
        e1, b1 = self.limited(kind, self.d(), 1.0)
        e2, b2 = self.limited(kind, self.d(), 1.0)
        form = r.choice(["loop", "dict", "item", "tuple", "nested", "deep", "keys",
                         "tuple-of-lists"])
        lines = [f"{ind}{a} = [{e0}]"]
        reads = []      # (reads of the lists through their container)
        if form in ("nested", "tuple-of-lists"):
            # a list inside a list (or tuple) literal, changed at a constant index
            p = self.fresh("L").replace("L", "P", 1)
            pack = f"[{a}, [{e1}]]" if form == "nested" else f"({a}, [{e1}])"
            lines += [f"{ind}{p} = {pack}", f"{ind}{p}[0].append({e2})"]
            reads = [f"{p}[0][-1] * {p}[1][0]", f"{p}[0][-1] + {a}[0]"]
        elif form == "deep":
            p = self.fresh("L").replace("L", "P", 1)
            lines += [f"{ind}{p} = [[{a}], [{e1}]]", f"{ind}{p}[0][0].append({e2})"]
            reads = [f"{p}[0][0][-1] * {p}[1][0]", f"{p}[0][0][-1] + {a}[0]"]
        elif form == "keys":
            # a loop over a literal of keys, changing P[k] in place
            p = self.fresh("L").replace("L", "P", 1)
            keys = r.choice(["['a', 'b']", "('a', 'b')", "['b']"])
            k = self.fresh("L").replace("L", "key", 1)
            lines += [f"{ind}{b} = [{e1}]", f"{ind}{p} = {{'a': {a}, 'b': {b}}}",
                      f"{ind}for {k} in {keys}:", f"{ind}    {p}[{k}].append({e2} * {p}[{k}][0])"]
            reads = [f"{p}['a'][-1] * {p}['b'][-1]", f"{a}[-1] + {b}[-1]"]
        elif form == "loop":
            holder = self.fresh("L")
            lines += [f"{ind}{b} = [{e1}]", f"{ind}for {holder} in [{a}, {b}]:",
                      f"{ind}    {holder}.append({e2})"]
        elif form == "dict":
            p = self.fresh("L").replace("L", "P", 1)
            lines += [f"{ind}{p} = {{'a': {a}, 'b': {e1}}}", f"{ind}{p}['a'].append({e2})"]
        else:
            p, q = self.fresh("L").replace("L", "P", 1), self.fresh("L")
            pack = f"[{a}, {e1}]" if form == "item" else f"({e1}, {a})"
            k = 0 if form == "item" else 1
            lines += [f"{ind}{p} = {pack}", f"{ind}{q} = {p}[{k}]", f"{ind}{q}.append({e2})"]
        read = r.choice([f"{a}[-1] * {a}[0]", f"np.tanh({a}[-1]) + {a}[0]",
                         f"{a}[-1] + {a}[0] * 0.5"])
        if form == "loop":
            read = r.choice([read, f"{a}[-1] * {b}[-1]", f"{a}[-1] + {b}[0]"])
        if reads:
            read = r.choice([read] + reads)
        name = self.fresh(kind)
        v = self.add(self.Var(name, kind, (b0 + 1.0) * (max(b1, b2) + 1.0), fn=ctx.fn,
                              fresh=True))
        v.active = self.is_active(e0) or self.is_active(e1) or self.is_active(e2)
        return lines + [f"{ind}{name} = {read}"]

    # ---- np.linalg named-tuple results ------------------------------------------

    def s_linalg(self, ind, ctx):
        r = self.r
        N, M = self.N, self.M
        e, b = self.limited("M", self.d(), 1.5)
        active = self.is_active(e)
        res = self.fresh("L").replace("L", "res")
        which = r.choice(["svd", "svd", "eigh", "slogdet", "qr", "svdvals"])
        k = min(M, N)
        kk = "V" if k == N else "W"
        lines = []
        new = []                                  # (name, kind, code, bound)
        if which == "svd":
            Ak = self.fresh("M")
            # full rank, distinct singular values (generic): the vectors' derivatives exist
            lines.append(f"{ind}{Ak} = {e} + np.linspace(0.0, 1.0, {M * N}).reshape({M}, {N})"
                         f" + np.eye({M}, {N}) * np.linspace(1.0, 2.0, {N})")
            c = r.random()
            if c < 0.4:
                U, S, Vt = (self.fresh("L").replace("L", x) for x in ("U", "S", "Vt"))
                lines.append(f"{ind}{U}, {S}, {Vt} = np.linalg.svd({Ak}, full_matrices=False)")
                new += [(S, kk, None, 3.0 * b + 5), (self.fresh("M"), "M",
                                                     f"({U} * {S}) @ {Vt}", 3.0 * b + 5)]
            else:
                lines.append(f"{ind}{res} = np.linalg.svd({Ak}, full_matrices=False)")
                sv = r.choice([f"{res}.S", f"{res}[1]"])
                rec = r.choice([f"{res}.U @ np.diag({res}.S) @ {res}.Vh",
                                f"({res}[0] * {res}[1]) @ {res}[2]"])
                new += [(self.fresh(kk), kk, sv, 3.0 * b + 5), (self.fresh("M"), "M", rec,
                                                                3.0 * b + 5)]
        elif which == "svdvals":
            # distinct singular values, as for svd above: at a repeated one the values
            # have no second derivative (a rank-one {e} plus np.eye repeats 1.0)
            new.append((self.fresh(kk), kk, f"np.linalg.svd({e} + np.linspace(0.0, 1.0, "
                                            f"{M * N}).reshape({M}, {N}) + np.eye({M}, {N}) * "
                                            f"np.linspace(1.0, 2.0, {N}), compute_uv=False)",
                        3.0 * b + 5))
        elif which in ("eigh", "slogdet"):
            G = self.fresh("L").replace("L", "G")
            lines.append(f"{ind}{G} = {self.atom(e)} @ {self.atom(e)}.T + "
                         f"np.diag(np.linspace(1.0, 2.0, {M}))")
            if which == "eigh":
                c = r.random()
                if c < 0.4:
                    w, Q = self.fresh("W"), self.fresh("L").replace("L", "Q")
                    lines.append(f"{ind}{w}, {Q} = np.linalg.eigh({G})")
                    new.append((w, "W", None, N * b * b + 2))
                    new.append((self.fresh("W"), "W", f"np.sum({Q} ** 2 * {w}, axis=1)",
                                N * b * b + 2))
                else:
                    lines.append(f"{ind}{res} = np.linalg.eigh({G})")
                    ev = r.choice([f"{res}.eigenvalues", f"{res}[0]"])
                    vecs = r.choice([f"{res}.eigenvectors", f"{res}[1]"])
                    new.append((self.fresh("W"), "W", ev, N * b * b + 2))
                    new.append((self.fresh("W"), "W", f"np.sum({vecs} ** 2, axis=0) * {ev}",
                                N * b * b + 2))
            else:
                c = r.random()
                if c < 0.4:
                    sg, ld = self.fresh("S").replace("s", "sign"), self.fresh("S")
                    lines.append(f"{ind}{sg}, {ld} = np.linalg.slogdet({G})")
                    new.append((ld, "S", None, M * (N * b * b + 2)))
                else:
                    lines.append(f"{ind}{res} = np.linalg.slogdet({G})")
                    new.append((self.fresh("S"), "S",
                                r.choice([f"{res}.logabsdet", f"{res}[1]",
                                          f"{res}.sign * {res}.logabsdet"]),
                                M * (N * b * b + 2)))
        else:   # qr
            Ak = self.fresh("M")
            lines.append(f"{ind}{Ak} = {e} + np.eye({M}, {N}) * 2.0")
            c = r.random()
            if c < 0.4:
                Q, R = self.fresh("L").replace("L", "Q"), self.fresh("L").replace("L", "R")
                lines.append(f"{ind}{Q}, {R} = np.linalg.qr({Ak})")
            else:
                lines.append(f"{ind}{res} = np.linalg.qr({Ak})")
                Q, R = r.choice([(f"{res}.Q", f"{res}.R"), (f"{res}[0]", f"{res}[1]")])
            new.append((self.fresh("V"), "V", f"np.sum({R} ** 2, axis=0)", N * (b + 2) ** 2))
            new.append((self.fresh("M"), "M", f"{Q} @ {R}", N * (b + 2)))
        for name, kind, code, bound in new:
            if code is not None:
                lines.append(f"{ind}{name} = {code}")
            v = self.add(self.Var(name, kind, bound, fn=ctx.fn, fresh=code is not None))
            v.active = active
            if code is None:
                self.freeze({name}, ctx)
        return lines
