"""The generator's vocabulary: value kinds and their shapes' names, the names an
expression may share memory with, what is known about a name (Var), a callable
(Func) and the place a statement goes (Ctx), and the features --disable / --focus
name."""
from __future__ import annotations

import ast
import copy

from tools.fuzz.generator.idioms import IDIOMS


HEADER = "import math\nimport numpy as np\n"
SQUASH_LIMIT = 6.0     # expressions whose value may exceed this are squashed
ARG_LIMIT = 3.0        # arguments of generated helpers are kept below this


KINDS = ("S", "V", "W", "M", "C", "R")      # scalar, (N,), (M,), (M,N), (M,1), (1,N)


PREFIX = {"S": "s", "V": "v", "W": "w", "M": "A", "C": "c", "R": "r", "L": "L", "I": "i",
          "F": "g", "Z": "q"}


NEW_KIND_WEIGHTS = {"S": 3, "V": 4, "W": 2, "M": 3, "C": 1, "R": 1}


VIEW_FUNCS = {"reshape", "squeeze", "transpose", "ravel", "asarray", "atleast_1d",
              "atleast_2d", "expand_dims", "broadcast_to", "flip", "diagonal", "swapaxes"}


def _roots(node):
    """Names whose objects the value of expression ``node`` may share memory with."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Subscript):
        return _roots(node.value)
    if isinstance(node, ast.Attribute):
        return _roots(node.value) if node.attr in ("T", "real", "flat") else set()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in VIEW_FUNCS:
        if isinstance(node.func.value, ast.Name) and node.func.value.id == "np":
            return _roots(node.args[0]) if node.args else set()
        return _roots(node.func.value)
    if isinstance(node, ast.IfExp):
        return _roots(node.body) | _roots(node.orelse)
    return set()


def roots(code):
    return _roots(ast.parse(code, mode="eval").body)


class Var:
    def __init__(self, name, kind, bound=1.0, *, fn=None, fresh=False, elem=None, minlen=0,
                 mutable=False, code=None, func=None, ub=None, count=None):
        self.name = name
        self.kind = kind
        self.bound = bound
        self.fn = fn            # id of the function context that binds the name
        self.fresh = fresh      # bound to a freshly allocated object (may be written in place)
        self.elem = elem        # lists: element kind
        self.minlen = minlen    # lists: lower bound on the length
        self.mutable = mutable  # lists: may be appended to / popped
        self.code = code or name
        self.func = func        # callables: a Func
        self.ub = ub            # ints: exclusive upper bound
        self.count = count      # int parameters: their value (for range(n))
        self.active = False     # depends on the differentiated function's float parameters


class Func:
    def __init__(self, name, params, ret, bound, kw=None):
        self.name = name
        self.params = params    # kinds
        self.ret = ret
        self.bound = bound
        self.kw = kw            # name of an optional scalar keyword parameter


class Ctx:
    """Where a statement is generated."""

    def __init__(self, fn, ret, depth=0, loop=None, loops=0, in_branch=False):
        self.fn = fn
        self.ret = ret
        self.depth = depth
        self.loop = loop          # innermost loop: dict(type, iters, no_break)
        self.loops = loops        # product of enclosing iteration counts
        self.in_branch = in_branch

    def sub(self, **kw):
        c = copy.copy(self)
        c.depth = self.depth + 1
        for k, v in kw.items():
            setattr(c, k, v)
        return c


FEATURES = {
    "loop-return": "early return inside a loop",
    "def-in-loop": "nested def or lambda defined inside a loop",
    "chained-write": "A[i][j] = v",
    "pyminmax": "builtin max/min of two values",
    "genexpr": "generator expressions and comprehensions over lists",
    "container-params": "list and dict parameters",
    "alias": "names bound to views/aliases of arrays (never written through)",
    "mask-write": "writes through boolean masks and integer-array indices that repeat",
    "empty-buffer": "np.empty buffers",
    "aliased-write": "an item, view or alias of an array read after the array is written",
    "list-container": "lists held by a tuple, list or dict, grown through the container or "
                      "before it is made; lists and tuples joined (+, +=) and repeated (*), "
                      "an item written while another name reads the list",
    **IDIOMS,
}
