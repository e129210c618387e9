"""The package's shape: imports flow one way, from the public API down.

Every intra-package import counts, the ones inside functions too: a lazy
import that goes back up is a cycle all the same. The layers, top to bottom,
are those ARCHITECTURE.md lists; a module may import its own layer's modules
(without a cycle) and any layer below.
"""
import ast
import os

import srcdiff

ROOT = os.path.dirname(os.path.abspath(srcdiff.__file__))

# top to bottom; a module belongs to the longest prefix that names it
LAYERS = ["srcdiff", "srcdiff.nn", "srcdiff.optim", "srcdiff.autograd", "srcdiff.tensor",
          "srcdiff.api", "srcdiff.reverse", "srcdiff.forward", "srcdiff.frontend",
          "srcdiff.analysis", "srcdiff.backend", "srcdiff.rules", "srcdiff.runtime", "srcdiff.ir",
          "srcdiff.errors", "srcdiff.ir.anno"]
# reverse and forward are one level: neither imports the other
SAME_LEVEL = {"srcdiff.forward": "srcdiff.reverse", "srcdiff.optim": "srcdiff.nn",
              "srcdiff.autograd": "srcdiff.nn"}


def _modules():
    out = {}
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, os.path.dirname(ROOT))[:-3].replace(os.sep, ".")
                package = rel.endswith(".__init__")
                out[rel[:-9] if package else rel] = (path, package)
    return out


MODULES = _modules()


def _imports(module):
    """The srcdiff modules ``module`` imports (at module level or in a function)."""
    path, package = MODULES[module]
    base = module.split(".") if package else module.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base[:len(base) - node.level + 1] + (node.module.split(".") if node.module
                                                            else [])
            elif node.module and node.module.split(".")[0] == "srcdiff":
                parts = node.module.split(".")
            else:
                continue
            target = ".".join(parts)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in MODULES else target)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "srcdiff"}
    out.discard(module)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def _layer(module):
    best = max((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")),
               key=len)
    return LAYERS.index(SAME_LEVEL.get(best, best))


def test_every_module_is_in_a_layer():
    assert all(_layer(m) >= 0 for m in MODULES)


def test_imports_only_go_down():
    up = sorted(f"{m} -> {t}" for m, targets in GRAPH.items() for t in targets
                if m != "srcdiff" and t in MODULES and _layer(t) < _layer(m))
    assert up == [], "imports that go up a layer:\n" + "\n".join(up)


def test_no_import_cycles():
    """No module reaches itself through imports (Tarjan's strongly connected
    components, each of one module)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in MODULES:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    assert cycles == [], f"import cycles: {cycles}"


def test_the_reader_finds_the_stages_from_the_listing():
    """The folders ARCHITECTURE.md describes are the package's folders."""
    folders = {name for name in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, name))
               and not name.startswith("__")}
    assert folders == {"api", "frontend", "analysis", "reverse", "forward", "backend", "rules",
                       "runtime", "ir", "tensor", "nn"}
    text = open(os.path.join(os.path.dirname(ROOT), "ARCHITECTURE.md")).read()
    assert all(f"`{name}/`" in text for name in folders)


def test_every_import_names_something_that_exists():
    """Imports inside functions run only when their path does: one left naming a
    module or a name that moved would fail late, on a rare path. Each import of
    a srcdiff module (lazy ones too) names a module or an attribute it has."""
    import importlib
    missing = []
    for module, (path, package) in sorted(MODULES.items()):
        base = module.split(".") if package else module.split(".")[:-1]
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.ImportFrom) and (
                    node.level or (node.module or "").split(".")[0] == "srcdiff"):
                parts = (base[:len(base) - node.level + 1] if node.level else []) \
                    + (node.module.split(".") if node.module else [])
                target = importlib.import_module(".".join(parts))
                for alias in node.names:
                    sub = ".".join(parts + [alias.name])
                    if sub not in MODULES and not hasattr(target, alias.name):
                        missing.append(f"{module}:{node.lineno} {sub}")
    assert missing == [], "imports of names that do not exist:\n" + "\n".join(missing)
