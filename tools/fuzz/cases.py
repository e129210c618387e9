"""One case run end to end: the program loaded (and its kink probe), its validity at
the inputs, then every check."""
from __future__ import annotations

from tools.fuzz.checks import ORDERS, check_program
from tools.fuzz.executed import dead_statements
from tools.fuzz.loader import load_module
from tools.fuzz.probe import Probe, probe_source
from tools.fuzz.timeouts import _Timeout
from tools.fuzz.validity import evaluate_plain, numerics_ok
from tools.fuzz.values import float_positions


def run_case(source, fname, args, wrt, forward="auto", seed=0, require_valid=True,
             numerics=True, coverage=False, orders=ORDERS):
    """('invalid', reason) | ('ok', []) | ('fail', [Failure...]); with coverage=True a
    third item: the number of statements that never run."""
    res = _run_case(source, fname, args, wrt, forward, seed, require_valid, numerics, coverage,
                    orders)
    return res if coverage else res[:2]


def _run_case(source, fname, args, wrt, forward, seed, require_valid, numerics, coverage,
              orders):
    try:
        mod = load_module(source)
        f = getattr(mod, fname)
        probe = Probe()
        pmod = load_module(probe_source(source), {"_probe_": probe,
                                                 "_probe_table_": probe.table()}, tag="probe")
        pf = getattr(pmod, fname)
    except _Timeout:
        raise
    except Exception as e:  # noqa: BLE001
        return "invalid", f"does not load: {type(e).__name__}: {e}", None
    if require_valid:
        why = evaluate_plain(f, pf, probe, args)
        if why:
            return "invalid", why, None
        nums = numerics_ok(f, args, float_positions(args)) if numerics else {}
        if nums is None:
            return "invalid", "central differences unreliable", None
    else:
        nums = None
    dead = dead_statements(mod, f, args) if coverage else None
    fails = check_program(f, args, wrt, seed=seed, forward=forward, numeric=nums, orders=orders)
    return ("fail", fails, dead) if fails else ("ok", [], dead)
