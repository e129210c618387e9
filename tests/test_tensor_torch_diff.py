"""Differential test of the Tensor shim against PyTorch (issue 22).

Random small programs over float64 tensors of random shapes (arithmetic with
broadcasting, unary ops, reductions with dim/keepdim, indexing and views,
in-place ops, no_grad, detach, requires_grad_, retain_grad, backward with
``gradient=``, gradients accumulated over several backwards) run line by line
on both, and after every line every tensor is compared: shape, values,
``requires_grad``, ``is_leaf``, ``.grad``. A line PyTorch refuses must be
refused by the shim too. The one deliberate difference: where PyTorch refuses
a backward through values an in-place op changed ("modified by an inplace
operation"), or silently uses the changed values (a write through ``.data``),
the shim differentiates the values the op saw (README); gradients are not
compared after such a line.

PyTorch is optional: ``pip install torch`` (the CPU wheel); skipped without it.
"""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import srcdiff  # noqa: E402

SHAPES = [(), (3,), (4,), (2, 3), (3, 1), (1, 3), (2, 1, 3), (2, 2, 3)]
N_PROGRAMS = 150
STEPS = 14
VERSION_ERROR = "modified by an inplace operation"


class Divergence(AssertionError):
    pass


class Program:
    """Lines generated against the tensors' current shapes, run on both libraries."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.lines = []
        self.consts = []
        self.envs = {"srcdiff": {"L": srcdiff, "C": self.consts},
                     "torch": {"L": torch, "C": self.consts}}
        self.names = []
        self.version_error = False
        self.data_names = set()     # made by .data: writes through them bump no version

    # ---- helpers -------------------------------------------------------------
    def const(self, shape, positive=False):
        a = self.rng.normal(size=shape)
        if positive:
            a = np.abs(a) + 0.5
        self.consts.append(a)
        return f"C[{len(self.consts) - 1}]"

    def pick(self, pred=lambda t: True):
        names = [n for n in self.names if pred(self.envs["torch"][n])]
        return names[self.rng.integers(len(names))] if names else None

    def shape(self, name):
        return tuple(self.envs["torch"][name].shape)

    def new_name(self):
        name = f"t{len(self.names)}"
        return name

    def choice(self, items):
        return items[self.rng.integers(len(items))]

    def describe(self):
        return "\n".join(self.lines)

    # ---- running -------------------------------------------------------------
    def run(self, line, creates=None):
        """Run ``line`` on both; False once either raised (the program ends)."""
        errors = {}
        for lib, env in self.envs.items():
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    exec(line, env)
                errors[lib] = None
            except Exception as exc:          # noqa: BLE001 - compared below
                errors[lib] = exc
        self.lines.append(line)
        ours, theirs = errors["srcdiff"], errors["torch"]
        if theirs is not None and VERSION_ERROR in str(theirs):
            if ours is not None:
                raise Divergence(f"srcdiff raised {ours!r}; PyTorch's version error expected "
                                 f"to be a gradient here\n{self.describe()}")
            self.version_error = True
            return False
        if (ours is None) != (theirs is None):
            raise Divergence(f"srcdiff raised {ours!r}, PyTorch raised {theirs!r}\n"
                             f"{self.describe()}")
        if ours is not None:
            return False
        if creates:
            self.names.append(creates)
        self.compare()
        return True

    def compare(self):
        for name in list(self.names):
            a, b = self.envs["srcdiff"][name], self.envs["torch"][name]
            where = f"{name} after\n{self.describe()}"
            try:
                b.is_leaf
            except RuntimeError:    # a split() view whose base was written: unusable in PyTorch
                self.names.remove(name)
                continue
            if tuple(a.shape) != tuple(b.shape) or a.requires_grad != b.requires_grad \
                    or a.is_leaf != b.is_leaf:
                raise Divergence(f"shape/requires_grad/is_leaf: {tuple(a.shape)} "
                                 f"{a.requires_grad} {a.is_leaf} vs {tuple(b.shape)} "
                                 f"{b.requires_grad} {b.is_leaf}: {where}")
            close(a.detach().numpy(), b.detach().numpy(), f"values of {where}")
            if self.version_error:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ga, gb = a.grad, b.grad
            if (ga is None) != (gb is None):
                raise Divergence(f".grad {ga} vs {gb}: {where}")
            if ga is not None:
                close(ga.numpy(), gb.numpy(), f".grad of {where}")

    # ---- lines ---------------------------------------------------------------
    def step(self):
        kinds = ["leaf", "binary", "binary", "unary", "unary", "reduce", "view", "view",
                 "inplace", "inplace", "no_grad", "flags", "backward"]
        kind = self.choice(kinds) if self.names else "leaf"
        return getattr(self, "line_" + kind)()

    def line_leaf(self):
        shape = self.choice(SHAPES)
        rg = bool(self.rng.integers(3))
        name = self.new_name()
        return self.run(f"{name} = L.tensor({self.const(shape)}, requires_grad={rg})", name)

    def _operand(self, shape, avoid=None):
        """A tensor broadcasting with ``shape``, or a new constant of such a shape;
        not one sharing memory with ``avoid`` (PyTorch's result would depend on
        the order it reads and writes the elements)."""
        def fits(t):
            if avoid is not None and \
                    t.untyped_storage().data_ptr() == avoid.untyped_storage().data_ptr():
                return False
            try:
                return np.broadcast_shapes(tuple(t.shape), shape) == shape
            except ValueError:
                return False
        other = self.pick(fits) if self.rng.integers(3) else None
        if other is not None:
            return other
        sub = shape[self.rng.integers(len(shape) + 1):]
        return f"L.tensor({self.const(sub)})"

    def line_binary(self):
        a = self.pick()
        b = self._operand(self.shape(a))
        op = self.choice(["+", "-", "*", "/", "scalar", "matmul"])
        name = self.new_name()
        if op == "/":
            expr = f"{a} / ({b}.abs() + 1)"
        elif op == "scalar":
            expr = f"{self.choice(['1.5 * ', '2.0 - ', '0.5 + '])}{a}"
        elif op == "matmul" and len(self.shape(a)) == 2:
            expr = f"{a} @ L.tensor({self.const((self.shape(a)[1], 2))})"
        else:
            expr = f"{a} {op if op != 'matmul' else '*'} {b}"
        return self.run(f"{name} = {expr}", name)

    def line_unary(self):
        a = self.pick()
        nd = len(self.shape(a))
        ops = [".tanh()", ".sin()", ".sigmoid()", ".relu()", ".abs()", ".tanh().exp()",
               ".abs().add(1).log()", ".abs().add(1).sqrt()", " ** 2", ".pow(3)", ".neg()",
               ".clamp(-0.5, 0.5)", ".clamp_min(0.2)", ".clone()", ".relu().sqrt()"]
        if nd:
            d = int(self.rng.integers(-nd, nd))
            ops += [f".softmax({d})", f".log_softmax({d})"]
        if nd == 2:
            ops += [".tril()", ".triu(1)"]
        name = self.new_name()
        return self.run(f"{name} = {a}{self.choice(ops)}", name)

    def line_reduce(self):
        a = self.pick()
        nd = len(self.shape(a))
        if nd == 0 or self.rng.integers(4) == 0:
            op = self.choice([".sum()", ".mean()", ".amax()", ".abs().add(1).norm()",
                              ".sum(0)" if nd <= 1 else ".sum()"])
        else:
            d = int(self.rng.integers(-nd, nd))
            k = bool(self.rng.integers(2))
            op = self.choice([f".sum({d}, keepdim={k})", f".mean({d}, keepdim={k})",
                              f".amax({d}, keepdim={k})", f".max({d}, keepdim={k})[0]",
                              f".min({d})[0]", f".prod({d})", f".logsumexp({d}, keepdim={k})",
                              f".cumsum({d})"])
        name = self.new_name()
        return self.run(f"{name} = {a}{op}", name)

    def line_view(self):
        a = self.pick()
        shape = self.shape(a)
        nd = len(shape)
        ops = [".detach()", ".data", ".reshape(-1)", ".unsqueeze(0)", ".squeeze()",
               "[None]", "[...]"]
        if nd:
            n = shape[0]
            i = int(self.rng.integers(-n, n))
            ops += [f"[{i}]", f"[{i}:]", "[::2]", f"[[0, {i}]]", ".flatten()",
                    f".squeeze({int(self.rng.integers(-nd, nd))})"]
        if nd >= 2:
            ops += [".transpose(0, 1)", f"[:, {int(self.rng.integers(shape[1]))}]",
                    ".view(-1)", ".mT", f".split(1, {nd - 1})[0]", ".chunk(2)[-1]"]
        if nd == 2:
            ops += [".T", ".t()"]
        name = self.new_name()
        op = self.choice(ops)
        if op == ".data" or a in self.data_names:
            self.data_names.add(name)
        return self.run(f"{name} = {a}{op}", name)

    def line_inplace(self):
        a = self.pick()
        shape = self.shape(a)
        t = self.envs["torch"][a]
        if a in self.data_names:
            self.version_error = True
        ops = [".mul_(2.0)", ".add_(1.0)", ".zero_()", ".clamp_(-0.5, 0.5)", ".fill_(0.5)",
               ".sub_(%s)" % self._operand(shape, t), ".mul_(%s)" % self._operand(shape, t),
               ".copy_(%s)" % self._operand(shape, t), " += 1.0"]
        if shape:
            ops += [f"[0] = {self._operand(shape[1:], t)}", f"[{shape[0] - 1}:].mul_(3.0)"]
        line = f"{a}{self.choice(ops)}"
        if self.rng.integers(3) == 0:
            line = f"with L.no_grad():\n    {line}"
        return self.run(line)

    def line_no_grad(self):
        a = self.pick()
        b = self._operand(self.shape(a))
        name = self.new_name()
        return self.run(f"with L.no_grad():\n    {name} = {a} * {b}", name)

    def line_flags(self):
        a = self.pick()
        t = self.envs["torch"][a]
        view = self.envs["srcdiff"][a]._view
        if view is not None and not view.diff:
            return True     # views of a detached Tensor do not follow its flag (README)
        if t.is_leaf and t.dtype.is_floating_point:
            return self.run(f"{a}.requires_grad_({not t.requires_grad})")
        if t.requires_grad:
            return self.run(f"{a}.retain_grad()")
        return self.run(f"{a}.grad = None")

    def line_backward(self):
        a = self.pick(lambda t: t.requires_grad)
        if a is None:
            return self.line_leaf()
        shape = self.shape(a)
        if self.rng.integers(2):
            line = f"{a}.backward(gradient=L.tensor({self.const(shape)}), retain_graph=True)"
        else:
            line = f"({a} * L.tensor({self.const(shape)})).sum().backward(retain_graph=True)"
        return self.run(line)


def close(ours, theirs, what):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if ours.shape != theirs.shape or not np.allclose(ours, theirs, rtol=1e-9, atol=1e-12,
                                                     equal_nan=True):
        raise Divergence(f"{what}\nsrcdiff: {ours!r}\ntorch:   {theirs!r}")


@pytest.fixture(autouse=True)
def float64_default():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def run_program(seed):
    p = Program(seed)
    for _ in range(STEPS):
        if not p.step():
            break
    return p


@pytest.mark.parametrize("chunk", range(5))
def test_random_programs_agree_with_pytorch(chunk):
    per = N_PROGRAMS // 5
    for seed in range(chunk * per, (chunk + 1) * per):
        run_program(seed)


def _train(lib, opt_name, steps=5, seed=0):
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    labels = rng.integers(0, 2, size=8)
    lin1, lin2 = lib.nn.Linear(3, 4), lib.nn.Linear(4, 2)
    with lib.no_grad():
        for lin, r in ((lin1, np.random.default_rng(1)), (lin2, np.random.default_rng(2))):
            lin.weight.copy_(lib.tensor(r.normal(size=tuple(lin.weight.shape))))
            lin.bias.copy_(lib.tensor(r.normal(size=tuple(lin.bias.shape))))
    params = list(lin1.parameters()) + list(lin2.parameters())
    opt = {"sgd": lambda: lib.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01,
                                        nesterov=True),
           "adam": lambda: lib.optim.Adam(params, lr=0.05, weight_decay=0.01, amsgrad=True),
           "adamw": lambda: lib.optim.AdamW(params, lr=0.05)}[opt_name]()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        out = lin2(lin1(lib.tensor(X)).tanh())
        loss = lib.nn.MSELoss()(out, lib.tensor(Y)) + \
            lib.nn.CrossEntropyLoss()(out, lib.tensor(labels))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in params]


@pytest.mark.parametrize("opt_name", ["sgd", "adam", "adamw"])
def test_linear_layers_train_as_in_pytorch(opt_name):
    ours = _train(srcdiff, opt_name)
    theirs = _train(torch, opt_name)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10)
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
