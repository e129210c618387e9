"""The inliner's driver: rounds over the caller's body until no call is left
to inline.

Each round resolves function values, classifies calls, finds the varied
names and the names written in place, then rewrites every block: a varied
call of a user function (or one whose result or argument is written in
place) is inlined (inlining.calls), a loop over a varied sequence becomes an
index loop (inlining.index_loops), and a NumPy call writing into an
argument becomes an item store (inlining.out_arguments).
"""

import gast

from ...analysis.activity import activity, Classifier, sharing_groups, walk_stmts
from ...errors import SrcdiffError
from ...ir import anno
from ...ir.syntax import names_read, walk
from ..records import rewrite_records
from ..values import resolve_function_values
from ..writes.memory import fresh_definition, memory_sources
from .call_kinds import writes_parameters
from .calls import CallInlining
from .index_loops import IndexLoops
from .nested_defs import local_functions
from .out_arguments import OutArguments
from .starred import splice_starred


MAX_DEPTH = 24


def _names_written_into(body, classifier=None):
    """Names written in place (``y[i] = v``, ``y *= 2``), and the names copied
    into them (with ``classifier``: and whose views or items they may be)."""
    written = {t.value.id for st in walk_stmts(body) if isinstance(st, gast.Assign)
               for t in st.targets if isinstance(t, gast.Subscript)
               and isinstance(t.value, gast.Name)}
    written |= {anno.get(st, "augassign") for st in walk_stmts(body)
                if anno.get(st, "augassign")}
    copies = [(st.value.id, st.targets[0].id) for st in walk_stmts(body)
              if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
              and isinstance(st.value, gast.Name)]
    if classifier is not None:
        for st in walk_stmts(body):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                    and not isinstance(st.value, (gast.Name, gast.Lambda)):
                op = classifier.classify(st.value)
                if op.kind not in ("nondiff", "const", "list_pop") \
                        and not fresh_definition(op):
                    copies += [(src, st.targets[0].id) for src in memory_sources(op)]
    changed = True
    while changed:
        changed = False
        for src, dst in copies:
            if dst in written and src not in written:
                written.add(src)
                changed = True
    return written


class Inliner(IndexLoops, CallInlining, OutArguments):
    """Inlines the calls of one normalized function (``norm``) differentiated
    with respect to ``wrt``, round after round (``run``)."""

    def __init__(self, norm, wrt):
        self.norm = norm
        self.fs = norm.fs
        self.names = norm.names
        self.env = norm.env
        self.wrt = list(wrt)
        self.changed = False

    def run(self):
        for _ in range(MAX_DEPTH):
            splice_starred(self.norm)
            self.record_names = rewrite_records(self.norm, getattr(self.norm, "records", None))
            body = self.norm.node.body
            local_names = {n.id for n in walk(self.norm.node) if isinstance(n, gast.Name)
                           and not isinstance(n.ctx, gast.Load)} | set(self.norm.params)
            self.local_defs = local_functions(body, self.fs)
            self.local_names = local_names
            resolve_function_values(self.norm, self.fs, local_names, self.local_defs)
            body = self.norm.node.body      # (loops over functions unrolled)
            self.called = self._called_results(body, local_names)
            self.classifier = Classifier(self.fs, local_names, self.local_defs)
            out = self.norm.output
            # (a list changed through another name, P['a'].append(v), varies the
            # names that hold it: a call reading them is differentiated, inlined)
            varied, _ = activity(body, self.wrt, [out.id] if isinstance(out, gast.Name)
                                 else [], self.classifier, sharing_groups(body))
            # a nested function may read varied variables of the caller
            for name, d in self.local_defs.items():
                if names_read(d) & varied:
                    varied.add(name)
            self.varied = varied
            self.written_into = _names_written_into(body, self.classifier)
            self.changed = False
            self.norm.node.body = self.block(body)
            if not self.changed:
                return self.norm
        raise SrcdiffError("calls nest deeper than srcdiff inlines (recursion?)",
                           self.fs.loc.filename, None,
                           "recursive functions are not supported yet; write the recursion "
                           "as a loop")

    def _called_results(self, body, local_names):
        """The local names whose value is called: results of calls (a factory of
        functions), followed through other names and the literals holding them."""
        funcs = [n.func for n in walk(self.norm.node) if isinstance(n, gast.Call)]
        # a call whose result is called (a factory of functions) is inlined too
        called = {fn.id for fn in funcs if isinstance(fn, gast.Name)
                  and fn.id in local_names and fn.id not in self.local_defs}
        # (and one held in a tuple, list or dict literal whose items are called:
        # ``hs = [make(1.0), make(2.0)]; hs[0](y)``)
        held = {st.targets[0].id: st.value for st in walk_stmts(body)
                if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
                and isinstance(st.value, (gast.Tuple, gast.List, gast.Dict))}
        bound = {st.targets[0].id: st.value for st in walk_stmts(body)
                 if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)}
        seen = set()
        while funcs:
            fn = funcs.pop()
            if isinstance(fn, gast.Name) and fn.id not in seen:
                seen.add(fn.id)
                if fn.id in local_names and fn.id not in self.local_defs:
                    called.add(fn.id)
                if isinstance(bound.get(fn.id), (gast.Name, gast.Subscript)):
                    funcs.append(bound[fn.id])
            elif isinstance(fn, gast.Subscript) and isinstance(fn.value, gast.Name) \
                    and fn.value.id in held:
                lit = held[fn.value.id]
                funcs += [e for e in (lit.values if isinstance(lit, gast.Dict)
                                      else lit.elts) if isinstance(e, gast.Name)]
        return called

    def block(self, stmts):
        out = []
        for s in stmts:
            stored = self._write_as_store(s)
            if stored is not None:
                out += stored
                self.changed = True
                continue
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                    and isinstance(s.value, gast.Call):
                op = self.classifier.classify(s.value)
                # varied calls are differentiated by inlining; a call whose result or
                # argument is written in place is inlined too, so the alias checks see
                # what it returns
                if op.kind == "user" and (self._varied(s.value)
                                          or s.targets[0].id in self.called
                                          or ({s.targets[0].id} | names_read(s.value))
                                          & self.written_into
                                          or writes_parameters(op.func)) \
                        and not anno.get(s, "recursive", False):
                    if self._recursive(s, op.func):
                        anno.set(s, "recursive", True)   # differentiated by calls (reverse.py)
                        out.append(s)
                        continue
                    out += self.inline(s, op)
                    self.changed = True
                    continue
            if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
                op = self.classifier.classify(s.value)
                # a call for its effects (a nested def writing into a list it closes
                # over, a helper filling an argument): its writes are the caller's
                if op.kind == "user" and (self._varied(s.value)
                                          or isinstance(op.func, gast.FunctionDef)
                                          or names_read(s.value) & self.written_into
                                          or writes_parameters(op.func)):
                    if self._recursive(s, op.func):
                        raise self.fs.loc.error(
                            s, "a recursive call whose result is not used cannot be "
                            "differentiated (srcdiff cannot follow what it changes)",
                            "return the new values from the function instead")
                    out += self.inline(s, op)
                    self.changed = True
                    continue
            if isinstance(s, gast.For) and isinstance(s.iter, gast.Name) \
                    and s.iter.id in self.varied and not anno.get(s, "indexed", False):
                out += self.index_loop(s, out)
                self.changed = True
                continue
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list) and not isinstance(s, gast.FunctionDef):
                    setattr(s, field, self.block(sub))
            out.append(s)
        return out

    def _recursive(self, s, callee):
        if isinstance(callee, gast.FunctionDef):
            chain = anno.get(s, "inline_chain", ())
            return ("local", callee.name) in chain
        func = callee.__func__ if hasattr(callee, "__func__") else callee
        return func is self.fs.func or func in anno.get(s, "inline_chain", ())

    def _varied(self, callnode):
        """Is the call differentiated? (Or given an object argument, which the
        generated code holds as a container of its fields: inlined too.)"""
        reads = names_read(callnode)
        return bool(reads & (self.varied | self.record_names))
