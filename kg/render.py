"""The interactive page: graph + analysis → one self-contained, offline HTML file.

pyvis builds the drawing (a :class:`pyvis.network.Network` of nodes, edges and
vis-network options); the page around it is ours, because pyvis's templates
load Bootstrap and vis-network from CDNs.  Here vis-network's JavaScript and
CSS are inlined from the copy pyvis ships, and a Content-Security-Policy with
``default-src 'none'`` forbids every request the page could make.

Article text (names, titles, sentences) is untrusted.  It travels only as
JSON inside a ``<script type="application/json">`` element, with ``<``, ``>``,
``&`` and the JavaScript line separators escaped so that nothing can close
that element; ``kg/data/view.js`` inserts it with ``textContent`` and builds
tooltips as DOM elements, never as HTML strings.

The layout is computed here (seeded spring layouts, packed), and physics is
off in the browser, so a graph of thousands of entities opens at once and
stays still.  The same input gives the same bytes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
import pyvis
from pyvis.network import Network
from rdflib import RDFS, Graph, URIRef

from kg import analyze as an
from kg.vocab import DATA_DIR, KG_NS

VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
STYLE_FILE = DATA_DIR / "style.json"
SPACING = 130.0          # px: about the distance between neighbours in the layout
SPRING_MAX = 150         # larger components are split into their communities
BIG = 600                # from this many nodes the page trades detail for speed
HUB_LABELS = 12          # entities whose labels grow with the graph
MAX_SENTENCE = 600       # characters of a supporting sentence shown


# ---------------------------------------------------------------- assets and style

@lru_cache(maxsize=None)
def load_style() -> dict:
    """The class style table of ``kg/data/style.json``."""
    return json.loads(STYLE_FILE.read_text(encoding="utf-8"))


def class_style(type_: str) -> dict:
    style = load_style()
    return style["classes"].get(type_, style["default"])


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    if name.startswith("vis-network"):
        text = (VIS_DIR / name).read_text(encoding="utf-8")
    else:
        text = (DATA_DIR / name).read_text(encoding="utf-8")
    # no source map: the page must not ask for anything
    return re.sub(r"^\s*//# sourceMappingURL=\S*\s*$", "", text, flags=re.M)


def script_json(obj) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (and deterministic)."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


# ---------------------------------------------------------------- layout

def layout(g: nx.Graph, community: dict | None = None) -> dict:
    """Positions ``{node: (x, y)}`` in pixels, deterministic.

    Each connected component is laid out alone. A small one gets a seeded
    spring layout in which links inside a community pull harder, so that
    communities show as clusters.  A large one is split into its communities:
    each is laid out alone, and the communities are placed by a spring layout
    of the graph between them (linked communities end up close), then pushed
    apart until they no longer overlap.  Components are packed in rows, largest
    first; the entities with no facts are set out in a grid after them.
    """
    h = an.undirected(g)
    if community is None:
        community = an.communities(h)
    blocks, isolates = [], []
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(h)), key=lambda c: (-len(c), str(c[0])))
    for comp in comps:
        if len(comp) == 1:
            isolates.append(comp[0])
        else:
            blocks.append(_block(_induced(h, comp), community))
    if isolates:
        blocks.append(_grid(isolates))
    return _pack(blocks)


def _induced(g: nx.Graph, nodes) -> nx.Graph:
    """The subgraph of ``g`` on ``nodes``, nodes and edges in sorted order.

    Not ``g.subgraph(nodes)``: a networkx subgraph view smaller than half its graph
    iterates its nodes in the order of a Python set, which for strings changes from
    one process to the next, and the spring layout depends on the order.
    """
    keep = set(nodes)
    out = nx.Graph()
    out.add_nodes_from(sorted(keep, key=str))
    out.add_edges_from(sorted(((u, v, d) if str(u) <= str(v) else (v, u, d)
                               for u, v, d in g.edges(keep, data=True) if u in keep and v in keep),
                              key=lambda e: (str(e[0]), str(e[1]))))
    return out


def _block(sub: nx.Graph, community: dict, depth: int = 0) -> dict:
    if len(sub) <= SPRING_MAX:
        return _spring(sub, community)
    groups: dict = {}
    for n in sub:
        groups.setdefault(community.get(n, 0), []).append(n)
    if len(groups) < 2 and depth < 3:
        parts = an.louvain(sub)
        split = {n: i for i, part in enumerate(sorted((sorted(p, key=str) for p in parts), key=str)) for n in part}
        if len(parts) > 1:
            return _block(sub, split, depth + 1)
    if len(groups) < 2:
        pos = nx.circular_layout(sorted(sub.nodes, key=str))
        r = SPACING * len(sub) / (2 * math.pi)
        return {n: (float(x) * r, float(y) * r) for n, (x, y) in pos.items()}
    keys = sorted(groups, key=lambda c: (-len(groups[c]), str(sorted(groups[c], key=str)[0])))
    parts = [_centred(_block(_induced(sub, groups[c]), community, depth)) for c in keys]
    radii = np.array([max(math.hypot(x, y) for x, y in p.values()) + SPACING * 0.6 for p in parts])
    where = {n: i for i, c in enumerate(keys) for n in groups[c]}
    q = nx.Graph()
    q.add_nodes_from(range(len(keys)))
    for u, v in sub.edges:
        a, b = where[u], where[v]
        if a != b:
            q.add_edge(a, b, weight=q[a][b]["weight"] + 1 if q.has_edge(a, b) else 1)
    qpos = nx.spring_layout(q, seed=an.SEED, weight="weight") if len(q) < 500 else nx.circular_layout(q)
    centres = np.array([qpos[i] for i in range(len(keys))], dtype=float) * math.sqrt((radii ** 2).sum()) * 0.5
    centres = _separate(centres, radii)
    return {n: (x + centres[i][0], y + centres[i][1]) for i, p in enumerate(parts) for n, (x, y) in p.items()}


def _centred(pos: dict) -> dict:
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {n: (x - cx, y - cy) for n, (x, y) in pos.items()}


def _separate(centres: "np.ndarray", radii: "np.ndarray", iterations: int = 300) -> "np.ndarray":
    """Move discs apart until none overlaps another (deterministic)."""
    n = len(centres)
    jitter = np.stack([np.cos(np.arange(n) * 2.399), np.sin(np.arange(n) * 2.399)], axis=1) * 1e-3
    xy = centres + jitter
    need = radii[:, None] + radii[None, :]
    np.fill_diagonal(need, 0.0)
    for _ in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta ** 2).sum(axis=2))
        over = need - dist
        np.fill_diagonal(over, 0.0)
        if (over <= 1e-6).all():
            break
        safe = np.maximum(dist, 1e-6)
        push = np.where(over > 0, over / safe * 0.5, 0.0)[:, :, None] * delta
        xy = xy + push.sum(axis=1) * 0.5
    return xy


def _spring(sub: nx.Graph, community: dict | None = None) -> dict:
    n = len(sub)
    if n == 1:
        return {next(iter(sub)): (0.0, 0.0)}
    if n == 2:
        a, b = sorted(sub, key=str)
        return {a: (-SPACING, 0.0), b: (SPACING, 0.0)}
    if n == 3 and sub.number_of_edges() == 2:                 # a path: the middle one in the middle
        mid = next(v for v in sub if sub.degree(v) == 2)
        a, b = sorted((v for v in sub if v != mid), key=str)
        return {a: (-SPACING * 1.6, SPACING * 0.4), mid: (0.0, -SPACING * 0.4), b: (SPACING * 1.6, SPACING * 0.4)}
    community = community or {}
    pull = nx.Graph()
    pull.add_nodes_from(sub)
    for u, v in sub.edges:
        pull.add_edge(u, v, weight=2.0 if community.get(u) == community.get(v) else 1.0)
    pos = nx.spring_layout(pull, k=1.8 / math.sqrt(n), seed=an.SEED, iterations=100 if n < 150 else 50)
    radius = SPACING * max(1.3, 0.9 * math.sqrt(n))
    nodes = list(pos)
    xy = _declutter(np.array([pos[v] for v in nodes], dtype=float) * radius)
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, xy)}


def _declutter(xy: "np.ndarray", iterations: int = 60) -> "np.ndarray":
    """Push apart nodes whose labels would collide (labels are wide: the x gap needed is larger).

    Works on the x and y coordinates as two n × n arrays rather than one n × n × 2
    array: the same arithmetic, five times faster on a block of 140 nodes.
    """
    rx, ry = SPACING * 2.0, SPACING * 1.0
    diagonal = np.arange(len(xy))
    for _ in range(iterations):
        x, y = xy[:, 0], xy[:, 1]
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist = np.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
        dist[diagonal, diagonal] = np.inf
        close = dist < 1.0
        if not close.any():
            break
        safe = np.where(close, np.maximum(dist, 1e-3), 1.0)
        push = np.where(close, (1.0 - safe) / safe, 0.0) * 0.5
        xy = xy + np.stack([(push * dx).sum(axis=1), (push * dy).sum(axis=1)], axis=1)
    return xy


def _grid(nodes: list) -> dict:
    cols = max(1, math.ceil(math.sqrt(len(nodes) * 2)))
    step_x, step_y = SPACING * 2.2, SPACING * 0.8
    return {n: ((i % cols) * step_x, (i // cols) * step_y) for i, n in enumerate(nodes)}


def _pack(blocks: list[dict]) -> dict:
    """Shelf-pack blocks (each a position dict) left to right in rows, centred at 0."""
    boxes = []
    for pos in blocks:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append((pos, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    gap = SPACING * 1.5
    area = sum((w + gap) * (h + gap) for _, _, _, w, h in boxes)
    row_width = max(max((w for *_, w, _ in boxes), default=0), math.sqrt(area) * 1.1)
    out, x, y, row_h = {}, 0.0, 0.0, 0.0
    for pos, x0, y0, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for node, (px, py) in pos.items():
            out[node] = (px - x0 + x, py - y0 + y)
        x += w + gap
        row_h = max(row_h, h)
    if not out:
        return out
    cx = (min(p[0] for p in out.values()) + max(p[0] for p in out.values())) / 2
    cy = (min(p[1] for p in out.values()) + max(p[1] for p in out.values())) / 2
    return {n: (round(px - cx), round(py - cy)) for n, (px, py) in out.items()}


# ---------------------------------------------------------------- page data

def property_labels(graph: Graph) -> dict[str, str]:
    """``{local name: rdfs:label}`` of the kg: properties the ontology in ``graph`` declares."""
    out = {}
    for s, label in graph.subject_objects(RDFS.label):
        if isinstance(s, URIRef) and str(s).startswith(KG_NS):
            out.setdefault(an.local_name(str(s)), str(label))
    return out


def _short(label: str, limit: int) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def page_data(graph: Graph, analysis: an.Analysis) -> dict:
    """Everything the page script needs, as plain JSON-able data (via pyvis for the drawing)."""
    style = load_style()
    support = analysis.support if analysis.support is not None else an.evidence(graph)
    g = analysis.fact_graph if analysis.fact_graph is not None else an.entity_graph(graph, support)
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

    pos = layout(g, analysis.community)
    big = len(iris) >= BIG
    pr = [analysis.pagerank.get(i, 0.0) for i in iris] or [0.0]
    lo, hi = min(pr), max(pr)
    # the fitted view zooms out about as 1/sqrt(n): grow nodes with it so hubs stay visible
    grow = min(max(math.sqrt(len(iris)) / 8, 1.0), 4.0)
    size = {"min": round(style["node_size"]["min"] * math.sqrt(grow), 1),
            "max": round(style["node_size"]["max"] * grow, 1)}

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    info = []
    # in a big graph the most central entities keep a label readable in the fitted view
    hubs = _hubs(analysis, pos, index) if grow > 1 else []
    for i, iri in enumerate(iris):
        e = analysis.entities.get(iri) or g.nodes[iri]
        cs = class_style(e["type"])
        scaled = math.sqrt((analysis.pagerank.get(iri, 0.0) - lo) / (hi - lo)) if hi > lo else 0.0
        x, y = pos.get(iri, (0, 0))
        net.add_node(i, label=_short(e["label"], style["label_max_chars"]), shape=cs["shape"],
                     color={"background": cs["color"], "border": cs["border"],
                            "highlight": {"background": cs["color"], "border": "#000000"},
                            "hover": {"background": cs["color"], "border": "#000000"}},
                     size=round(size["min"] + (size["max"] - size["min"]) * scaled, 1),
                     x=x, y=y, cls=e["type"])
        attrs = []
        for p in ("title", "date", "duration"):
            for value in sorted(str(o) for o in graph.objects(URIRef(iri), URIRef(KG_NS + p))):
                attrs.append([props.get(p, p), value, cite(support.get((iri, KG_NS + p, value), ()))])
        info.append({
            "iri": iri, "label": e["label"], "type": e["type"], "aliases": e.get("aliases", []),
            "docs": sorted(doc_index[d] for d in e.get("docs", []) if d in doc_index),
            "pr": analysis.pagerank.get(iri, 0.0), "deg": analysis.degree.get(iri, 0),
            "btw": analysis.betweenness.get(iri, 0.0), "com": analysis.community.get(iri, 0),
            "cmp": analysis.component.get(iri, 0), "attrs": attrs,
        })

    # one drawn edge per ordered pair; it lists every property between them
    pairs: dict[tuple[str, str], list] = {}
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda t: (t[0], t[1], t[2])):
        pairs.setdefault((u, v), []).append((k, d.get("weight", 1)))
    facts = []
    for j, ((u, v), plist) in enumerate(sorted(pairs.items())):
        weight = sum(w for _, w in plist)
        net.add_edge(index[u], index[v], id=j, label=", ".join(props.get(k, k) for k, _ in plist),
                     width=round(min(1.5 + math.log2(weight), 7), 2))
        facts.append([[props.get(k, k), k, cite(support.get((u, KG_NS + k, v), ()))] for k, _ in plist])

    net.options = _options(big)
    nodes, edges, _, _, _, options = net.get_network_data()
    present = {e["type"] for e in info}
    classes = sorted(
        ({"name": t, **class_style(t), "count": sum(1 for e in info if e["type"] == t)} for t in present),
        key=lambda c: (c["order"], c["name"]))
    return {
        "summary": {"entities": len(iris), "facts": g.number_of_edges(), "articles": len(docs),
                    "communities": len(set(analysis.community.values())),
                    "components": len(set(analysis.component.values()))},
        "classes": classes,
        "docs": [[docs[d]["id"], docs[d]["title"]] for d in doc_iris],
        "sentences": sentences,
        "nodes": nodes,
        "edges": edges,
        "info": info,
        "facts": facts,
        "options": json.loads(options),
        "big": big,
        "hubs": hubs,
    }


def _hubs(analysis: an.Analysis, pos: dict, index: dict) -> list[int]:
    """The most central entities whose labels stay readable: by PageRank, skipping any
    too close to one already chosen (their labels would overlap in the fitted view)."""
    if not pos:
        return []
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    near = 0.07 * max(max(xs) - min(xs), max(ys) - min(ys), 1)
    chosen: list[str] = []
    for iri in analysis.ranked("pagerank"):
        if len(chosen) == HUB_LABELS:
            break
        x, y = pos.get(iri, (0, 0))
        if all(abs(x - pos[c][0]) > near * 2 or abs(y - pos[c][1]) > near for c in chosen):
            chosen.append(iri)
    return sorted(index[c] for c in chosen)


def _options(big: bool) -> dict:
    face = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "physics": {"enabled": False},
        "nodes": {
            "borderWidth": 1.5, "borderWidthSelected": 3,
            "font": {"face": face, "size": 20, "color": "#1d2430", "strokeWidth": 5, "strokeColor": "#ffffff"},
            "scaling": {"label": {"enabled": False, "drawThreshold": 7}},
        },
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


# ---------------------------------------------------------------- the page

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {script_hashes}; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kg: knowledge graph ({entities} entities, {facts} facts)</title>
<style>{vis_css}</style>
<style>{view_css}</style>
</head>
<body>
<header id="kg-header">
  <h1>Knowledge graph</h1>
  <span id="kg-summary"></span>
  <input id="kg-search" type="search" placeholder="Search names and aliases" autocomplete="off" aria-label="Search entities">
</header>
<main id="kg-main">
  <aside id="kg-side">
    <section><h2>Classes</h2><div id="kg-legend" role="group" aria-label="Filter by class"></div>
      <p class="kg-hint">Size: PageRank. Tick a class to show or hide it.</p></section>
    <section id="kg-results-box" hidden><h2>Matches</h2><ol id="kg-results"></ol></section>
  </aside>
  <div id="kg-network" aria-label="Network of entities"></div>
  <aside id="kg-details" aria-live="polite"></aside>
</main>
<script type="application/json" id="kg-data">{data}</script>
<script>{vis_js}</script>
<script>{view_js}</script>
</body>
</html>
"""


def render_html(graph: Graph, analysis: an.Analysis) -> str:
    """The page ``graph.html``: byte-identical for the same graph and analysis."""
    data = page_data(graph, analysis)
    vis_js, view_js = _asset("vis-network.min.js"), _asset("view.js")
    return PAGE.format(
        script_hashes=" ".join(_csp_hash(s) for s in (vis_js, view_js)),
        entities=data["summary"]["entities"], facts=data["summary"]["facts"],
        vis_css=_asset("vis-network.css"), view_css=_asset("view.css"),
        data=script_json(data), vis_js=vis_js, view_js=view_js,
    )
