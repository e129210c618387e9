"""The annotations stages leave on syntax nodes (srcdiff.ir.anno): every one is
declared, documented, set and read through the accessors, and no module but
anno.py touches the attributes that store them."""
import ast
import copy
import pathlib

import gast
import pytest

from srcdiff.ir import anno
from srcdiff.ir.syntax import clone, load

PACKAGE = pathlib.Path(anno.__file__).resolve().parents[1]
ANNO_FILE = pathlib.Path(anno.__file__).resolve()
BY_NAME = {a.name: a for a in anno.ANNOTATIONS}
ATTRS = {a.attr for a in anno.ANNOTATIONS}
# attributes that do not read as a name (``srcdiff_keep`` for "keep")
PREFIXED_ATTRS = {a.attr for a in anno.ANNOTATIONS if a.attr != a.name}
ACCESSORS = {"get": "read", "has": "read", "required": "read", "set": "set", "delete": "set"}


def _modules():
    """(module name relative to srcdiff, parsed tree) of every module but anno.py."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.resolve() == ANNO_FILE:
            continue
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), ast.parse(path.read_text(), str(path))))
    return out


MODULES = _modules()


def _literal_strings(node):
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {e.value for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return set()


def _loop_strings(tree):
    """Names bound by a loop or comprehension over a literal of strings -> those
    strings (``for name in ("srcline", "srcloc"): anno.has(s, name)``)."""
    bound = {}
    for n in ast.walk(tree):
        if isinstance(n, (ast.For, ast.comprehension)) and isinstance(n.target, ast.Name):
            bound.setdefault(n.target.id, set()).update(_literal_strings(n.iter))
    return bound


def _strings(arg, bound):
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.Name):
        return bound.get(arg.id, set())
    return set()


def _accesses():
    """{"set"|"read": {annotation name: {modules}}} from the calls of anno's
    accessors in the package."""
    found = {"set": {}, "read": {}}
    for module, tree in MODULES:
        bound = _loop_strings(tree)
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                    and isinstance(n.func.value, ast.Name) and n.func.value.id == "anno" \
                    and n.func.attr in ACCESSORS and len(n.args) >= 2:
                for name in _strings(n.args[1], bound):
                    found[ACCESSORS[n.func.attr]].setdefault(name, set()).add(module)
    return found


ACCESSES = _accesses()


# ---- the table ----------------------------------------------------------------

def test_table_is_well_formed():
    names = [a.name for a in anno.ANNOTATIONS]
    attrs = [a.attr for a in anno.ANNOTATIONS]
    assert len(set(names)) == len(names)
    assert len(set(attrs)) == len(attrs)
    for a in anno.ANNOTATIONS:
        assert a.doc.strip(), a.name
        for field in (a.set_by, a.read_by):
            assert isinstance(field, tuple) and field, a.name
            assert all(isinstance(m, str) and m for m in field), a.name


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_annotation_is_set_and_read(name):
    assert ACCESSES["set"].get(name), f"no anno.set(..., {name!r}, ...) in srcdiff"
    assert ACCESSES["read"].get(name), f"no anno.get/has(..., {name!r}) in srcdiff"


MODULE_NAMES = {m for m, _ in MODULES} | {"ir.anno"}


def _covers(entry, module):
    return module == entry or module.startswith(entry + ".")


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_table_names_the_modules_that_use_it(name):
    """set_by/read_by name modules or packages that exist; together they cover
    every module that sets/reads the annotation, and each covers at least one."""
    a = BY_NAME[name]
    for kind, declared in (("set", a.set_by), ("read", a.read_by)):
        used = ACCESSES[kind].get(name, set())
        for entry in declared:
            assert any(_covers(entry, m) for m in MODULE_NAMES), (name, kind, entry, "no module")
            assert any(_covers(entry, m) for m in used), (name, kind, entry, "does not use it")
        uncovered = sorted(m for m in used if not any(_covers(e, m) for e in declared))
        assert uncovered == [], (name, kind, uncovered)


def test_no_accessor_names_an_undeclared_annotation():
    used = set(ACCESSES["set"]) | set(ACCESSES["read"])
    assert used <= set(BY_NAME), sorted(used - set(BY_NAME))


# ---- no direct use of the attributes ---------------------------------------------

def _direct_uses(tree):
    bound = _loop_strings(tree)
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and n.attr in ATTRS:
            yield n.lineno, f".{n.attr}"
        elif isinstance(n, ast.Constant) and n.value in PREFIXED_ATTRS:
            yield n.lineno, repr(n.value)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) \
                and n.func.id in ("getattr", "hasattr", "setattr", "delattr") \
                and len(n.args) >= 2 and _strings(n.args[1], bound) & ATTRS:
            yield n.lineno, f"{n.func.id}(..., {sorted(_strings(n.args[1], bound) & ATTRS)})"


@pytest.mark.parametrize("module", [m for m, _ in MODULES])
def test_only_anno_touches_annotation_attributes(module):
    tree = dict(MODULES)[module]
    uses = sorted(_direct_uses(tree))
    assert not uses, f"srcdiff.{module} uses annotation attributes directly: {uses}"


# ---- the accessors --------------------------------------------------------------------

def test_get_has_set_delete():
    node = load("x")
    assert anno.get(node, "split") is None
    assert anno.get(node, "keep", False) is False
    assert not anno.has(node, "split")
    value = ("t", None, "t_res")
    anno.set(node, "split", value)
    assert anno.has(node, "split")
    assert anno.get(node, "split") is value
    assert anno.get(node, "split", "other") is value
    assert anno.required(node, "split") is value
    anno.set(node, "srcline", None)         # (None is a value, not absence)
    assert anno.has(node, "srcline") and anno.get(node, "srcline", 7) is None
    anno.delete(node, "split")
    assert not anno.has(node, "split")
    assert anno.get(node, "split") is None


def test_storage_is_the_declared_attribute():
    node = load("x")
    for a in anno.ANNOTATIONS:
        anno.set(node, a.name, a.name)
        assert node.__dict__[a.attr] == a.name


def test_required_raises_where_missing():
    with pytest.raises(AttributeError):
        anno.required(load("x"), "srcline")


@pytest.mark.parametrize("accessor", [
    lambda n: anno.get(n, "no_such_annotation"),
    lambda n: anno.get(n, "srcdiff_keep", False),     # (the attribute is not the name)
    lambda n: anno.has(n, "no_such_annotation"),
    lambda n: anno.set(n, "no_such_annotation", True),
    lambda n: anno.delete(n, "no_such_annotation"),
    lambda n: anno.required(n, "no_such_annotation"),
])
def test_undeclared_name_is_a_key_error(accessor):
    with pytest.raises(KeyError):
        accessor(load("x"))


@pytest.mark.parametrize("copier", [copy.deepcopy, clone], ids=["deepcopy", "clone"])
def test_annotation_survives_copies(copier):
    st = gast.Assign(targets=[gast.Name(id="y", ctx=gast.Store(), annotation=None,
                                        type_comment=None)],
                     value=load("x"), type_comment=None)
    anno.set(st, "keep", True)
    anno.set(st, "srcline", 12)
    anno.set(st.value, "cotangent", True)
    new = copier(st)
    assert new is not st and new.value is not st.value
    assert anno.get(new, "keep") is True
    assert anno.get(new, "srcline") == 12
    assert anno.get(new.value, "cotangent") is True
    assert not anno.has(new.targets[0], "cotangent")
