"""Network analysis of the knowledge graph: rdflib graph → networkx → metrics → triples.

Contracts first:

* :func:`entity_graph` reads the instance entities and the facts between them
  into a :class:`networkx.MultiDiGraph` (one edge per fact, keyed by property).
* The metric functions (:func:`degree`, :func:`strength`, :func:`pagerank`,
  :func:`betweenness`, :func:`components`, :func:`communities`) are pure: each
  takes a networkx graph, leaves it unchanged and returns a new dict.  They see
  the graph as undirected and simple (see :func:`undirected`): for centrality
  the direction of a fact is grammar ("Policy imposedBy Country"), not flow.
* :func:`analyze` runs them all on a graph and returns an :class:`Analysis`;
  :func:`add_to_graph`, :func:`to_json` and :func:`to_graphml` publish it.

Everything is deterministic: nodes and edges are inserted in sorted order,
community detection and betweenness sampling are seeded, and real numbers are
rounded to six places before they leave this module.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from kg.vocab import INSTANCE_NS, KG, KG_NS

PLACES = 6                      # decimals kept for PageRank and betweenness
EXACT_BETWEENNESS_MAX = 1000    # above this many nodes betweenness is sampled
BETWEENNESS_SAMPLE = 500        # pivots used when it is
SEED = 0

# Most specific first: an entity typed both Official and Person is an Official.
TYPE_PRIORITY = (
    "Official", "ExportControl", "Tariff", "TradeAgreement", "Sanction",
    "Person", "Policy", "Country", "Organization", "Commodity", "Event", "Agent",
)
NOT_RELATIONS = {KG.mentionedIn, KG.source}
ANALYSIS_PREDICATES = (KG.pageRank, KG.degree, KG.betweenness, KG.community, KG.component)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def local_name(iri: str) -> str:
    """The part of a kg: IRI after the namespace ("officialOf")."""
    return iri[len(KG_NS):] if iri.startswith(KG_NS) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _text(value) -> str:
    return str(value) if value is not None else ""


# ---------------------------------------------------------------- reading the graph

def entities(graph: Graph) -> dict[str, dict]:
    """Instance entities: ``{iri: {"label", "type", "aliases", "titles", "docs"}}``, sorted by IRI."""
    types: dict[str, set[str]] = {}
    for subj, cls in graph.subject_objects(RDF.type):
        if not isinstance(subj, URIRef) or not str(subj).startswith(INSTANCE_NS):
            continue
        if not str(cls).startswith(KG_NS) or cls == KG.Document:
            continue
        types.setdefault(str(subj), set()).add(local_name(str(cls)))
    out: dict[str, dict] = {}
    for iri in sorted(types):
        node = URIRef(iri)
        labels = sorted(_text(o) for o in graph.objects(node, RDFS.label))
        out[iri] = {
            "label": labels[0] if labels else local_name(iri),
            "type": _most_specific(types[iri]),
            "aliases": sorted({_text(o) for o in graph.objects(node, SKOS.altLabel)} - set(labels[:1])),
            "titles": sorted(_text(o) for o in graph.objects(node, KG.title)),
            "docs": sorted(str(o) for o in graph.objects(node, KG.mentionedIn)),
        }
    return out


def _most_specific(types: set[str]) -> str:
    for name in TYPE_PRIORITY:
        if name in types:
            return name
    return sorted(types)[0]


def documents(graph: Graph) -> dict[str, dict]:
    """Source articles: ``{iri: {"id", "title"}}`` (id is dcterms:identifier)."""
    out = {}
    for doc in sorted(set(graph.subjects(RDF.type, KG.Document)), key=str):
        ident = graph.value(doc, DCTERMS.identifier)
        title = graph.value(doc, DCTERMS.title)
        out[str(doc)] = {"id": _text(ident) or local_name(str(doc)), "title": _text(title)}
    return out


@dataclass(frozen=True, order=True)
class Evidence:
    """One supporting sentence of a fact, with the article it was read from."""

    doc: str          # document IRI
    start: int
    sentence: str


def evidence(graph: Graph) -> dict[tuple[str, str, str], list[Evidence]]:
    """``{(subject, predicate, object): [Evidence, ...]}`` from the rdf:Statement nodes.

    The object is the IRI of an entity or the lexical form of a literal.
    Evidence lists are sorted (article, offset, sentence) and free of duplicates.
    """
    out: dict[tuple[str, str, str], set[Evidence]] = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(st, prop) for prop in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue
        start = graph.value(st, KG.startOffset)
        try:
            start_i = int(start) if start is not None else -1
        except (TypeError, ValueError):
            start_i = -1
        ev = Evidence(_text(graph.value(st, KG.source)), start_i, _text(graph.value(st, KG.sentence)))
        out.setdefault((str(s), str(p), str(o)), set()).add(ev)
    return {key: sorted(evs) for key, evs in out.items()}


def entity_graph(graph: Graph, support: dict | None = None) -> nx.MultiDiGraph:
    """The entities and the facts between them, as a directed multigraph.

    Nodes are entity IRIs with the attributes of :func:`entities`; every fact
    ``s p o`` between two entities (any kg: property but kg:mentionedIn and
    kg:source) is an edge ``s → o`` keyed by the property's local name, with
    ``weight`` = the number of provenance statements supporting it (at least 1).
    Entities without facts are nodes too. ``support`` is :func:`evidence` of
    ``graph`` when the caller has it already.
    """
    ents = entities(graph)
    support = evidence(graph) if support is None else support
    g = nx.MultiDiGraph()
    for iri, attrs in ents.items():
        g.add_node(iri, **attrs)
    facts = []
    for s, p, o in graph.triples((None, None, None)):
        if not str(p).startswith(KG_NS) or p in NOT_RELATIONS:
            continue
        if str(s) in ents and str(o) in ents and isinstance(o, URIRef):
            facts.append((str(s), str(p), str(o)))
    for s, p, o in sorted(facts):
        n = len(support.get((s, p, o), ()))
        g.add_edge(s, o, key=local_name(p), property=local_name(p), weight=max(1, n))
    return g


# ---------------------------------------------------------------- metrics (pure)

def undirected(g: nx.Graph) -> nx.Graph:
    """A simple undirected copy: parallel and opposite edges merged (weights summed), no self-loops.

    Nodes keep their order; edges are added in sorted order.
    """
    h = nx.Graph()
    h.add_nodes_from(g.nodes)
    weights: dict[tuple, float] = {}
    for u, v, w in g.edges(data="weight", default=1):
        if u == v:
            continue
        key = (u, v) if str(u) <= str(v) else (v, u)
        weights[key] = weights.get(key, 0) + (w if w is not None else 1)
    for (u, v) in sorted(weights, key=lambda k: (str(k[0]), str(k[1]))):
        h.add_edge(u, v, weight=weights[(u, v)])
    return h


def degree(g: nx.Graph) -> dict:
    """Number of distinct other nodes each node is linked to (direction ignored)."""
    h = undirected(g)
    return {n: h.degree(n) for n in h}


def strength(g: nx.Graph) -> dict:
    """Weighted degree: the total support (statements) of the node's links."""
    h = undirected(g)
    return {n: h.degree(n, weight="weight") for n in h}


def pagerank(g: nx.Graph, alpha: float = 0.85) -> dict:
    """Weighted PageRank on the undirected graph; values sum to 1.

    Uses networkx's pure-Python power iteration (no SciPy needed) with a tight
    tolerance so that the six decimals kept are stable.
    """
    h = undirected(g)
    if len(h) == 0:
        return {}
    try:
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python as run
    except ImportError:  # pragma: no cover - a future networkx
        run = nx.pagerank
    return dict(run(h, alpha=alpha, weight="weight", tol=1e-12, max_iter=1000))


def betweenness(g: nx.Graph, sample: int | None = None) -> dict:
    """Normalized betweenness centrality over hop counts (weights are support, not distance).

    ``sample`` pivots (seeded) approximate it on large graphs; ``None`` is exact.
    """
    h = undirected(g)
    k = sample if sample is not None and sample < len(h) else None
    return dict(nx.betweenness_centrality(h, k=k, normalized=True, seed=SEED if k else None))


def _numbered(groups, h: nx.Graph) -> dict:
    """Number groups 1, 2, ... by size (largest first), ties by their smallest member."""
    ordered = sorted((sorted(map(str, grp)) for grp in groups), key=lambda m: (-len(m), m[0]))
    index = {str(n): n for n in h}
    return {index[m]: i for i, members in enumerate(ordered, 1) for m in members}


def components(g: nx.Graph) -> dict:
    """Connected component of each node, numbered by size (1 = largest)."""
    h = undirected(g)
    return _numbered(nx.connected_components(h), h)


def communities(g: nx.Graph) -> dict:
    """Community of each node by greedy modularity (weighted), numbered by size (1 = largest)."""
    h = undirected(g)
    if h.number_of_edges() == 0:
        return _numbered(({n} for n in h), h)
    return _numbered(nx.community.greedy_modularity_communities(h, weight="weight"), h)


def modularity(g: nx.Graph, community: dict) -> float:
    """Weighted modularity of a partition given as ``{node: community}``."""
    h = undirected(g)
    if h.number_of_edges() == 0:
        return 0.0
    groups: dict[int, set] = {}
    for node, c in community.items():
        groups.setdefault(c, set()).add(node)
    return nx.community.modularity(h, [groups[c] for c in sorted(groups)], weight="weight")


# ---------------------------------------------------------------- the analysis

@dataclass
class Analysis:
    """Everything the network analysis found, keyed by entity IRI."""

    entities: dict[str, dict] = field(default_factory=dict)   # label, type, aliases, titles, docs
    degree: dict[str, int] = field(default_factory=dict)
    strength: dict[str, int] = field(default_factory=dict)
    pagerank: dict[str, float] = field(default_factory=dict)
    betweenness: dict[str, float] = field(default_factory=dict)
    component: dict[str, int] = field(default_factory=dict)
    community: dict[str, int] = field(default_factory=dict)
    modularity: float = 0.0
    facts: int = 0                      # fact edges between entities
    links: int = 0                      # distinct linked pairs
    betweenness_sample: int | None = None   # pivots used, None when exact
    neighbours: dict[str, list[str]] = field(default_factory=dict)   # linked entities, by PageRank

    def ranked(self, metric: str, n: int | None = None) -> list[str]:
        """Entity IRIs by a metric, highest first (ties by label, then IRI)."""
        values = getattr(self, metric)
        order = sorted(values, key=lambda i: (-values[i], self.entities[i]["label"].casefold(), i))
        return order if n is None else order[:n]

    def groups(self, metric: str) -> dict[int, list[str]]:
        """``{number: [iri, ...]}`` for "community" or "component"; members by PageRank."""
        out: dict[int, list[str]] = {}
        for iri in self.ranked("pagerank"):
            out.setdefault(getattr(self, metric)[iri], []).append(iri)
        return dict(sorted(out.items()))


def analyze(graph: Graph | nx.Graph) -> Analysis:
    """Run every metric over the entity graph of ``graph`` (an rdflib graph or its entity graph)."""
    g = graph if isinstance(graph, nx.Graph) else entity_graph(graph)
    h = undirected(g)
    sample = BETWEENNESS_SAMPLE if len(h) > EXACT_BETWEENNESS_MAX else None
    comm = communities(h)
    rank = {n: round(v, PLACES) for n, v in pagerank(h).items()}
    label = {n: str(g.nodes[n].get("label", n)).casefold() for n in g}
    return Analysis(
        entities={n: {"label": str(n), "type": "", "aliases": [], "titles": [], "docs": [],
                      **g.nodes[n]} for n in g},
        degree=degree(h),
        strength={n: int(v) for n, v in strength(h).items()},
        pagerank=rank,
        betweenness={n: round(v, PLACES) for n, v in betweenness(h, sample).items()},
        component=components(h),
        community=comm,
        modularity=round(modularity(h, comm), PLACES),
        facts=g.number_of_edges(),
        links=h.number_of_edges(),
        betweenness_sample=sample,
        neighbours={n: sorted(h[n], key=lambda m: (-rank[m], label[m], str(m))) for n in h},
    )


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.{PLACES}f}"), datatype=XSD.decimal)


def add_to_graph(graph: Graph, analysis: Analysis) -> Graph:
    """Write the results as triples on each entity (replacing earlier ones); returns ``graph``."""
    for iri in sorted(analysis.entities):
        node = URIRef(iri)
        for pred in ANALYSIS_PREDICATES:
            graph.remove((node, pred, None))
        graph.add((node, KG.pageRank, _decimal(analysis.pagerank.get(iri, 0.0))))
        graph.add((node, KG.betweenness, _decimal(analysis.betweenness.get(iri, 0.0))))
        graph.add((node, KG.degree, Literal(analysis.degree.get(iri, 0), datatype=XSD.integer)))
        graph.add((node, KG.community, Literal(analysis.community.get(iri, 0), datatype=XSD.integer)))
        graph.add((node, KG.component, Literal(analysis.component.get(iri, 0), datatype=XSD.integer)))
    return graph


def to_dict(analysis: Analysis) -> dict:
    """The analysis as plain JSON-able data."""
    ents = []
    for iri in sorted(analysis.entities):
        e = analysis.entities[iri]
        ents.append({
            "iri": iri, "label": e["label"], "type": e["type"], "aliases": e.get("aliases", []),
            "degree": analysis.degree.get(iri, 0), "strength": analysis.strength.get(iri, 0),
            "pagerank": analysis.pagerank.get(iri, 0.0), "betweenness": analysis.betweenness.get(iri, 0.0),
            "community": analysis.community.get(iri, 0), "component": analysis.component.get(iri, 0),
        })
    return {
        "summary": {
            "entities": len(analysis.entities), "facts": analysis.facts, "links": analysis.links,
            "components": len(set(analysis.component.values())),
            "communities": len(set(analysis.community.values())),
            "modularity": analysis.modularity,
            "betweenness": "exact" if analysis.betweenness_sample is None
            else f"sampled from {analysis.betweenness_sample} pivots (seed {SEED})",
        },
        "entities": ents,
        "top": {m: analysis.ranked(m, 10) for m in ("pagerank", "betweenness", "degree")},
        "communities": [{"community": c, "size": len(m), "members": m}
                        for c, m in analysis.groups("community").items()],
        "components": [{"component": c, "size": len(m), "members": m}
                       for c, m in analysis.groups("component").items()],
    }


def to_json(analysis: Analysis) -> str:
    """``analysis.json``: sorted keys, two-space indent, UTF-8 text, newline at the end."""
    return json.dumps(to_dict(analysis), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _xml_safe(text: str) -> str:
    return _CONTROL.sub("", text)


def to_graphml(graph: Graph | nx.Graph, analysis: Analysis) -> str:
    """GraphML for Gephi and Cytoscape: one node per entity, one edge per fact.

    Node attributes: label, type, pagerank, degree, betweenness, community,
    component; edge attributes: property, weight.
    """
    g = graph if isinstance(graph, nx.Graph) else entity_graph(graph)
    out = nx.MultiDiGraph()
    for n in sorted(g.nodes):
        e = analysis.entities.get(n, g.nodes[n])
        out.add_node(n, label=_xml_safe(e.get("label", "")), type=e.get("type", ""),
                     pagerank=float(analysis.pagerank.get(n, 0.0)),
                     degree=int(analysis.degree.get(n, 0)),
                     betweenness=float(analysis.betweenness.get(n, 0.0)),
                     community=int(analysis.community.get(n, 0)),
                     component=int(analysis.component.get(n, 0)))
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2]))):
        out.add_edge(u, v, key=f"{k}", property=d.get("property", str(k)), weight=int(d.get("weight", 1)))
    body = "\n".join(nx.generate_graphml(out, prettyprint=True, named_key_ids=True))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
