"""Checks generated code runs before an in-place write it differentiates:
what it cannot differentiate correctly (a write into an array other names
share, a list slice that changes its length, ``a[i][j] = v`` through a copy)
raises ``SrcdiffError`` naming the user's file and line."""
import numpy as np


def same_length_slice(target, index, value, filename, lineno):
    """``L[a:b] = v`` on a list: only a write that keeps the list's length is
    differentiated (items keep their places); returns ``index``."""
    if type(target) is list and type(index) is slice \
            and len(range(*index.indices(len(target)))) != len(value):
        from ..errors import SrcdiffError
        raise SrcdiffError("a slice assignment that changes a list's length is not "
                           "supported", filename, lineno,
                           "build a new list: L = L[:a] + [...] + L[b:]")
    return index


def not_shared(value, name, others, filename, lineno):
    """``y += v`` changes y's array in place in Python but is differentiated as
    ``y = y + v``: where a value read later (``others``) may share y's memory,
    that is refused here, when it happens (a number is never changed in place)."""
    if isinstance(value, np.ndarray):
        for other_name, other in others:
            if isinstance(other, (np.ndarray, list, tuple, dict)) and _may_share(value, other):
                from ..errors import SrcdiffError
                held = not isinstance(other, np.ndarray)      # a list or dict holding it
                raise SrcdiffError(f"'{name}' is changed in place here, but '{other_name}' "
                                   + ("holds the same array" if held else "names the same array")
                                   + " and is used afterwards; srcdiff differentiates this as "
                                   "a new value", filename, lineno,
                                   f"write {name} = {name} <op> ... (or copy it first: "
                                   + (f"{name} = {name}.copy() before it is stored)" if held
                                      else f"{other_name} = {name}.copy())"))
    return value


def same_items(seq, items):
    """The list of functions a loop was unrolled over still holds these (values.py)."""
    if len(seq) != len(items) or any(a is not b for a, b in zip(seq, items)):
        from ..errors import SrcdiffError
        raise SrcdiffError("a list of functions the differentiated code loops over has "
                           "changed since the code was generated", None, None,
                           "make it a tuple, or differentiate the function again")
    return None


def item_alone(container, key, name, filename, lineno):
    """``L[key] += v`` changes the item's array in place in Python but is
    differentiated as ``L[key] = L[key] + v``: refused, when it happens, where
    another item of ``L`` shares that array (a number is never changed in place).
    Run before the item is stored, on the item as the program holds it."""
    from ..errors import SrcdiffError
    try:
        value = container[key]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(value, np.ndarray):
        return None
    if isinstance(container, dict):
        others = [v for k, v in container.items() if k != key]
    elif isinstance(container, (list, tuple)) and isinstance(key, (int, np.integer)):
        k = key % len(container) if container else key
        others = [v for i, v in enumerate(container) if i != k]
    else:
        raise SrcdiffError(f"'{name}[...] += ...' with this index changes arrays held in "
                           f"{name} in place; srcdiff differentiates it as a new value",
                           filename, lineno, f"write {name}[i] = {name}[i] + ... (a new array)")
    for other in others:
        if _may_share(value, other):
            raise SrcdiffError(f"'{name}[...] += ...' changes an array in place that another "
                               f"item of {name} holds too; srcdiff differentiates this as a new "
                               "value", filename, lineno,
                               f"write {name}[i] = {name}[i] + ... (a new array)")
    return None


def read_after_write(name, array):
    """The message and hint for a value that shares ``array``'s memory read
    after ``array`` is written in place (inline.py, and unshared_at_write)."""
    return (f"'{name}' (which may share memory with '{array}') is used after '{array}' "
            "is written in place here", f"copy it where it is made: {name} = ....copy()")


def _may_share(array, value):
    """Could writing into ``array``'s elements change ``value``? Numbers and
    None hold no memory; containers are looked into; ``array`` must be a
    NumPy array (a write into a list element is not followed here)."""
    if value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        return False
    if isinstance(value, (list, tuple)):
        return any(_may_share(array, v) for v in value)
    if isinstance(value, dict):
        return any(_may_share(array, v) for v in value.values())
    if isinstance(value, np.ndarray) and isinstance(array, np.ndarray):
        return np.may_share_memory(array, value)
    return True


def unshared_at_write(array, name, others, filename, lineno):
    """``y[i] = v`` where values read later (``others``) may, statically, share
    y's memory (an item of y, which is a row view or a number depending on
    y's rank; builtin min() of one): srcdiff differentiates them as they were
    made, so one that really shares y's memory is refused here, when it happens."""
    for other_name, other in others:
        if _may_share(array, other):
            from ..errors import SrcdiffError
            message, hint = read_after_write(other_name, name)
            raise SrcdiffError(message, filename, lineno, hint)


def owned_value(array, name, params, filename, lineno):
    """``t[i] = v`` where t may (statically) be (part of) a parameter's array, on
    some paths or always: a write into the caller's array is not followed, so
    it is refused here, when it happens."""
    for param_name, param in params:
        if _may_share(array, param):
            from ..errors import SrcdiffError
            raise SrcdiffError(f"'{name}' and the argument '{param_name}' share memory "
                               f"here, where '{name}' is written in place; srcdiff cannot "
                               "follow writes into an argument's arrays", filename, lineno,
                               f"make a private copy first: {name} = ....copy()")


def _holds(source, value):
    """Could ``value`` be (or share memory with) part of ``source``?"""
    if isinstance(source, np.ndarray):
        return _may_share(source, value)
    if isinstance(source, (list, tuple)):
        return any(s is value or _holds(s, value) for s in source)
    if isinstance(source, dict):
        return any(s is value or _holds(s, value) for s in source.values())
    return False


def fresh_value(value, name, sources, array, line, filename, lineno):
    """``t = y[k]`` (or builtin min(), ...) where t may, statically, share the
    memory of an array changed in place later by ``array += ...`` (at ``line``)
    while t is still used: srcdiff differentiates t as it was made, so a t that
    really shares its sources' memory (a row of a matrix, not an item of a
    vector) is refused here, where it is made."""
    for source_name, source in sources:
        if _holds(source, value):
            from ..errors import SrcdiffError
            raise SrcdiffError(f"'{name}' and '{source_name}' share memory here, and '{array}' "
                               f"is changed in place at line {line} while '{name}' is used "
                               "afterwards; srcdiff differentiates that as a new value",
                               filename, lineno, f"copy it where it is made: {name} = ....copy()")


def array_target(a, filename, lineno):
    """``a[i][j] = v`` is generated as ``a[i, j] = v``: the same write only for an
    array; a list's (or dict's) item is refused where it happens."""
    if isinstance(a, (list, tuple, dict)):
        from ..errors import SrcdiffError
        raise SrcdiffError(f"nested subscript assignment a[i][j] = v into an item of a "
                           f"{type(a).__name__} changes an array it holds in place",
                           filename, lineno, "build the item anew and assign a[i] = new")


def int_index(i, filename, lineno):
    """``a[i][j] = v`` is generated as ``a[i, j] = v``: the same write only when
    ``i`` is one integer (a slice, mask or index array makes ``a[i]`` a copy or a
    different view), so anything else is refused where it happens."""
    if isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)):
        return i
    from ..errors import SrcdiffError
    raise SrcdiffError(f"nested subscript assignment a[i][j] = v with i = {type(i).__name__} "
                       "(not an integer) writes into a copy or a different view",
                       filename, lineno, "write a[i, j] = v, or index a copy")
