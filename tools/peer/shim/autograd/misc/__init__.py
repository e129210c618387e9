"""autograd.misc: flatten and const_graph are autograd internals."""
from .._harness import Internal

flatten = Internal("misc.flatten")
const_graph = Internal("misc.const_graph")
