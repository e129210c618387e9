"""``python -m benchmarks [options]`` (see ``benchmarks/run.py --help``)."""
import sys

from benchmarks import _threads

_threads.pin_env(_threads.threads_from_argv(sys.argv[1:]))

from benchmarks.cli import main  # noqa: E402  (after pinning threads)

sys.exit(main())
