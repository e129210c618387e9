"""Rules for the runtime helpers that generated code calls, so that
generated derivatives can themselves be differentiated (the indexing and
dict helpers' rules are in indexing.py)."""
import numpy as np

from ..runtime import (unbroadcast, broadcast_like, expand_reduced, sum_to_shape,
                       zeros_like_value, size_of, reduced_size, written_copy, rule_cotangents,
                       rule_result_like, unbroadcast_each, broadcast_each)
from .registry import vjp_rule, jvp_rule, register_linear, nondifferentiable


@vjp_rule(unbroadcast)
def unbroadcast_vjp(gg, ans, g, x):
    return broadcast_like(gg, g), None


@jvp_rule(unbroadcast)
def unbroadcast_jvp(ans, g, x, *, dg, dx):
    return unbroadcast(dg, x)


@vjp_rule(broadcast_like)
def broadcast_like_vjp(gg, ans, t, ref):
    return unbroadcast(gg, t), None


@jvp_rule(broadcast_like)
def broadcast_like_jvp(ans, t, ref, *, dt, dref):
    return broadcast_like(dt, ref)


@vjp_rule(expand_reduced)
def expand_reduced_vjp(gg, ans, g, x, axis=None, keepdims=False):
    return np.sum(gg, axis=axis, keepdims=keepdims), None


@jvp_rule(expand_reduced)
def expand_reduced_jvp(ans, g, x, axis=None, keepdims=False, *, dg, dx):
    return expand_reduced(dg, x, axis, keepdims)


register_linear((0,), unbroadcast, broadcast_like, expand_reduced, sum_to_shape)
nondifferentiable(zeros_like_value, size_of, reduced_size, written_copy)


# ---- helpers of the generated reverse code, for forward-over-reverse ----------
from ..runtime import (scalar_seed, as_sequence, zero_at, saved_copy, saved_items,  # noqa: E402
                       saved_contents, add_cotangents, complete_cotangent)

nondifferentiable(scalar_seed)


@vjp_rule(as_sequence)
def as_sequence_vjp(g, ans, it):
    return g


@jvp_rule(as_sequence)
def as_sequence_jvp(ans, it, *, dit):
    return as_sequence(dit)


@vjp_rule(zero_at)
def zero_at_vjp(gg, ans, g, index):
    return zero_at(gg, index), None


@jvp_rule(zero_at)
def zero_at_jvp(ans, g, index, *, dg):
    return zero_at(dg, index)


@vjp_rule(saved_copy)
def saved_copy_vjp(g, ans, value):
    return g


@jvp_rule(saved_copy)
def saved_copy_jvp(ans, value, *, dvalue):
    return saved_copy(dvalue)


@vjp_rule(saved_items)
def saved_items_vjp(g, ans, value):
    return saved_items(g)


@vjp_rule(saved_contents)
def saved_contents_vjp(g, ans, value):
    return saved_contents(g)


@jvp_rule(saved_contents)
def saved_contents_jvp(ans, value, *, dvalue):
    return saved_contents(dvalue)


@jvp_rule(saved_items)
def saved_items_jvp(ans, value, *, dvalue):
    return saved_items(dvalue)


@vjp_rule(add_cotangents)
def add_cotangents_vjp(g, ans, a, b):
    return g, g


@jvp_rule(add_cotangents)
def add_cotangents_jvp(ans, a, b, *, da, db):
    return add_cotangents(da, db)


@vjp_rule(unbroadcast_each)
def unbroadcast_each_vjp(gg, ans, gs, xs):
    return broadcast_each(gg, gs), None


@jvp_rule(unbroadcast_each)
def unbroadcast_each_jvp(ans, gs, xs, *, dgs, dxs):
    return unbroadcast_each(dgs, xs)


@vjp_rule(broadcast_each)
def broadcast_each_vjp(gg, ans, ts, refs):
    return unbroadcast_each(gg, ts), None


@jvp_rule(broadcast_each)
def broadcast_each_jvp(ans, ts, refs, *, dts, drefs):
    return broadcast_each(dts, refs)


@vjp_rule(rule_cotangents)
def rule_cotangents_vjp(gg, ans, result, n):
    return rule_result_like(gg, result), None


@jvp_rule(rule_cotangents)
def rule_cotangents_jvp(ans, result, n, *, dresult, dn):
    return rule_cotangents(dresult, n)


@vjp_rule(rule_result_like)
def rule_result_like_vjp(gg, ans, cts, result):
    return rule_cotangents(gg, len(cts)), None


@jvp_rule(rule_result_like)
def rule_result_like_jvp(ans, cts, result, *, dcts, dresult):
    return rule_result_like(dcts, result)


@vjp_rule(complete_cotangent)
def complete_cotangent_vjp(gg, ans, g, x):
    return gg, None


@jvp_rule(complete_cotangent)
def complete_cotangent_jvp(ans, g, x, *, dg, dx):
    return complete_cotangent(dg, x)


register_linear((0,), zero_at, saved_copy, saved_items, saved_contents, complete_cotangent,
                as_sequence)

from ..runtime import items_like, items_array  # noqa: E402


@vjp_rule(items_like)
def items_like_vjp(gg, ans, g, x):
    return items_array(gg, x), None


@jvp_rule(items_like)
def items_like_jvp(ans, g, x, *, dg, dx):
    return items_like(dg, x)


@vjp_rule(items_array)
def items_array_vjp(gg, ans, g, x):
    return items_like(gg, x), None


@jvp_rule(items_array)
def items_array_jvp(ans, g, x, *, dg, dx):
    return items_array(dg, x)


register_linear((0,), items_like, items_array)

from ..runtime import restore_contents  # noqa: E402


@vjp_rule(restore_contents)
def restore_contents_vjp(g, ans, value, snapshot):
    return None, g


@jvp_rule(restore_contents)
def restore_contents_jvp(ans, value, snapshot, *, dvalue, dsnapshot):
    # (the tangent buffer refilled in place too, as the primal's is -- with zeros
    # where the snapshot's tangent is zero: not linear in the snapshot, whose
    # zero tangent still overwrites what the value's tangent holds, which names
    # sharing the value's array read)
    return restore_contents(dvalue, dsnapshot)

from ..runtime import (add_at, add_at_owned, add_at_copied, add_at_owned_copied,  # noqa: E402
                       zeros_like_list, scatter_add)


@vjp_rule(add_at, add_at_owned, add_at_copied, add_at_owned_copied)
def add_at_vjp(gg, ans, d, index, g):
    return gg, None, unbroadcast(gg[index], g)


@jvp_rule(add_at, add_at_owned, add_at_copied, add_at_owned_copied)
def add_at_jvp(ans, d, index, g, *, dd, dg):
    return add_cotangents(dd, scatter_add(dg, d, index))


nondifferentiable(zeros_like_list)

from ..runtime import sum_product, replace_at, zero_at  # noqa: E402,F811


@vjp_rule(replace_at)
def replace_at_vjp(gg, ans, g, index, v):
    return zero_at(gg, index), None, unbroadcast(gg[index], v)


@jvp_rule(replace_at)
def replace_at_jvp(ans, g, index, v, *, dg, dv):
    return add_cotangents(zero_at(dg, index), scatter_add(dv, g, index))


@vjp_rule(sum_product)
def sum_product_vjp(gg, ans, a, b, x):
    gp = broadcast_like(gg, a * b)
    return unbroadcast(gp * b, a), unbroadcast(a * gp, b), None


@jvp_rule(sum_product)
def sum_product_jvp(ans, a, b, x, *, da, db, dx):
    return sum_product(da, b, x) + sum_product(a, db, x)

from ..runtime import cotangent_item, item_cotangent  # noqa: E402


@vjp_rule(cotangent_item)
def cotangent_item_vjp(gg, ans, g, key, like):
    return item_cotangent(gg, g, key), None, None


@jvp_rule(cotangent_item)
def cotangent_item_jvp(ans, g, key, like, *, dg, dlike):
    return cotangent_item(dg, key, like)


# (the transpose of cotangent_item, linear in its first argument too)
@vjp_rule(item_cotangent)
def item_cotangent_vjp(ggg, ans, gg, g, key):
    return cotangent_item(ggg, key, gg), None, None


@jvp_rule(item_cotangent)
def item_cotangent_jvp(ans, gg, g, key, *, dgg, dg):
    return item_cotangent(dgg, g, key)


register_linear((0,), cotangent_item, item_cotangent)

from ..runtime import shape_of, ShapeOf, copy_structure  # noqa: E402

# what generated code saves of a value it needs only the shape of: no derivative
nondifferentiable(shape_of, ShapeOf)


@vjp_rule(copy_structure)
def copy_structure_vjp(g, ans, value, arrays=False):
    return g, None


@jvp_rule(copy_structure)
def copy_structure_jvp(ans, value, arrays=False, *, dvalue):
    return copy_structure(dvalue, arrays)


from ..runtime import copy_together  # noqa: E402


@vjp_rule(copy_together)
def copy_together_vjp(g, ans, values):
    return g


@jvp_rule(copy_together)
def copy_together_jvp(ans, values, *, dvalues):
    return copy_together(dvalues)


from ..runtime import saved_item  # noqa: E402


@vjp_rule(saved_item)
def saved_item_vjp(g, ans, y, key):
    return (None if g is None or (isinstance(y, dict) and key not in y) else scatter_add(g, y, key)), None


@jvp_rule(saved_item)
def saved_item_jvp(ans, y, key, *, dy):
    return saved_item(dy, key)


register_linear((0,), copy_structure, copy_together, saved_item)

from ..runtime import stacked, unstacked  # noqa: E402


# a stack entry's value is the copy taken at the push (runtime.Stacked): its
# cotangent is the object's cotangent, its tangent the tangent object's entry
@vjp_rule(stacked)
def stacked_vjp(g, ans, x):
    return g


@jvp_rule(stacked)
def stacked_jvp(ans, x, *, dx):
    return stacked(dx)


@vjp_rule(unstacked)
def unstacked_vjp(g, ans, entry):
    return g


@jvp_rule(unstacked)
def unstacked_jvp(ans, entry, *, dentry):
    return unstacked(dentry)


register_linear((0,), stacked, unstacked)

from ..runtime import kept, refilled  # noqa: E402


# a kept stack entry holds the list itself: its tangent is the tangent list's
# entry, its cotangent the list's cotangent
@vjp_rule(kept)
def kept_vjp(g, ans, x):
    return g


@jvp_rule(kept)
def kept_jvp(ans, x, *, dx):
    return kept(dx)


@vjp_rule(refilled)
def refilled_vjp(g, ans, entry):
    return g


@jvp_rule(refilled)
def refilled_jvp(ans, entry, *, dentry):
    return refilled(dentry)


register_linear((0,), kept, refilled)


# ---- the dtype cast of every cotangent, and the refusals raised at run time ----
from ..runtime import cast_like  # noqa: E402
from ..runtime.origins import user_location  # noqa: E402
from ..runtime.refusals import unsupported, no_closed_form  # noqa: E402


@vjp_rule(cast_like)
def cast_like_vjp(gg, ans, ct, x):
    return cast_like(gg, ct), None


@jvp_rule(cast_like)
def cast_like_jvp(ans, ct, x, *, dct, dx):
    return cast_like(dct, x)


register_linear((0,), cast_like)
nondifferentiable(unsupported, no_closed_form, user_location)

