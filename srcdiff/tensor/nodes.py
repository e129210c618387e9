"""The nodes of the graph Tensors record: ``Node`` (what the backward pass
asks of every node) and ``RuleNode`` (a NumPy function or operator,
differentiated by its rule in the table)."""
import numpy as np

from ..errors import SrcdiffError
from .errors import TensorError


class Node:
    """One recorded operation. ``edges`` holds, per differentiable input,
    ``(position, sub_index, target, output_index, shape)`` where ``target`` is
    the input's node or, for a leaf, the leaf Tensor itself."""

    __slots__ = ("edges", "n_out", "retained", "__weakref__")

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()}>"

    @property
    def next_functions(self):
        return tuple((e[2] if e[5] else None, e[3]) for e in self.edges)

    def _freed_error(self):
        return TensorError(
            f"Trying to backward through the graph a second time (through {self.name()}): "
            "its saved values were freed by the first backward()",
            hint="call .backward(retain_graph=True) the first time if you need to "
                 "backward through the graph again")


class RuleNode(Node):
    """A NumPy function / operator differentiated by its rule in the table."""

    __slots__ = ("rule", "vjp", "args", "kwargs", "ans")

    def __init__(self, rule, vjp, args, kwargs, ans, edges, n_out=1):
        self.rule = rule
        self.vjp = vjp
        self.args = args
        self.kwargs = kwargs
        self.ans = ans
        self.edges = edges
        self.n_out = n_out
        self.retained = None

    def name(self):
        short = self.rule.name.rsplit(".", 1)[-1]
        return "".join(p[:1].upper() + p[1:] for p in short.split("_")) + "Backward"

    def apply(self, g):
        args = self.args
        if args is None:
            raise self._freed_error()
        kwargs = self.kwargs
        try:
            if kwargs:
                res = self.vjp(g, self.ans, *args, **kwargs)
            else:
                res = self.vjp(g, self.ans, *args)
        except TypeError as exc:
            raise SrcdiffError(f"the vjp rule of {self.rule.name} failed on the arguments "
                               f"the Tensor shim recorded: {exc}") from exc
        if res.__class__ is not tuple:
            return (res,)
        if len(res) > len(args):
            raise SrcdiffError(f"the vjp rule of {self.rule.name} returned {len(res)} "
                               f"cotangents for {len(args)} arguments")
        return res

    def free(self):
        self.args = self.kwargs = self.ans = None


class _MultiRuleNode(RuleNode):
    """A rule node whose function returns several arrays (a tuple of outputs);
    its rule gets a tuple of cotangents, zeros for outputs that got none."""

    __slots__ = ("out_meta",)

    def apply(self, g):
        g = tuple(np.zeros(s, d) if gi is None else gi
                  for gi, (s, d) in zip(g, self.out_meta))
        return RuleNode.apply(self, g)
