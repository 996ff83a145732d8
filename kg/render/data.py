"""What the page shows, as plain JSON-able data: entities, the drawing, facts and evidence.

The drawing is an overview a person can read at any scale:

* entities without a single fact linking them to another ("isolated") are left out of
  the drawing; they stay in the page's data, so search finds them and the evidence
  panel shows them, and the header counts them;
* when the drawing would hold ``COLLAPSE_FROM`` entities or more, every community of
  ``COLLAPSE_MIN`` members or more is drawn as one node, which the page opens on click
  (the members keep the positions the layout gave them);
* node size follows PageRank; the page script draws labels only where they fit.

The full graph stays in ``graph.ttl``; nothing here changes it.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache

from rdflib import RDFS, URIRef

from kg import analyze as an
from kg.render.layout import _induced, layout
from kg.vocab import DATA_DIR, KG_NS

STYLE_FILE = DATA_DIR / "style.json"
BIG = 600                # from this many drawn nodes the page trades detail for speed
COLLAPSE_FROM = 300      # from this many drawn entities large communities are collapsed ...
COLLAPSE_MIN = 12        # ... those of this many members or more
MAX_SENTENCE = 600       # characters of a supporting sentence shown


@lru_cache(maxsize=None)
def load_style() -> dict:
    """The class style table of ``kg/data/style.json``."""
    return json.loads(STYLE_FILE.read_text(encoding="utf-8"))


def class_style(type_: str) -> dict:
    style = load_style()
    return style["classes"].get(type_, style["default"])


def property_labels(graph) -> dict[str, str]:
    """``{local name: rdfs:label}`` of the kg: properties the ontology in ``graph`` declares."""
    found = sorted((str(s), str(label)) for s, label in graph.subject_objects(RDFS.label)
                   if isinstance(s, URIRef) and s.startswith(KG_NS))
    out: dict[str, str] = {}
    for s, label in found:
        out.setdefault(an.local_name(s), label)
    return out


def subclasses(graph, root: str) -> set[str]:
    """Local names of ``kg:root`` and every class under it (``rdfs:subClassOf*`` in ``graph``)."""
    below: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(RDFS.subClassOf):
        below.setdefault(str(o), set()).add(str(s))
    found, todo = {KG_NS + root}, [KG_NS + root]
    while todo:
        for s in below.get(todo.pop(), ()):
            if s not in found:
                found.add(s)
                todo.append(s)
    return {an.local_name(c) for c in found}


def _short(label: str, limit: int) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _values(graph, props: dict, entities: set) -> dict:
    """``{(iri, property): [(display, key), ...]}`` for the attribute properties of style.json.

    ``key`` is the object as the provenance index spells it; ``display`` is what the
    page shows: a status by its label in style.json ("In force"), a rate with "%".
    """
    out: dict = {}
    named = {st["name"]: st["label"] for st in load_style()["statuses"]}
    for p in load_style()["attributes"]:
        for s, o in graph.subject_objects(URIRef(KG_NS + p)):
            if str(s) not in entities:
                continue
            if isinstance(o, URIRef):
                name = an.local_name(str(o))
                shown = named.get(name) or props.get(name) or name
            else:
                shown = str(o) + "%" if p == "rate" else str(o)
            out.setdefault((str(s), p), []).append((shown, str(o)))
    return {k: sorted(set(v)) for k, v in out.items()}


def page_data(graph, analysis: an.Analysis, collapse_from: int = COLLAPSE_FROM,
              collapse_min: int = COLLAPSE_MIN) -> dict:
    """Everything the page script needs (see the module's docstring for what is drawn)."""
    style = load_style()
    support = analysis.support if analysis.support is not None else an.evidence(graph)
    g = analysis.fact_graph if analysis.fact_graph is not None else an.entity_graph(graph, support)
    h = an.undirected(g)
    docs = an.documents(graph)
    props = property_labels(graph)
    iris = sorted(g.nodes)
    index = {iri: i for i, iri in enumerate(iris)}
    doc_iris = sorted(docs, key=lambda d: docs[d]["id"])
    doc_index = {d: i for i, d in enumerate(doc_iris)}
    sentences: list[list] = []
    sentence_index: dict[tuple, int] = {}

    def cite(evs) -> list[int]:
        out = []
        for ev in evs:
            key = (doc_index.get(ev.doc, -1), ev.sentence)
            if key not in sentence_index:
                sentence_index[key] = len(sentences)
                sentences.append([key[0], _short(ev.sentence, MAX_SENTENCE)])
            out.append(sentence_index[key])
        return sorted(set(out))

    core = [iri for iri in iris if h.degree(iri) > 0]
    pos = layout(_induced(h, core), analysis.community)
    pr = [analysis.pagerank.get(i, 0.0) for i in core] or [0.0]
    lo, hi = min(pr), max(pr)
    # the fitted view zooms out about as 1/sqrt(n): grow nodes with it so hubs stay visible
    grow = min(max(math.sqrt(len(core)) / 8, 1.0), 4.0)
    size_min, size_max = style["node_size"]["min"] * math.sqrt(grow), style["node_size"]["max"] * grow

    def size(value: float) -> float:
        return round(size_min + (size_max - size_min) * (math.sqrt((value - lo) / (hi - lo)) if hi > lo else 0.0), 1)

    nodes = [{"id": index[iri], "x": pos[iri][0], "y": pos[iri][1], "size": size(analysis.pagerank.get(iri, 0.0))}
             for iri in core]
    policy_types = subclasses(graph, "Policy") | {t for t, c in style["classes"].items() if c.get("policy")}
    values = _values(graph, props, set(iris))
    statuses = [s["name"] for s in style["statuses"]]
    info = []
    for iri in iris:
        e = analysis.entities.get(iri) or g.nodes[iri]
        attrs = [[props.get(p, p), shown, cite(support.get((iri, KG_NS + p, key), ())), p]
                 for p in style["attributes"] for shown, key in values.get((iri, p), ())]
        item = {
            "iri": iri, "label": e["label"], "type": e["type"], "aliases": e.get("aliases", []),
            "docs": sorted(doc_index[d] for d in e.get("docs", []) if d in doc_index),
            "pr": analysis.pagerank.get(iri, 0.0), "deg": analysis.degree.get(iri, 0),
            "btw": analysis.betweenness.get(iri, 0.0), "com": analysis.community.get(iri, 0),
            "cmp": analysis.component.get(iri, 0), "attrs": attrs,
        }
        found = sorted((an.local_name(k) for _, k in values.get((iri, "status"), ())),
                       key=lambda s: (statuses.index(s) if s in statuses else len(statuses), s))
        if e["type"] in policy_types or found:
            item["status"] = found[-1] if found else ""
        info.append(item)

    # one drawn edge per ordered pair; it lists every property between them
    pairs: dict[tuple[str, str], list] = {}
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda t: (t[0], t[1], t[2])):
        pairs.setdefault((u, v), []).append((k, d.get("weight", 1)))
    edges, facts = [], []
    for j, ((u, v), plist) in enumerate(sorted(pairs.items())):
        weight = sum(w for _, w in plist)
        edges.append({"id": j, "from": index[u], "to": index[v], "label": ", ".join(props.get(k, k) for k, _ in plist),
                      "width": round(min(1.5 + math.log2(weight), 7), 2)})
        facts.append([[props.get(k, k), k, cite(support.get((u, KG_NS + k, v), ()))] for k, _ in plist])

    groups = _groups(core, analysis, pos, index, len(iris), collapse_min) if len(core) >= collapse_from else []
    for grp in groups:
        grp["size"] = round(min(size_max * 1.5, size(grp.pop("pr")) + 2 * math.sqrt(len(grp["members"]))), 1)
    present = sorted({e["type"] for e in info})
    policies = [e for e in info if "status" in e]
    return {
        "summary": {"entities": len(iris), "drawn": len(core), "isolated": len(iris) - len(core),
                    "facts": g.number_of_edges(), "articles": len(docs),
                    "communities": len({analysis.community.get(i, 0) for i in core}),
                    "components": len({analysis.component.get(i, 0) for i in core}),
                    "collapsed": len(groups)},
        "classes": sorted(({"name": t, **class_style(t), "count": sum(1 for e in info if e["type"] == t)}
                           for t in present), key=lambda c: (c["order"], c["name"])),
        "statuses": [{**s, "count": sum(1 for e in policies if e["status"] == s["name"])}
                     for s in style["statuses"] + [style["no_status"]]
                     if any(e["status"] == s["name"] for e in policies)],
        "docs": [[docs[d]["id"], docs[d]["title"]] for d in doc_iris],
        "sentences": sentences,
        "nodes": nodes,
        "edges": edges,
        "groups": groups,
        "info": info,
        "facts": facts,
        "order": [index[i] for i in analysis.ranked("pagerank") if i in index],
        "options": _options(len(core) >= BIG),
        "big": len(core) >= BIG,
        "label_max_chars": style["label_max_chars"],
    }


def _groups(core: list, analysis: an.Analysis, pos: dict, index: dict, first_id: int, least: int) -> list[dict]:
    """The communities of ``least`` members or more, each as one node at its members' centre."""
    members: dict[int, list[str]] = {}
    for iri in core:
        members.setdefault(analysis.community.get(iri, 0), []).append(iri)
    out = []
    for com in sorted(c for c, m in members.items() if len(m) >= least):
        ranked = sorted(members[com], key=lambda i: (-analysis.pagerank.get(i, 0.0), i))
        out.append({
            "id": first_id + len(out), "com": com, "members": [index[i] for i in ranked],
            "x": round(sum(pos[i][0] for i in ranked) / len(ranked)),
            "y": round(sum(pos[i][1] for i in ranked) / len(ranked)),
            "pr": round(sum(analysis.pagerank.get(i, 0.0) for i in ranked), an.PLACES),
        })
    return out


def _options(big: bool) -> dict:
    face = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "physics": {"enabled": False},
        "nodes": {"borderWidth": 1.5, "borderWidthSelected": 3},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "color": {"color": load_style()["edge_color"], "highlight": "#1d2430", "hover": "#4a5565",
                      "inherit": False, "opacity": 0.7},
            "font": {"face": face, "size": 15, "color": "#4a5565", "strokeWidth": 4,
                     "strokeColor": "#ffffff", "align": "horizontal"},
            "smooth": False,
            "scaling": {"label": {"drawThreshold": 12 if big else 5}},
            "width": 1.5,
            "selectionWidth": 1.5,
            "hoverWidth": 0.8,
        },
        "interaction": {
            "hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
            "multiselect": False, "navigationButtons": False, "keyboard": False,
        },
    }
