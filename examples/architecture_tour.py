"""The function ARCHITECTURE.md walks through every stage of the pipeline.

Run it to print ``f`` after each stage (what ``python -m srcdiff
examples/architecture_tour.py::f --stage STAGE`` prints), then the gradient
it generates, checked against central differences.
"""
import numpy as np

import srcdiff
from srcdiff.api.stages import STAGES, stage_source


def energy(v):
    return np.sum(v * v)


def f(x, y):
    z = np.sin(x) * y
    for _ in range(3):
        z = z * x
    return energy(z)


def main():
    for stage in STAGES:
        print(f"# ---- --stage {stage} ----")
        print(stage_source(f, stage))
    x, y = np.array([0.5, 1.0, 1.5]), np.array([2.0, -1.0, 0.5])
    print("grad f w.r.t. x at", x, "=", srcdiff.grad(f)(x, y))
    assert srcdiff.gradcheck(f, x, y)


if __name__ == "__main__":
    main()
