"""The page's layout: deterministic positions for the entities, computed before the page opens.

Each connected component is laid out alone (seeded spring layouts, communities
pulled together); a large one is split into its communities, which are placed as
discs that do not overlap; components are shelf-packed, largest first.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np

from kg import analyze as an

SPACING = 130.0          # px: about the distance between neighbours in the layout
SPRING_MAX = 150         # larger components are split into their communities


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
