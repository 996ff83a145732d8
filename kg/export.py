"""The other serializations users expect beside ``graph.ttl``: N-Triples and JSON-LD.

Both are deterministic: the same graph gives byte-identical files. N-Triples lines
are sorted; JSON-LD nodes, keys and values are sorted, with a context of the
prefixes the document uses. Blank nodes (provenance statements, OWL unions) get
labels derived from their content (colour refinement over their neighbourhood), so
the labels do not depend on the order triples were added in.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.io import write_atomic
from kg.prefixes import STANDARD_PREFIXES

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_STRING_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def serializations(graph: Graph, stem: str = "graph") -> dict[str, str]:
    """``{"<stem>.nt": ..., "<stem>.jsonld": ...}``: the other formats' text, for writing as a set."""
    labels = bnode_labels(graph)
    return {f"{stem}.nt": to_ntriples(graph, labels), f"{stem}.jsonld": to_jsonld(graph, labels)}


def write_serializations(graph: Graph, out_dir: str | os.PathLike, stem: str = "graph") -> list[Path]:
    """Write ``<stem>.nt`` and ``<stem>.jsonld`` for ``graph`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    paths = []
    for name, text in serializations(graph, stem).items():
        write_atomic(out / name, text)
        paths.append(out / name)
    return paths


# ----------------------------------------------------------- blank nodes

def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def bnode_labels(graph: Graph, rounds: int = 8) -> dict[BNode, str]:
    """A label for each blank node that depends only on the graph's content.

    Each blank node starts with a hash of its edges to IRIs and literals; each round
    mixes in its neighbours' hashes, until the partition stops changing. Blank nodes
    still alike at the end are interchangeable in every graph kg writes, so any
    numbering among them gives the same text.
    """
    # Per blank node: its edges to IRIs and literals (fixed text) and to other blank nodes.
    fixed: dict[BNode, list[str]] = defaultdict(list)
    linked: dict[BNode, list[tuple[str, BNode]]] = defaultdict(list)
    for s, p, o in graph:
        if isinstance(s, BNode):
            if isinstance(o, BNode):
                linked[s].append((f"out {p}", o))
            else:
                fixed[s].append(f"out {p} {_term(o, {})}")
        if isinstance(o, BNode):
            if isinstance(s, BNode):
                linked[o].append((f"in {p}", s))
            else:
                fixed[o].append(f"in {p} {_term(s, {})}")
    edges = set(fixed) | set(linked)
    base = {b: sorted(fixed.get(b, ())) for b in edges}
    colour = {b: "" for b in edges}

    def refine(current: dict[BNode, str]) -> dict[BNode, str]:
        new = {}
        for b in edges:
            sig = sorted(f"{d} _:{current[n]}" for d, n in linked.get(b, ()))
            new[b] = _digest(current[b], *base[b], *sig)
        return new

    classes = 0
    for _ in range(rounds):
        colour = refine(colour)
        count = len(set(colour.values()))
        if count == classes:
            break
        classes = count
    labels, seen = {}, defaultdict(int)
    for b in sorted(edges, key=lambda n: colour[n]):
        short = colour[b][:16]
        n = seen[short]
        seen[short] += 1
        labels[b] = f"b{short}" if n == 0 else f"b{short}x{n}"
    return labels


# ------------------------------------------------------------- N-Triples

def _escape_char(match: re.Match) -> str:
    ch = match.group(0)
    return _ECHAR.get(ch) or f"\\u{ord(ch):04X}"


def _escape(text: str) -> str:
    return _STRING_SPECIAL.sub(_escape_char, text)


def _iri(iri: str) -> str:
    return "<" + _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group(0)):04X}", iri) + ">"


def _term(term, labels: dict[BNode, str]) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, BNode):
        return "_:" + labels.get(term, str(term))
    if isinstance(term, Literal):
        text = '"' + _escape(str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{_iri(str(term.datatype))}"
        return text
    raise TypeError(f"cannot write {term!r} as N-Triples")


def to_ntriples(graph: Graph, labels: dict[BNode, str] | None = None) -> str:
    """The graph as N-Triples, one triple a line, lines sorted."""
    labels = bnode_labels(graph) if labels is None else labels
    cache: dict = {}

    def term(t) -> str:
        text = cache.get(t)
        if text is None:
            text = cache[t] = _term(t, labels)
        return text

    lines = sorted(f"{term(s)} {term(p)} {term(o)} ." for s, p, o in graph)
    return "\n".join(lines) + ("\n" if lines else "")


# --------------------------------------------------------------- JSON-LD

class _JsonLdCompactor:
    """Compacts IRIs to ``prefix:rest`` for JSON-LD and records which prefixes it used."""

    def __init__(self, graph: Graph):
        candidates = dict(STANDARD_PREFIXES)
        candidates.update({p: str(ns) for p, ns in graph.namespaces() if p})
        # JSON-LD 1.1 uses a term as a prefix only if its IRI ends in a gen-delim.
        usable = {p: ns for p, ns in candidates.items() if ns.endswith(("/", "#")) and ":" not in p and not p.startswith("@")}
        self._pairs = sorted(((ns, p) for p, ns in usable.items()), key=lambda x: (-len(x[0]), x[1]))
        self.used: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        for ns, prefix in self._pairs:
            if iri.startswith(ns) and len(iri) > len(ns):
                rest = iri[len(ns):]
                if not rest.startswith("//"):
                    self.used[prefix] = ns
                    return f"{prefix}:{rest}"
        return iri


def to_jsonld(graph: Graph, labels: dict[BNode, str] | None = None) -> str:
    """The graph as a JSON-LD document: ``@context`` of prefixes and a sorted ``@graph``."""
    labels = bnode_labels(graph) if labels is None else labels
    compact = _JsonLdCompactor(graph)

    def node_id(term) -> str:
        return "_:" + labels.get(term, str(term)) if isinstance(term, BNode) else compact(str(term))

    def value(term) -> dict:
        if isinstance(term, (URIRef, BNode)):
            return {"@id": node_id(term)}
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is not None and term.datatype != XSD.string:
            return {"@value": str(term), "@type": compact(str(term.datatype))}
        return {"@value": str(term)}

    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        node = nodes[node_id(s)]
        if p == RDF.type and isinstance(o, URIRef):
            node["@type"].append(compact(str(o)))
        else:
            node[compact(str(p))].append(value(o))

    def dumps(v) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False)

    items = []
    for nid in sorted(nodes):
        obj = {"@id": nid}
        for key in sorted(nodes[nid]):
            vals = nodes[nid][key]
            obj[key] = sorted(vals) if key == "@type" else sorted(vals, key=dumps)
        items.append(obj)
    doc = {"@context": dict(sorted(compact.used.items())), "@graph": items}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
