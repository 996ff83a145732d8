"""Incremental SHACL validation: pySHACL runs again only on the nodes whose data changed.

``kg build`` validates the graph it wrote on every rebuild; on a corpus of 1,000
articles (180,000 triples) pySHACL takes seconds, although adding one article
changes a few dozen nodes. When the shapes are *node-local* (see
:func:`analyse_shapes`), what a shape T reports about a focus node N depends only on

* N itself (its IRI or blank node), and N's outgoing triples whose predicate is one
  of T's **footprint predicates**: the paths of T and of its property shapes, the
  predicates of T's ``sh:targetSubjectsOf`` and ``sh:equals``-like constraints, and
  ``rdf:type`` when T has class targets or constraints on the node itself;
* the ``rdf:type`` values of the IRIs and blank nodes those triples point to
  (for ``sh:class``);
* the ``rdfs:subClassOf`` triples of the graph and the shapes graph, which go
  into a **global key**: when it changes, everything is validated again.

A hash of the first two is the **footprint** of (N, T). Footprints are per shape,
so that a change of ``kg:pageRank`` (every entity, every build) sends the entities
through the small analysis shape again, not through every shape. (When shapes share
a property shape or a shape is also a class, all shapes form one group and a node
has one footprint.) Only shapes that can target N count: its types against the
target classes and their subclasses, its predicates against ``sh:targetSubjectsOf``,
``sh:targetNode``.

The cache file (JSON) maps the global key and each footprint to what T reported about
N, stored without N's identity (path, value in a text form, component, message,
severity); conforming nodes map to ``[]``. A run computes every footprint with plain
dict walks, reuses the cached results of the footprints it knows, and runs pySHACL on
a small graph holding only the changed (node, shape) pairs' footprint triples, their
objects' types and the subclass triples, keeping only results about those pairs. The
records are turned into messages against the full graph
(``kg.validate.describe_records``), so the answer is the one a full validation gives.

Shapes outside the node-local subset (``sh:targetObjectsOf``, inverse or sequence
paths, ``sh:node``, ``sh:closed``, SPARQL, qualified shapes, ...) make
:func:`validate_incremental` return ``None``: the caller validates in full and no
cache is written.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from pathlib import Path
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.validate import SH, Result, _has_ontology, load_ontology, run_pyshacl

log = logging.getLogger(__name__)

FORMAT = "kg-validate-cache/3"   # 3: ill-typedness as True / not in value signatures

SH_NS = str(SH)
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetNode}
# Constraints on one value at a time: the value term, and its types for sh:class.
_VALUE = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern, SH.flags,
          SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
          SH.maxExclusive, SH.languageIn}
_LOGICAL = {SH["or"], SH["and"], SH.xone, SH["not"]}
_COUNTS = {SH.minCount, SH.maxCount, SH.uniqueLang}
# Compare the values of the path with the focus node's values of another predicate.
_PAIRS = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals}
_METADATA = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
             SH.deactivated, SH.declare, SH.prefix, SH.namespace, SH.prefixes}
_STRUCTURE = {SH.property, SH.path}
_ALLOWED = _TARGETS | _VALUE | _LOGICAL | _COUNTS | _PAIRS | _METADATA | _STRUCTURE
_NESTED_ALLOWED = _VALUE | _LOGICAL | _METADATA
_CONSTRAINTS = _VALUE | _LOGICAL | _COUNTS | _PAIRS
# pySHACL adds these to the shapes graph it is given; they are not the user's shapes.
_SYSTEM_TRIPLES = {(OWL.Class, RDFS.subClassOf, RDFS.Class), (OWL.DatatypeProperty, RDFS.subClassOf, RDF.Property)}


class Group(NamedTuple):
    """Shapes validated together: a targeted shape and its property shapes (or, failing that, all shapes)."""

    gid: str                    # the shape's IRI or content label ("*" for the one group of all shapes)
    predicates: tuple           # footprint predicates, in a fixed order
    classes: frozenset          # sh:targetClass values
    subjects_of: frozenset      # sh:targetSubjectsOf predicates
    nodes: frozenset            # sh:targetNode values


class ShapesPlan(NamedTuple):
    """What the shapes graph means for incremental validation."""

    reason: str | None          # why the shapes are not node-local; None when they are
    predicates: frozenset       # all footprint predicates: rdf:type, paths, targetSubjectsOf, sh:equals...
    target_nodes: frozenset     # nodes named by sh:targetNode (focus nodes even without triples)
    key: str                    # hash of the shapes graph's content
    groups: tuple = ()          # one Group per targeted shape; one group "*" for all when shapes mix
    shape_group: dict = {}      # shape node -> gid, to sort pySHACL's results by sh:sourceShape
    blind: frozenset = frozenset()  # paths whose shapes look only at each value's kind and datatype


# ------------------------------------------------------------------ shapes

_plans: dict = {}


def analyse_shapes(shapes: Graph) -> ShapesPlan:
    """Check that ``shapes`` is node-local and collect the footprint predicates (memoized on content)."""
    triples = frozenset(t for t in shapes if t not in _SYSTEM_TRIPLES)
    plan = _plans.get(triples)
    if plan is None:
        plan = _analyse(shapes, triples)
        if len(_plans) >= 8:
            _plans.clear()
        _plans[triples] = plan
    return plan


def _short(term) -> str:
    text = str(term)
    return "sh:" + text[len(SH_NS):] if text.startswith(SH_NS) else f"<{text}>"


def _analyse(shapes: Graph, triples: frozenset) -> ShapesPlan:
    from kg.triples import bnode_labels

    labels = bnode_labels(t for t in triples if isinstance(t[0], BNode) or isinstance(t[2], BNode))
    key = _shapes_key(triples, labels)
    predicates = {RDF.type}
    targets = frozenset(o for s, p, o in triples if p == SH.targetNode)

    def plan(reason: str | None) -> ShapesPlan:
        return ShapesPlan(reason, frozenset(predicates), targets, key)

    unknown = sorted({p for _, p, _ in triples if str(p).startswith(SH_NS) and p not in _ALLOWED}, key=str)
    if unknown:
        return plan(f"the shapes use {', '.join(_short(p) for p in unknown)}")
    path_of: dict = {}
    for s, p, o in triples:
        if p == SH.path:
            if not isinstance(o, URIRef):
                return plan(f"a property shape's sh:path is not a plain IRI ({_describe_path(shapes, o)})")
            if path_of.setdefault(s, o) != o:
                return plan("a property shape has more than one sh:path")
            predicates.add(o)
        elif p in _PAIRS or p == SH.targetSubjectsOf:
            if not isinstance(o, URIRef):
                return plan(f"{_short(p)} names {o!r}, not a property IRI")
            predicates.add(o)
    for s, p, o in triples:
        if p == SH.property:
            if o not in path_of:
                return plan("an sh:property shape has no sh:path")
            if s in path_of:
                return plan("a property shape has its own sh:property (a constraint on its values' properties)")
    nested = set()
    try:
        for s, p, o in triples:
            if p == SH["not"]:
                nested.add(o)
            elif p in _LOGICAL:
                nested.update(shapes.items(o))
    except Exception as exc:  # a malformed or cyclic rdf:List
        return plan(f"an sh:or/sh:and/sh:xone list cannot be read ({exc})")
    for shape in nested:
        own = {p for p in shapes.predicates(shape) if str(p).startswith(SH_NS)}
        extra = sorted(own - _NESTED_ALLOWED, key=str)
        if extra:
            return plan(f"a shape inside sh:or/sh:and/sh:xone/sh:not uses {', '.join(_short(p) for p in extra)}"
                        " (only value constraints are node-local there)")
    constrained = {s for s, p, _ in triples if p in _CONSTRAINTS}
    for shape in sorted(constrained - nested, key=str):
        if (shape, SH.message, None) not in shapes:
            # pySHACL's own messages print nodes from the data graph (a blank node with
            # all its triples), which a small graph of footprints cannot reproduce.
            return plan(f"shape {_short(shape) if isinstance(shape, URIRef) else 'a blank node'} has no sh:message")
    groups, shape_group = _groups(triples, path_of, labels, frozenset(predicates), targets)
    return ShapesPlan(None, frozenset(predicates), targets, key, groups, shape_group,
                      _value_blind(triples, path_of))


# What sh:datatype, sh:nodeKind, sh:minCount and sh:maxCount decide about a value depends
# only on its kind, datatype, language, whether it is ill-typed and the Python type rdflib
# gives its value (pySHACL's DatatypeConstraintComponent checks exactly these).
_BLIND = {SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount}


def _value_blind(triples: frozenset, path_of: dict) -> frozenset:
    """Paths all of whose property shapes use only the constraints in ``_BLIND``.

    For those, a footprint holds each value's signature (:func:`signature`) instead of
    the value, so that ``kg:pageRank`` taking new numbers on every build does not send
    every entity through pySHACL again. A cached violation names its value; when that
    value is no longer among the node's own, the pair is validated again.
    """
    used: dict = {}
    for s, p, _ in triples:
        if str(p).startswith(SH_NS) and p not in _METADATA and p not in _STRUCTURE and p not in _TARGETS:
            used.setdefault(s, set()).add(p)
    compared = {o for _, p, o in triples if p in _PAIRS}
    shapes_of: dict = {}
    for shape, path in path_of.items():
        shapes_of.setdefault(path, []).append(shape)
    return frozenset(path for path, members in shapes_of.items()
                     if path != RDF.type and path not in compared
                     and all(used.get(m, set()) <= _BLIND for m in members))


def signature(term) -> str:
    """What the ``_BLIND`` constraints can see of a value.

    Ill-typedness counts as True or not: rdflib leaves ``ill_typed`` None for a
    literal made from a Python value and sets False for one parsed (or unpickled)
    from its lexical form, and pySHACL only asks whether it is True.
    """
    if isinstance(term, Literal):
        value = term.value
        return (f"L\x1c{term.datatype or ''}\x1c{term.language or ''}\x1c"
                f"{getattr(term, 'ill_typed', None) is True}\x1c{type(value).__module__}.{type(value).__qualname__}")
    return "B" if isinstance(term, BNode) else ("I" if isinstance(term, URIRef) else "?")


def _groups(triples: frozenset, path_of: dict, labels: dict, predicates: frozenset,
            targets: frozenset) -> tuple[tuple, dict]:
    """One group per targeted shape when every shape belongs to one of them; else one group of all."""
    by_subject: dict = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, set()).add(o)
    top = [s for s, by_p in by_subject.items() if any(p in by_p for p in _TARGETS)]
    class_kinds = {RDFS.Class, OWL.Class} | {s for s, p, o in triples if p == RDFS.subClassOf and o == RDFS.Class}
    # A shape that is also a class targets its instances implicitly: keep it simple, one group.
    clean = not any(p == RDF.type and o in class_kinds for _, p, o in triples)
    owner: dict = {}
    for t in top:
        for m in [t, *by_subject[t].get(SH.property, ())]:
            if m in owner or (m != t and m in by_subject and any(p in by_subject[m] for p in _TARGETS)):
                clean = False  # a property shape shared by two shapes, or one with targets of its own
            owner[m] = t
    one = Group("*", tuple(_ordered(predicates)), frozenset(), frozenset(), targets)
    if not clean or not top:
        return (one,), {}
    groups = []
    for t in sorted(top, key=lambda n: _ident(n, labels)):
        own = by_subject[t]
        members = [t, *own.get(SH.property, ())]
        preds = set(own.get(SH.targetSubjectsOf, ()))
        for m in members:
            if m in path_of:
                preds.add(path_of[m])
            for p in _PAIRS:
                preds.update(by_subject.get(m, {}).get(p, ()))
        node_level = t not in path_of and any(p in own for p in _CONSTRAINTS)
        if own.get(SH.targetClass) or node_level:
            preds.add(RDF.type)
        groups.append(Group(_ident(t, labels), tuple(_ordered(preds)), frozenset(own.get(SH.targetClass, ())),
                            frozenset(own.get(SH.targetSubjectsOf, ())), frozenset(own.get(SH.targetNode, ()))))
    return tuple(groups), {m: _ident(t, labels) for m, t in owner.items()}


def _ident(node, labels: dict) -> str:
    if isinstance(node, BNode):
        return "_:" + labels.get(node, str(node))
    return str(node)


def _ordered(predicates) -> list:
    return sorted(predicates, key=str)


def _describe_path(shapes: Graph, node) -> str:
    for p in (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        if (node, p, None) in shapes:
            return _short(p)
    return "a sequence path" if (node, RDF.first, None) in shapes else repr(node)


def _shapes_key(triples: frozenset, labels: dict) -> str:
    """A hash of the shapes graph's content, the same whichever blank node ids a parse made."""
    enc = Encoder(labels)
    lines = sorted(f"{enc(s)}\x1f{enc(p)}\x1f{enc(o)}" for s, p, o in triples)
    return _hash("\x1e".join(lines))


# ------------------------------------------------------------- footprints

_ESCAPE = re.compile(r"[\\\x1d\x1e\x1f]")


def _esc(text: str) -> str:
    if _ESCAPE.search(text) is None:
        return text
    return "".join(f"\\x{ord(c):02x}" if c in "\\\x1d\x1e\x1f" else c for c in text)


class Encoder:
    """A text form of an RDF term, N-Triples-like, that tells every two distinct terms apart.

    A literal's lexical form is written with its length in front, so no text inside
    it can pass for a separator; IRIs and blank node ids have separators escaped.
    """

    def __init__(self, bnode_labels: dict | None = None):
        self.memo: dict = {}
        self.bnode_labels = bnode_labels
        self.datatypes: dict = {}

    def literal(self, term) -> str:
        lex = str(term)
        lang = term.language
        if lang:
            return f'"{len(lex)}:{lex}"@{lang}'
        dt = term.datatype
        if dt is None:
            return f'"{len(lex)}:{lex}"'
        key = str(dt)
        suffix = self.datatypes.get(key)
        if suffix is None:
            suffix = self.datatypes[key] = "^^<" + _esc(key) + ">"
        return f'"{len(lex)}:{lex}"{suffix}'

    def __call__(self, term) -> str:
        if isinstance(term, Literal):
            return self.literal(term)
        text = self.memo.get(term)
        if text is None:
            if isinstance(term, URIRef):
                text = "<" + _esc(str(term)) + ">"
            elif isinstance(term, BNode):
                label = self.bnode_labels.get(term) if self.bnode_labels else None
                text = "_:" + _esc(label if label is not None else str(term))
            else:
                text = "?" + _esc(repr(term))
            self.memo[term] = text
        return text


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def footprints(index: dict, plan: ShapesPlan, subclass: list, enc: Encoder) -> dict:
    """``{node: {gid: footprint hash}}`` for every (node, group) pair where the group may target the node.

    ``index`` is ``{s: {p: {o: None}}}``. With one group of all shapes, every subject
    with a footprint predicate counts (a subject without any has no type and no
    targeting predicate, so no node-local shape reaches it), and the target nodes.
    """
    rdf_type = RDF.type
    groups = plan.groups
    single = len(groups) == 1 and groups[0].gid == "*"
    by_class: dict = {}
    by_predicate: dict = {}
    by_node: dict = {}
    if not single:
        below: dict = {}
        for sub_cls, _, sup in subclass:
            below.setdefault(sup, set()).add(sub_cls)
        for i, g in enumerate(groups):
            for c in _closure(g.classes, below):
                by_class.setdefault(str(c), set()).add(i)
            for p in g.subjects_of:
                by_predicate.setdefault(p, []).append(i)
    for i, g in enumerate(groups):
        for n in g.nodes:
            by_node.setdefault(n, []).append(i)
    # Lookups go by plain strings: rdflib terms compare in Python, strings in C. A
    # string lookup only picks candidates; the term itself is encoded exactly.
    pred_info = {str(p): (enc(p), tuple(by_predicate.get(p, ())), p == rdf_type, p in plan.blind)
                 for p in plan.predicates if isinstance(p, URIRef)}
    group_preds = [tuple(pred_info[str(p)][0] for p in g.predicates) for g in groups]
    gid_text = [enc(Literal(g.gid)) for g in groups]
    iri_text: dict = {}     # plain IRI -> "<iri>\x1f<its types>"
    other_text: dict = {}   # blank nodes (and odd terms) -> the same
    literal = enc.literal

    def object_text(o) -> str:
        by_p = index.get(o)
        kinds = by_p.get(rdf_type) if by_p else None
        return enc(o) + "\x1f" + ("\x1d".join(sorted(enc(k) for k in kinds)) if kinds else "")

    out: dict = {}
    nodes = list(index.items())
    nodes.extend((n, {}) for n in by_node if n not in index)
    for s, by_p in nodes:
        parts: dict = {}
        chosen = set(by_node.get(s, ())) if by_node else set()
        for p, objs in by_p.items():
            info = pred_info.get(str(p)) if isinstance(p, URIRef) else None
            if info is None:
                continue
            pt, subject_groups, is_type, blind = info
            if subject_groups:
                chosen.update(subject_groups)
            if blind:
                found = sorted(pt + "\x1f" + signature(o) for o in objs)
                parts[pt] = found
                continue
            found = []
            for o in objs:
                if isinstance(o, Literal):
                    found.append(pt + "\x1f" + literal(o))
                    continue
                if type(o) is URIRef:
                    key = str(o)
                    text = iri_text.get(key)
                    if text is None:
                        text = iri_text[key] = object_text(o)
                else:
                    text = other_text.get(o)
                    if text is None:
                        text = other_text[o] = object_text(o)
                found.append(pt + "\x1f" + text)
                if is_type and not single:
                    chosen.update(by_class.get(str(o), ()))
            if len(found) > 1:
                found.sort()
            parts[pt] = found
        if single:
            if parts:
                chosen.add(0)
        if not chosen:
            continue
        me = enc(s)
        prints = {}
        for i in chosen:
            text = [gid_text[i], me]
            for pt in group_preds[i]:
                found = parts.get(pt)
                if found:
                    text.extend(found)
            prints[groups[i].gid] = _hash("\x1e".join(text))
        out[s] = prints
    return out


def _closure(classes, below: dict) -> set:
    """``classes`` and everything ``rdfs:subClassOf*`` them: whose instances a class target reaches."""
    seen = set(classes)
    todo = list(classes)
    while todo:
        for sub_cls in below.get(todo.pop(), ()):
            if sub_cls not in seen:
                seen.add(sub_cls)
                todo.append(sub_cls)
    return seen


def _index(graph, predicates: frozenset) -> dict:
    """``{s: {p: {o: None}}}`` holding at least the footprint predicates' triples."""
    if not isinstance(graph, Graph) and hasattr(graph, "subject_index"):
        return graph.subject_index()
    index: dict = {}
    for p in predicates:  # one scan per predicate, never one per node
        for s, _, o in graph.triples((None, p, None)):
            index.setdefault(s, {}).setdefault(p, {})[o] = None
    return index


def _with_triples(index: dict, triples, owned: bool) -> dict:
    """``index`` plus ``triples``; copy-on-write unless the index is ours."""
    merged = index if owned else dict(index)
    copied: set = set()
    for s, p, o in triples:
        by_p = merged.get(s)
        if by_p is None:
            by_p = merged[s] = {}
            copied.add(s)
        elif not owned and s not in copied:
            by_p = merged[s] = {q: dict(objs) for q, objs in by_p.items()}
            copied.add(s)
        by_p.setdefault(p, {})[o] = None
    return merged


def _subclass_triples(graph, extra: Graph | None) -> list:
    found = dict.fromkeys(graph.triples((None, RDFS.subClassOf, None)))
    if extra is not None:
        found.update(dict.fromkeys(extra.triples((None, RDFS.subClassOf, None))))
    return list(found)


# ----------------------------------------------------------------- cache file

def _load_cache(path: Path, key: str) -> dict:
    """The cached ``{footprint: records}`` for ``key``; ``{}`` when the file is missing, stale or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        log.warning("ignoring the validation cache %s: %s", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write_cache(path: Path, key: str, entries: dict) -> bool:
    from kg.io import write_atomic

    # ASCII escapes: a lone surrogate in a literal cannot break the write.
    text = json.dumps({"format": FORMAT, "key": key, "entries": entries}, separators=(",", ":"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A cache: losing the newest version after a power cut is only a miss.
        write_atomic(path, text, sync=False)
    except (OSError, ValueError) as exc:
        log.warning("could not write the validation cache %s: %s", path, exc)
        return False
    return True


def _encode_record(r: Result, enc: Encoder) -> list:
    return [None if r.path is None else str(r.path),
            None if r.value is None else enc(r.value),
            None if r.component is None else str(r.component),
            r.message,
            None if r.severity is None else str(r.severity)]


class _Unresolved(Exception):
    pass


def _decode_records(node, stored, index: dict, predicates: frozenset, enc: Encoder) -> list[Result]:
    """Cached records of ``node`` as :class:`Result`; values are found again among its own triples."""
    if not isinstance(stored, list):
        raise _Unresolved(node)
    if not stored:
        return []
    terms = {enc(node): node}
    for p, objs in (index.get(node) or {}).items():
        if p in predicates:
            for o in objs:
                terms.setdefault(enc(o), o)
    out = []
    for rec in stored:
        if not (isinstance(rec, list) and len(rec) == 5
                and all(x is None or isinstance(x, str) for x in rec)):
            raise _Unresolved(node)
        path, value, component, message, severity = rec
        if value is not None:
            if value not in terms:
                raise _Unresolved(node)
            value = terms[value]
        out.append(Result(node, None if path is None else URIRef(path), value,
                          None if component is None else URIRef(component), message,
                          None if severity is None else URIRef(severity)))
    return out


# ------------------------------------------------------------------ validating

def _validate_pairs(changed: dict, index: dict, plan: ShapesPlan, subclass: list, shapes: Graph,
                    prints: dict) -> dict | None:
    """pySHACL on a graph of the changed pairs' footprint triples only: ``{node: {gid: [Result]}}``.

    ``None`` when a result comes from a shape the plan does not know, or from a shape
    the footprints say cannot target the node (then validate in full).
    """
    rdf_type = RDF.type
    preds_of = {g.gid: g.predicates for g in plan.groups}
    triples = list(subclass)
    for n, gids in changed.items():
        wanted = set()
        for gid in gids:
            wanted.update(preds_of[gid])
        for p, objs in (index.get(n) or {}).items():
            if p not in wanted:
                continue
            for o in objs:
                triples.append((n, p, o))
                if not isinstance(o, Literal):
                    by_p = index.get(o)
                    if by_p:
                        for k in by_p.get(rdf_type, ()):
                            triples.append((o, rdf_type, k))
    sub = Graph()
    sub.addN((s, p, o, sub) for s, p, o in triples)
    _, records = run_pyshacl(sub, shapes, ont_graph=None, inplace=True)
    out: dict = {n: {gid: [] for gid in gids} for n, gids in changed.items()}
    single = plan.groups[0].gid == "*"
    for r in records:
        mine = out.get(r.focus)
        if mine is None:
            continue  # an object, there only for its types: what is said about it is not true of the full graph
        gid = "*" if single else plan.shape_group.get(r.source)
        if gid is None or gid not in prints[r.focus]:
            log.warning("validation result from an unexpected shape %r: validating in full", r.source)
            return None
        if gid in mine:  # else a shape whose footprint did not change, which saw only part of the node
            mine[gid].append(r)
    return out


def global_key(plan: ShapesPlan, subclass: list) -> str:
    """The shapes, the subclass axioms and the versions of what judges literals: any change revalidates all."""
    import pyshacl
    import rdflib

    enc = Encoder()
    lines = sorted(f"{enc(s)}\x1f{enc(o)}" for s, _, o in subclass)
    versions = f"pyshacl {getattr(pyshacl, '__version__', '?')} rdflib {getattr(rdflib, '__version__', '?')}"
    return _hash("\x1e".join([FORMAT, versions, plan.key, *lines]))


def validate_incremental(graph, shapes: Graph, cache_path, stats: dict) -> list[Result] | None:
    """All validation results of ``graph``, reusing the cache at ``cache_path``; ``None`` to validate in full.

    ``stats`` receives ``mode``, ``reason``, ``nodes``, ``revalidated``, ``reused``,
    ``revalidated_nodes``, ``footprints``, ``revalidated_footprints``, ``cache_written``
    and timings.
    """
    t0 = time.perf_counter()
    plan = analyse_shapes(shapes)
    if plan.reason is not None:
        stats.update(mode="full", reason=f"shapes not node-local: {plan.reason}")
        log.info("validating in full: %s", stats["reason"])
        return None
    path = Path(cache_path)
    ontology = load_ontology()
    extra = None if _has_ontology(graph, ontology) else ontology
    predicates = plan.predicates
    index = _index(graph, predicates)
    if extra is not None:
        # pySHACL would mix the ontology into the data graph: so do the footprints.
        index = _with_triples(index, extra, owned=isinstance(graph, Graph))
    subclass = _subclass_triples(graph, extra)
    key = global_key(plan, subclass)
    enc = Encoder()
    prints = footprints(index, plan, subclass, enc)
    t1 = time.perf_counter()
    cached = _load_cache(path, key)
    t2 = time.perf_counter()

    records: list[Result] = []
    changed: dict = {}
    entries: dict = {}
    count = 0
    for node, by_group in prints.items():
        for gid, fp in by_group.items():
            count += 1
            stored = cached.get(fp)
            if stored is not None:
                try:
                    records.extend(_decode_records(node, stored, index, predicates, enc))
                except _Unresolved:
                    pass
                else:
                    entries[fp] = stored
                    continue
            changed.setdefault(node, []).append(gid)
    t3 = time.perf_counter()
    if changed:
        fresh = _validate_pairs(changed, index, plan, subclass, shapes, prints)
        if fresh is None:
            stats.update(mode="full", reason="a result came from a shape outside the plan")
            return None
        for node, by_group in fresh.items():
            for gid, found in by_group.items():
                records.extend(found)
                entries[prints[node][gid]] = [_encode_record(r, enc) for r in found]
    t4 = time.perf_counter()
    written = False
    if changed or len(entries) != len(cached):
        written = _write_cache(path, key, entries)
    stats.update(
        mode="incremental", reason=None, nodes=len(prints), revalidated=len(changed),
        reused=len(prints) - len(changed), revalidated_nodes=set(changed), footprints=count,
        revalidated_footprints=sum(len(g) for g in changed.values()), groups=len(plan.groups),
        cache_written=written, footprint_seconds=t1 - t0, load_seconds=t2 - t1, reuse_seconds=t3 - t2,
        pyshacl_seconds=t4 - t3, write_seconds=time.perf_counter() - t4,
    )
    return records
