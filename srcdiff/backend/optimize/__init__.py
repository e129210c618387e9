"""Clean-up passes over generated code, one module a pass.

- ``substitution.forward_substitute`` folds a temporary used exactly once back
  into the expression that uses it;
- ``copies.copy_propagate`` lets the reads of ``x`` after ``x = y`` read ``y``;
- ``dead_assignments.dead_code`` removes assignments nothing reads;
- ``accumulations.merge_twin_accumulations`` and ``merge_accumulations`` write
  a cotangent's contributions as one expression;
- ``effects``: what a statement reads, writes and may change, and which names
  may share an array, which every pass asks before it moves a statement.
"""
from .accumulations import merge_accumulations, merge_twin_accumulations
from .copies import copy_propagate
from .dead_assignments import dead_code
from .substitution import forward_substitute, return_items

__all__ = ["forward_substitute", "copy_propagate", "dead_code", "merge_twin_accumulations",
           "merge_accumulations", "return_items"]
