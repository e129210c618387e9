"""The fuzzer's command line (``python tools/fuzz ARGS``): a campaign, or one saved
failure re-checked or shrunk, or one generated program shown."""
from __future__ import annotations

import argparse
import sys

from tools.fuzz.checks import ORDERS
from tools.fuzz.generate import generate_case
from tools.fuzz.generator import FEATURES
from tools.fuzz.runner import run
from tools.fuzz.saved import check_saved, literal, shrink_saved


def main(argv=None):
    ap = argparse.ArgumentParser(description="Random-program fuzzer for srcdiff.")
    ap.add_argument("--programs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="fuzz-failures", help="where failing programs are saved")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--shrink-time", type=float, default=60.0, help="seconds per failure")
    ap.add_argument("--max-shrinks", type=int, default=20,
                    help="shrink at most this many distinct failure kinds per run")
    ap.add_argument("--max-size", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds for all the checks of one program (a hang is a failure)")
    ap.add_argument("--jobs", "-j", type=int, default=1,
                    help="worker processes (the programs and results do not depend on it)")
    ap.add_argument("--forward", choices=["auto", "on", "off"], default="auto",
                    help="forward-vs-reverse check: auto = when srcdiff.jvp exists; on = use "
                         "srcdiff.api.forward_mode.jvp even if not exported")
    ap.add_argument("--disable", default="",
                    help="comma-separated generator features to leave out (to look past known "
                         "bugs): " + ", ".join(FEATURES))
    ap.add_argument("--orders", default=None,
                    help="derivative orders to check, comma-separated (default "
                         + ",".join(map(str, ORDERS)) + "; with --check, the file's ORDERS): 1 = "
                         "grad/vjp/value_and_grad against central differences and jvp against "
                         "reverse; 2 = also hvp against central differences of the gradient, "
                         "jvp(grad(f)) and jacobian(grad(f)) against the same, hessian "
                         "symmetric (small inputs); a SrcdiffError at order two counts unless it "
                         "says that a rule the program calls (named) is not twice "
                         "differentiable (tools/fuzz/order2.py); 3 = also, for one real "
                         "argument, hvp of sum(grad(f) * u) against central differences of its "
                         "gradient")
    ap.add_argument("--ignore", metavar="REGEX",
                    help="programs whose every failure ('category: detail') matches REGEX are "
                         "counted as ignored, not reported (to look past known bugs)")
    ap.add_argument("--focus", default="",
                    help="comma-separated generator features to generate ten times as often "
                         "(same names as --disable)")
    ap.add_argument("--progress", type=int, default=100, metavar="N",
                    help="print a progress line every N programs (0: never); failing "
                         "programs are printed as they are found either way")
    ap.add_argument("--check", metavar="FILE", help="re-run the checks on a saved failure")
    ap.add_argument("--shrink", metavar="FILE",
                    help="shrink a saved failure further (in place; budget --shrink-time)")
    ap.add_argument("--show", type=int, metavar="K", help="print program K of --seed and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)   # progress reaches a log file as it happens
    forward = {"auto": "auto", "on": True, "off": False}[a.forward]
    try:
        orders = tuple(sorted({int(x) for x in (a.orders or ",".join(map(str, ORDERS)))
                               .split(",") if x.strip()}))
    except ValueError:
        orders = ()
    if not orders or not set(orders) <= {1, 2, 3} or orders != tuple(range(1, len(orders) + 1)):
        ap.error("--orders: 1, 1,2 or 1,2,3 (each order is checked only where the ones "
                 "below it pass)")
    disabled = [x for x in a.disable.split(",") if x]
    focus = [x for x in a.focus.split(",") if x]
    for x in disabled + focus:
        if x not in FEATURES:
            ap.error(f"unknown feature {x!r}; known: {', '.join(FEATURES)}")
    if a.check:
        return check_saved(a.check, forward, orders=orders if a.orders else None)
    if a.shrink:
        return shrink_saved(a.shrink, forward, a.shrink_time)
    if a.show is not None:
        source, fname, args, wrt, _, _ = generate_case(a.seed, a.show, a.programs, a.max_size,
                                                       disabled=disabled, focus=focus)
        print(source)
        print(f"ARGS = {literal(tuple(args))}\nWRT = {wrt!r}")
        return 0
    n, mism = run(a.programs, a.seed, a.out, a.shrink_time, not a.no_shrink, a.max_shrinks,
                  forward, a.max_size, a.verbose, disabled=disabled, jobs=max(1, a.jobs),
                  timeout=a.timeout, orders=orders, ignore=a.ignore, focus=focus,
                  progress=max(0, a.progress))
    print(f"{n} programs, {len(mism)} mismatches")
    return 1 if mism else 0
