"""A valid test case from (seed, index): programs drawn from the generator until one
loads and has inputs it is valid at, and the ``wrt`` it is differentiated for."""
from __future__ import annotations

import random

import numpy as np

from tools.fuzz.aliasing import aliasing_dependent
from tools.fuzz.generator import ProgramGenerator
from tools.fuzz.loader import load_module
from tools.fuzz.probe import Probe, probe_source
from tools.fuzz.timeouts import _Timeout, _with_timeout
from tools.fuzz.validity import evaluate_plain, numerics_ok
from tools.fuzz.values import float_positions


def generate_case(seed, index, total, max_size=16, attempts=30, disabled=(), stats=None,
                  focus=()):
    """A valid (program, inputs) pair: returns (source, fname, args, wrt, rejects)."""
    rejects = 0
    for attempt in range(attempts):
        rng = random.Random(f"{seed}/{index}/{attempt}")
        size = (1 + int(max_size * (index + 1) / max(1, total)) if total
                else rng.randint(1, max_size))
        size = max(1, min(max_size, size + rng.randint(-1, 1)))
        gen = ProgramGenerator(rng, size, disabled, focus)
        source, fname, specs = gen.program()
        try:
            mod = load_module(source)
            f = getattr(mod, fname)
            probe = Probe()
            pmod = load_module(probe_source(source), {"_probe_": probe,
                                                     "_probe_table_": probe.table()}, tag="probe")
            pf = getattr(pmod, fname)
        except Exception as e:  # noqa: BLE001
            raise RuntimeError(f"generator produced a program that does not load: {e}\n{source}")
        nrng = np.random.default_rng(rng.randrange(2 ** 32))
        for _ in range(4):
            args = gen.arguments(specs, nrng)
            try:
                why = _with_timeout(10.0, evaluate_plain, f, pf, probe, args)
            except _Timeout:
                why = "timeout"
            if why is None:
                nums = numerics_ok(f, args, float_positions(args))
                if nums is not None:
                    try:
                        alias = _with_timeout(10.0, aliasing_dependent, source, fname, args,
                                              seed=rng.randrange(2 ** 32))
                    except _Timeout:
                        alias = "timeout"
                    if getattr(gen, "reads_shared", False) and alias is None:
                        # a view read after its array is written, whatever the value
                        alias = "reads a view after a write"
                    if alias is not None and stats is not None:
                        # its value depends on writes through views/aliases: srcdiff may
                        # refuse it, but must not return a wrong number (_check_one)
                        stats["aliasing"] = stats.get("aliasing", 0) + 1
                    return source, fname, args, choose_wrt(rng, specs, args), rejects, nums
                why = "numerics"
            rejects += 1
            # (a program that modifies its arguments is rejected like bad inputs: the
            # same program may not, with other inputs -- builtin min/max of two 0-d
            # arrays returns one of them, and an augmented assignment then writes it)
            if why.startswith(("NameError", "TypeError", "ValueError", "IndexError",
                               "AttributeError", "UnboundLocalError")):
                raise RuntimeError(f"generator produced an invalid program ({why}):\n{source}")
    return None, None, None, None, rejects, None


def choose_wrt(rng, specs, args):
    floats = float_positions(args)
    names = [specs[i][0] for i in floats]
    c = rng.random()
    if c < 0.5 or len(floats) == 1 and c < 0.7:
        return tuple(floats)
    if c < 0.75:
        return rng.choice(floats)
    if c < 0.9:
        return rng.choice(names)
    k = rng.randint(1, len(names))
    return tuple(rng.sample(names, k))
