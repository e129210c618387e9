"""Named tuples the fuzzer's programs take as parameters (tools/fuzz/generator/idioms.py).
They live in an importable module so that arguments holding them can be pickled
between the fuzzer's worker processes and written into saved failure files."""
from collections import namedtuple

Layer = namedtuple("Layer", ["W", "b"])
Params = namedtuple("Params", ["w", "c"])
