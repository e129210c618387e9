"""crash: a parameter that is a list of named tuples ``[Layer(W, b)]`` (the layer-list
idiom): even ``def f(layers): return 1.0`` raises "Layer.__new__() missing 1
required positional argument: 'b'" in runtime.complete_cotangent; reading
``layers[0].W`` is refused ("no derivative rule for attribute .W") (issue 17 class
8 for named-tuple parameters; bug76, bug83).

Found by tools/fuzz.py --focus complex (seed 7002, program 11; the layers
parameter is part of the layer-list feature), shrunk by the fuzzer.
"""
import math
import numpy as np
from tools.fuzz_types import Layer

def f(layers):
    return 1.0

FUNC = 'f'
ARGS = ([Layer(W=np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]), b=np.array([0.0, 0.0, 0.0]))],)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
