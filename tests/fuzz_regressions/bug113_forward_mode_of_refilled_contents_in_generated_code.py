"""refused (forward over reverse): hvp and jvp(grad) raised "a call of the user
function restore_contents was not inlined; forward mode cannot follow it": the
gradient code refills a buffer written in a loop inside a branch with
``runtime.restore_contents`` (in place), which had no forward or reverse rule.
It now has both; its tangent is refilled in place too (forward.py's _MIRRORS),
as the primal is. (Not shrunk: the fuzzer's shrinker kept the whole program and
hand-made reductions stopped calling restore_contents.)

Found by the 10,000-program order-two fuzz run (seed 2026120601, program 326; also 586).
"""
import math
import numpy as np
G0 = 0.73

def f(s, pt, Ws, w):
    if np.sum(np.outer(w, np.ones(5)) ** 3) > 0.03:
        return math.cos(s)
    for i1 in range(1, 2):
        v2 = np.arctan(pt[0] + pt[0])
    else:
        if not G0 <= -0.01:
            if not np.sum(pt[0]) > 0.25:
                s3 = G0 * 1.0
        elif np.sum(np.stack([np.log1p(pt[0] ** 2), np.log1p(pt[0] ** 2)])) > 0.26:
            if np.sum(pt[0] / (1.0 + np.square(pt[0])) - (pt[0][None, :] if pt[0][1] > 0.35 else pt[0][None, :])) > -0.34:
                s = np.sqrt(1.0 + (pt[1] * np.ones((2, 5))) ** 2)[-1][-5]
                c4 = np.mean(G0 * np.ones((2, 5)), axis=-1, keepdims=True)
            else:
                r5 = np.fmax(np.linspace(0.1, 0.9, 5).reshape(1, 5), s)
    w6 = w + np.log1p(w ** 2)
    v7 = (np.outer(w, np.ones(5)) / (1.5 + np.cos(pt[0] * np.ones((2, 1)))))[-2]
    w8 = np.zeros(2)
    i9 = 0
    while i9 < 2:
        c10 = np.sum(pt[0] * np.ones((2, 1)), axis=1, keepdims=True)
        buf12 = np.linspace(-0.3, 0.3, 5)
        t13 = np.tanh(np.roll(np.expm1(np.tanh(pt[0])), 1))
        for i11 in range(3):
            t13 = t13 * (1.0 + buf12)
            np.add.at(buf12, [0, 0], 0.1)
        w8[i9] = math.log(1.5 + math.sin(pt[1]))
        i9 += 1
    A15 = np.sin(np.outer(w8 if np.sum(w8) > -0.52 else w6, np.arctan(pt[0]))) + np.linspace(0.0, 1.0, 10).reshape(2, 5)
    U16, S17, Vt18 = np.linalg.svd(A15, full_matrices=False)
    A19 = U16 * S17 @ Vt18
    return 0.55 * np.sum(w8 ** 2) + np.sum(S17 ** 2)

FUNC = 'f'
ARGS = (np.array(0.3841230278103007), (np.array([0.7151331532229768, -0.5032381580753676, -0.20382834096355906, -0.8878866403589585, 0.6878689747076434]), -0.7397127687117222), [np.array([[-0.7440456970324238, 0.4175620901332946, -0.32880544821134344, 0.4589390653389043, 0.7322895991051128, -0.0389597515378034], [-0.770630875201544, -0.43128616195717717, 0.032013188429256934, -0.15139000580889017, 0.6953185570578115, 0.7229853124070409], [0.6216719118209431, 0.4835583446991156, -0.3758119975186997, -0.7442209191038993, 0.1350250114041296, -0.6538200948597199], [0.08087720820593014, 0.3691272692558685, 0.2860291089104825, 0.2051355705695106, -0.150402885447396, 0.3681956431160267], [0.4898795028764631, -0.06707342708257946, -0.21380300272950092, 0.2608972106894014, -0.16159468928275778, -0.17496847418836448]]), np.array([[0.5341203351237578, -0.6393707620689919], [-0.25424420695574224, -0.6249121798085178], [0.4487993212573256, 0.3878346388506242], [0.17189060943629042, -0.18054240764673346], [0.20505380807052975, -0.32045747462557306], [0.24757718521722394, -0.7531247528019489]]), np.array([[0.7719788025289556, 0.2754947065753304, 0.7495415872430067, 0.6890936130851844, 0.7872138501432049], [0.22801629039833826, -0.10964438707616364, 0.31286985837576387, 0.43120238528758725, -0.668321935310514]])], np.array([0.36290637137611026, 0.40818923529534046]))
WRT = 'w'
FUNC = 'f'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
