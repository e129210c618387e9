"""grad: wrong gradient w.r.t. the first matrix of Ws (half of it: got
[0.060131, 0.029908, ...], want [0.120263, 0.059816, ...]). x2 = v1 is pushed
on x2's stack as v1's array itself in the loop's first iteration; v1[0:1] *=
0.5 after the loop changed that entry, and the sweep read the halved items.
The write was checked where it runs not to share x2's array, which was taken
to cover every value of x2 the sweep reads. Fixed in session 16
(reverse._restore_view_bases: a checked name the program rebinds still makes
the sweep put v1's old items back).

Found by tools/fuzz.py --orders 1,2 (seed 16001, program 9775 of 10,000;
session 16, on e4eb619), shrunk.
"""
import math
import numpy as np


def f(Ws):
    v1 = np.linspace(1.0, 1.0, 4)
    x2 = v1
    for W in Ws:
        h3 = x2 @ W
        x2 = h3
    v1[0:1] *= 0.5
    return np.mean(x2)


FUNC = 'f'
ARGS = ([np.array([[-0.7418684669529472, 0.7019065161004396, 0.6701198269707438, -0.547043927214788, -0.6412580302201487, -0.40818084149233214], [-0.29128184554927383, 0.22659229153003202, -0.41699237324092686, 0.7393642383626335, -0.011380090759477768, -0.1999315039986609], [0.691115504803784, -0.6819036343723108, -0.3465764789634424, -0.7598594388895938, 0.6860440108050909, 0.45201281327530607], [-0.7726355990823294, -0.18924296248196393, 0.4468852323350345, 0.32551119060411904, -0.24273150697269996, 0.06511816446609386]]), np.array([[0.027088306335581125, 0.2546301761419911, 0.46791453831877994, -0.26858264853447056], [-0.5594380590155414, 0.0928232816014376, 0.10644865430923023, 0.5994282573378618], [0.6807758506179595, -0.5196938818284424, 0.7551143610857067, -0.4359410484479945], [-0.4224339075125544, 0.3221330374416973, -0.22555532556545133, 0.7985395217659075], [0.7908194328757436, 0.37475460640324765, -0.2062820574482641, -0.31705592628506846], [-0.6017980123928984, 0.7585590458504936, -0.4313311708807426, 0.4681209982196888]])],)
WRT = 0
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
