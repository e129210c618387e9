"""Helpers that generated code and rules call.

Each helper is plain NumPy-API code (it dispatches through NEP-13/18, so
Dask or CuPy arrays stay in their own library) and has its own derivative
rules (rules/runtime_rules.py, rules/indexing.py), so generated derivatives
can be differentiated again.

The helpers live in modules by what they do (values, saving, cotangents,
broadcasting, indexing, containers, write_checks, refusals); this package is
their public home: generated code imports each from ``srcdiff.runtime``
(``from srcdiff.runtime import unbroadcast``), and each one's ``__module__``
says so, as NumPy's functions say ``numpy``. ``origins`` records which user
function each piece of generated code derives from; ``transforms`` and
``trees`` serve the stages above.
"""
import types

# (re-exported: generated code, the rules and the stages above import them from here)
from . import values, saving, cotangents, broadcasting, indexing, containers, write_checks, refusals
from .values import (is_foreign, size_of, reduced_size, array_copy, in_library_of, like_container,
                     ShapeOf, shape_of, is_complex, cast_like)  # noqa: F401
from .saving import (saved_copy, saved_contents, saved_items, Stacked, stacked, unstacked, Kept,
                     kept, refilled, saved_item, copy_structure, copy_together, restore_contents,
                     restore_together)  # noqa: F401
from .cotangents import (zeros_like_value, zeros_like_list, rule_cotangents, rule_result_like,
                         add_cotangents, complete_cotangent, items_like, items_array,
                         scalar_seed)  # noqa: F401
from .broadcasting import (sum_to_shape, unbroadcast, broadcast_like, unbroadcast_each,
                           broadcast_each, expand_reduced, matmul_grad_x, matmul_grad_y,
                           sum_product)  # noqa: F401
from .indexing import (zero_at, written_piece, last_writes, add_at, add_at_copied,
                       add_at_owned_copied, replace_at, add_at_owned, drop_newaxes, set_index,
                       index_add, is_basic_index, scatter_add, index_update, cotangent_item,
                       item_cotangent, added_at, subtracted_at, written_copy)  # noqa: F401
from .containers import (dict_get, dict_items, dict_values, items_cotangent, items_tangent,
                         values_cotangent, values_tangent, dict_source_cotangent,
                         dict_source_tangent, dict_items_like, sorted_order, sorted_cotangent,
                         sorted_tangent, sorted_keys_only, seq_add, seq_mul, as_sequence,
                         pop_tail)  # noqa: F401
from .write_checks import (same_length_slice, not_shared, same_items, item_alone,
                           read_after_write, unshared_at_write, owned_value, fresh_value,
                           array_target, int_index)  # noqa: F401
from .refusals import unsupported, no_closed_form  # noqa: F401

__all__ = ["unbroadcast", "broadcast_like", "sum_to_shape", "expand_reduced",
           "zeros_like_value", "add_cotangents", "complete_cotangent", "size_of",
           "reduced_size"]

for _module in (values, saving, cotangents, broadcasting, indexing, containers, write_checks,
                refusals):
    for _obj in vars(_module).values():
        if isinstance(_obj, (types.FunctionType, type)) and _obj.__module__ == _module.__name__:
            _obj.__module__ = __name__
del _module, _obj

# The helpers of generated code that change their first argument in place (and
# return it): the transforms and the optimizer must not take a call of one for
# a pure value (a refill whose result is unread still changes what others read).
WRITES_FIRST_ARGUMENT = (add_at, add_at_owned, index_add, set_index, restore_contents,
                         restore_together, pop_tail)
