"""The other serializations users expect beside ``graph.ttl``: N-Triples and JSON-LD.

All are written by Oxigraph from one conversion of the graph (kg.writer) and are
deterministic: the same graph gives byte-identical files. N-Triples lines are
sorted; JSON-LD is the expanded form (full IRIs, one node object per subject, in
the Turtle file's order). Blank nodes (OWL unions in the ontology) get labels
derived from their content (colour refinement over their neighbourhood), so the
labels do not depend on the order triples were added in.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from rdflib import BNode, Graph

from kg.io import write_atomic
from kg.writer import Prepared, bnode_labels as _bnode_labels, serialize_many


ANALYSIS_NOTE = ("Network analysis (networkx; see report.md): kg:pageRank, kg:betweenness, kg:degree,\n"
                 "kg:community and kg:component of each entity. The extracted graph is above.")


def serializations(graph: Graph, stem: str = "graph", turtle: bool = False,
                   receive: Callable[[], list] | None = None) -> dict[str, str]:
    """``{"<stem>.nt": ..., "<stem>.jsonld": ...}`` (and ``<stem>.ttl`` with ``turtle``), for writing as a set.

    All come from one conversion of the triples (kg.writer). The network analysis
    (kg:pageRank, kg:betweenness, kg:degree, kg:community, kg:component) goes in a
    section of its own after the extracted graph, in Turtle and JSON-LD. ``receive``,
    when given, returns those triples: a build converts the graph while it computes
    them (``graph`` then need not hold them yet); else they are read from ``graph``.
    """
    from kg.analyze import ANALYSIS_PREDICATES
    from kg.graph import PREFIXES

    skip = frozenset(ANALYSIS_PREDICATES)
    prepared = Prepared(graph, skip)
    if receive is not None:
        extra = receive()
    else:
        extra = [t for p in ANALYSIS_PREDICATES for t in graph.triples((None, p, None))]
    texts = prepared.finish(("turtle", "nt", "jsonld") if turtle else ("nt", "jsonld"), PREFIXES,
                            extra, ANALYSIS_NOTE)
    out = {f"{stem}.ttl": texts["turtle"]} if turtle else {}
    out[f"{stem}.nt"] = texts["nt"]
    out[f"{stem}.jsonld"] = texts["jsonld"]
    return out


def write_serializations(graph: Graph, out_dir: str | os.PathLike, stem: str = "graph") -> list[Path]:
    """Write ``<stem>.nt`` and ``<stem>.jsonld`` for ``graph`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    paths = []
    for name, text in serializations(graph, stem).items():
        write_atomic(out / name, text)
        paths.append(out / name)
    return paths


# ----------------------------------------------------------- blank nodes

def bnode_labels(graph) -> dict[BNode, str]:
    """A label for each blank node that depends only on the graph's content (see kg.triples)."""
    return _bnode_labels(t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode))


# ------------------------------------------------------------- N-Triples

def to_ntriples(graph: Graph, labels: dict[BNode, str] | None = None) -> str:
    """The graph as N-Triples (written by Oxigraph), one triple a line, lines sorted."""
    return serialize_many(graph, ("nt",))["nt"]


# --------------------------------------------------------------- JSON-LD

def to_jsonld(graph: Graph, labels: dict[BNode, str] | None = None) -> str:
    """The graph as expanded JSON-LD (written by Oxigraph): a list of node objects, full IRIs."""
    return serialize_many(graph, ("jsonld",))["jsonld"]
