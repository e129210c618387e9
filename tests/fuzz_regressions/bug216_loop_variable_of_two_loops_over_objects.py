"""crash: grad: AttributeError in generated code: 'tuple' object has no attribute
'W'. Two loops over a list of Layer objects with the same loop variable
(``for layer in layers`` twice): records.rewrite_records followed a loop variable
into an object's fields only when the name was assigned once, so the second
loop's ``layer.W`` stayed an attribute read of the tuple that stands for the
object (a crash when only z was differentiated; a refusal when layers was).
Such a name is now followed when every loop binding it runs over objects of
the same class, and refused (not crashed) when it is assigned anything else.

Found by tools/fuzz.py --orders 1,2 (seed 12041206, program 380; session 12), shrunk.
"""
import math
import numpy as np
from tools.fuzz_types import Layer, Params

def f(layers, z):
    for layer in layers:
        pass
    for layer in layers:
        h42 = layer.W
    w47 = h42
    return np.mean(w47)

FUNC = 'f'
ARGS = ([Layer(W=np.array([[0.20367413868955353, -0.318059253599602, -0.718764735951808], [-0.7701738222026965, -0.12007063547976338, -0.3288909293074797], [0.6212302398522407, 0.4167852548225923, -0.11818551809601241], [0.20325661153188723, -0.18307301898583506, -0.2227407374488296], [-0.16523540538012893, 0.5192555812867343, 0.1325485845539921]]), b=np.array([0.16395981614718813, 0.449057868212276, 0.013377898301185853])), Layer(W=np.array([[0.4226665811231909, 0.4486166022421154, -0.7646163536866514, -0.2315054488320225], [0.057142461938682, -0.2778327533768401, 0.6840308688355539, -0.5895590753941136], [0.7698359389791536, -0.5327761269501046, -0.33172454619762703, 0.1236120061385062]]), b=np.array([-0.41014515084313474, -0.2996152627873687, 0.27970743474164794, -0.10064794235377494]))], np.array([(-0.9810247636983714-0.05162165862799628j), (0.8210842328858343+1.129795500674206j), (-0.7902564608697551-0.9913703440215825j), (0.5571907842982233+0.6801449046592347j), (1.0461174058030822-0.49996667209270296j)]))
WRT = 1
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
