"""Command line: print generated derivative code, or list the rule table.

    srcdiff FILE.py::FUNC [--wrt NAMES] [--mode reverse|forward] [--stage STAGE]
    srcdiff rules

(``python -m srcdiff`` works the same). FILE.py is imported, so its
module-level code runs. ``--stage`` prints the function after one stage of
the pipeline instead (api.stages: parse, normalize, inline, reverse,
optimize; optimize, the default, is the generated code).
"""
import argparse
import importlib.util
import os
import sys

from .api.stages import MODE_STAGES, STAGES, stage_source


def _rules():
    from .rules import all_rules
    try:
        from .rules.listing import rules_table
        lines = rules_table()
    except ImportError:
        lines = [f"{r.name}  {r.kinds}" for r in all_rules()]
    print("\n".join(lines))
    return 0


class _BadTarget(Exception):
    """A target the command line cannot use: one line, exit status 2."""


def _load(target):
    """The object FILE.py::NAME names (NAME may be dotted: Class.method);
    imports FILE.py, so its module-level code runs."""
    if "::" not in target:
        raise _BadTarget(f"expected FILE.py::FUNC, got {target!r}")
    path, func = target.split("::", 1)
    if not os.path.isfile(path):
        raise _BadTarget(f"no such file: {path}")
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(mod)
    obj = mod
    for part in func.split("."):
        if not hasattr(obj, part):
            raise _BadTarget(f"{path} has no {func!r}" + (f" ({part!r} is missing)"
                                                          if part != func else ""))
        obj = getattr(obj, part)
    if not callable(obj):
        raise _BadTarget(f"{path}::{func} is not a function: {type(obj).__name__}")
    return obj


def _prog():
    """``srcdiff`` when run as the installed script, else ``python -m srcdiff``."""
    return "python -m srcdiff" if os.path.basename(sys.argv[0]) == "__main__.py" else "srcdiff"


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "rules":
        return _rules()
    prog = _prog()
    parser = argparse.ArgumentParser(
        prog=prog,
        usage=f"{prog} FILE.py::FUNC [--wrt NAMES] [--mode reverse|forward] "
              f"[--stage {'|'.join(STAGES)}]\n"
              f"       {prog} rules",
        description="Print the derivative source srcdiff generates for FUNC, a function "
                    "in FILE.py (FILE.py is imported: its module-level code runs), or "
                    "with --stage the function after that stage of the pipeline. "
                    "'rules' lists the rule table.")
    parser.add_argument("target", metavar="FILE.py::FUNC",
                        help="the function to differentiate (FUNC may be Class.method)")
    parser.add_argument("--wrt", default=None, metavar="NAMES",
                        help="comma-separated parameter names (default: the first parameter)")
    parser.add_argument("--mode", choices=tuple(MODE_STAGES), default="reverse")
    parser.add_argument("--stage", choices=STAGES, default="optimize",
                        help="print the function after this stage of the pipeline "
                             "(default: optimize, the generated code)")
    args = parser.parse_args(argv)
    if args.stage not in MODE_STAGES[args.mode]:
        print(f"{prog}: error: --stage {args.stage} does not apply to --mode {args.mode} "
              f"(its stages: {', '.join(MODE_STAGES[args.mode])})", file=sys.stderr)
        return 2
    from .errors import SrcdiffError
    try:
        f = _load(args.target)
        wrt = tuple(args.wrt.split(",")) if args.wrt else 0
        if args.mode == "reverse" and isinstance(wrt, tuple) and len(wrt) == 1:
            wrt = wrt[0]
        print(stage_source(f, args.stage, wrt, args.mode), end="")
    except _BadTarget as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    except SrcdiffError as e:
        print(f"srcdiff: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
