"""crash (fixed): grad raised RecursionError in normalize.py (_loop_level)
instead of differentiating. The program is a for loop whose body has an if/elif
chain with ``continue``, then an if/else with ``break``. Present since at least
f462810.

Found by tools/fuzz.py (seed 9050, program 953, at aa8f5b9, after the 10,000-
program run at efbd8a5; shrunk). Cause: normalize._lift_jumps cloned the code
after an if with a continue/break for its else branch only after lifting the
if branch, which rewrites the ifs of that code in place: the else branch got
code already lifted and lifted it again (statements run twice, or a structure
whose lifting never ends). Shorter chains gave silently wrong gradients
(tests/test_loops_closures.py, loop-exit chains).
"""
import math
import numpy as np

def f(B):
    c7 = 0.5
    for s9, v8 in zip(B, np.logaddexp(B, 0.3)):
        if v8[0] > 0.5:
            pass
        elif 1.0 < 1.0:
            pass
        elif B < 1.0:
            continue
        if np.sum(B) > 1.0:
            continue
        if np.sum(s9) > 1.0:
            pass
        else:
            break
    return c7

FUNC = 'f'
ARGS = (np.array([[-0.3462186083248665, -1.0085873332394075, -0.9423652176090098, 0.8451313827272691, -0.12640580936565682], [-0.8131948395780824, 0.3513027591953559, 0.08019045177322348, -0.9268557166989042, 0.9166634210053914], [-0.5279675603944395, 0.9033616794868615, -1.1161455349307439, 0.8956146686598718, -0.3643521894473616], [-0.474066547654698, 0.6801740942968453, -0.018720385555955676, 0.5967823903287595, -0.038517919513379795]]),)
WRT = (0,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
