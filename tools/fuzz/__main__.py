"""``python tools/fuzz ARGS`` (or ``python -m tools.fuzz ARGS`` from the repository
root) runs the fuzzer's command line (tools/fuzz/cli.py)."""
import os
import sys

if not __package__:
    # run as a directory: import the package from the repository root, not tools/fuzz/
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tools.fuzz.cli import main  # noqa: E402

sys.exit(main())
