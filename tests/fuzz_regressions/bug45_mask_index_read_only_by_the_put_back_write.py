"""crash (ValueError in the generated code): in a loop, ``A0[A0 < 1.0] = s3``
then ``A0 = outer(...)``. The written A0 is never read again, so the adjoint
of the write is empty and nothing in the sweep read the mask A0_i; but
putting back A0's old elements (``A0[A0_i] = saved``) reads it, and it was
not saved per iteration: the last iteration's mask was used for all of them.
An index read only by such a put-back write is now kept like any other
value the sweep reads.

Found by tools/fuzz.py (seed 5005, program 302; shrunk).
"""
import math
import numpy as np


def f(y):
    A0 = y / np.linspace(1.0, 1.0, 12).reshape(3, 4)
    for i2, v1 in enumerate(np.cos(A0)):
        for s3 in v1:
            A0[A0 < 1.0] = s3
            A0 = np.outer(np.linspace(0.5, 0.5, 3), v1)
    return np.sum(A0)

FUNC = 'f'
ARGS = (np.array([-0.005775393858996836, -0.8534467679861499, -0.8672792519463017, 1.143106220644207]),)
WRT = 'y'
