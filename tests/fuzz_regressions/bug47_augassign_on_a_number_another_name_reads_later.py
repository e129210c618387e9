"""refused a valid program: ``s0 = np.mean(w); ...; s0 += s0`` while a nested
def reads s0 later. An augmented assignment on a number rebinds it (nothing
is changed in place), but the alias check took s0's value for an array.
Names that always hold numbers (full reductions, float(), math, and
arithmetic of numbers) now hold no array, and whether an augmented
assignment's array is shared is checked when it runs.

Found by tools/fuzz.py (seed 5007, program 966; shrunk).
"""
import math
import numpy as np

def f(w, xs, A):
    s0 = np.mean(w)
    s0 -= np.sum(A)
    s0 += s0

    def g1(z2, z3):
        return s0 > z2
    A4 = (0, 0)
    s0 -= g1(np.sin(s0), A4)
    return 1.0

FUNC = 'f'
ARGS = (np.array([0.09922430930112736, 1.148616785029102, 0.23341477011650036]), [np.array([-0.10234136870588717, -0.4094651011642366, -0.0289059843572681, -1.0947147018780754]), np.array([-0.9208012206029814, 0.44177814202100874, 0.5266872361363792, -0.7327469636469297])], np.array([[-1.069170302910478, -0.2024217245344816, -1.1389501042717225, 0.3094316053005661], [-0.43761076589087244, -0.08449207739290765, -0.8578387367100555, 0.3158392989895462], [0.5311151248737511, 1.1870183637139824, -1.149763414922237, -0.9296666411584326]]))
WRT = 1

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
