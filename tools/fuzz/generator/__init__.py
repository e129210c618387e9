"""The program generator: ProgramGenerator (program.py) composed of one mixin per
part of the grammar (scope, expressions, conversions, statements, control flow,
functions, array writes, shared writes, containers, and the real-code idioms of
tools/fuzz/generator/idioms.py); model.py holds the vocabulary they share."""
from tools.fuzz.generator.model import FEATURES, HEADER
from tools.fuzz.generator.program import ProgramGenerator

__all__ = ["FEATURES", "HEADER", "ProgramGenerator"]
