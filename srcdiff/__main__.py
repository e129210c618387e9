"""Command line: print generated derivative code, or list the rule table.

    python -m srcdiff FILE.py::FUNC [--wrt NAMES] [--mode reverse|forward]
    python -m srcdiff rules
"""
import argparse
import importlib.util
import os
import sys


def _rules():
    from .rules import all_rules
    try:
        from .rules.listing import rules_table
        lines = rules_table()
    except ImportError:
        lines = [f"{r.name}  {r.kinds}" for r in all_rules()]
    print("\n".join(lines))
    return 0


def _load(target):
    if "::" not in target:
        raise SystemExit(f"expected FILE.py::FUNC, got {target!r}")
    path, func = target.split("::", 1)
    if not os.path.exists(path):
        raise SystemExit(f"no such file: {path}")
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(mod)
    obj = mod
    for part in func.split("."):
        obj = getattr(obj, part)
    return obj


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "rules":
        return _rules()
    parser = argparse.ArgumentParser(prog="python -m srcdiff",
                                     description="Print the derivative source srcdiff generates.")
    parser.add_argument("target", help="FILE.py::FUNC (or 'rules' to list the rule table)")
    parser.add_argument("--wrt", default=None,
                        help="comma-separated parameter names (default: the first parameter)")
    parser.add_argument("--mode", choices=("reverse", "forward"), default="reverse")
    args = parser.parse_args(argv)
    import srcdiff
    from .errors import SrcdiffError
    try:
        f = _load(args.target)
        wrt = tuple(args.wrt.split(",")) if args.wrt else 0
        if args.mode == "reverse":
            g = srcdiff.grad(f, wrt=wrt if not isinstance(wrt, tuple) or len(wrt) > 1 else wrt[0])
        else:
            if not hasattr(srcdiff, "jvp_source"):
                print("forward mode is not available in this version", file=sys.stderr)
                return 2
            g = srcdiff.jvp_source(f, wrt=wrt)
        print(srcdiff.source(g), end="")
    except SrcdiffError as e:
        print(f"srcdiff: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
