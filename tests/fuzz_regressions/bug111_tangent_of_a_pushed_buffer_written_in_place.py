"""wrong value at order two (hvp and jvp(grad) gave 0): a buffer made without a
derivative (``np.zeros_like``), written item by item with a differentiated value
in a loop (``v10[i11] = p['b']``), read before each write. The gradient code pushes
the buffer on a stack and writes the same array in place; its forward-mode tangent
was written out of place (``set_item``) because saving the item about to be
overwritten (``saved_item(v10_dot, i)``) was taken as sharing the tangent's buffer,
so the tangent on the stack stayed zero. Fixed with bug96 (forward.py's _MIRRORS,
found the same day by another run). (issue 17's "temporary assigned twice"
risk: first a value with no derivative, then one that depends on x.)

Found by the 10,000-program order-two fuzz run (seed 2026120601, program 9), shrunk
by the fuzzer.
"""
import math
import numpy as np

def f(layers, pt, p):
    v0 = p['w']
    for i8 in range(1):
        t9 = v0
        v10 = np.zeros_like(t9)
        for i11 in range(2):
            v0 = np.sin(v10)
            v10[i11] = p['b']
    return np.sum(v0)

ARGS = ([(np.array([[0.7470110188430266, -0.7481507663671112, 0.4890553491423464, 0.6876405469911424, -0.36125068299303875, 0.4279103383080931], [-0.7036487143147246, 0.3009392661425665, 0.24083078500622013, 0.5915662774648052, 0.14328644474288965, 0.23994221831322338]]), np.array([0.23523895420947483, -0.41592996517886804, -0.1329784311159864, -0.2858937932542419, -0.45861436779443954, 0.028608467034489826])), (np.array([[-0.0398311632799746, -0.7921174851995412], [0.6336016392946862, -0.39029150120361217], [-0.7922505279472599, -0.6017785254548967], [0.020815432630002184, -0.08230749501068624], [-0.6834271916129877, 0.49296593792542054], [0.4752853655891578, -0.06978516944389435]]), np.array([-0.36012301174462036, 0.26554202675137417]))], (np.array([0.22281247034303875, -0.27130943300093324]), 0.4650119410590645), {'w': np.array([-0.5857370491522645, -0.550869551551062]), 'b': -0.25767797115663194})
WRT = (0, 1, 2)
FUNC = 'f'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
