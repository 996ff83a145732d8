"""The interactive page: graph + analysis → one self-contained, offline HTML file.

The drawing is vis-network's, inlined from the copy pyvis ships (pyvis's own
templates load Bootstrap and vis-network from CDNs, and its ``Network`` checks every
node and edge against lists, which is quadratic at 30,000 entities); the page around
it is ours, and a Content-Security-Policy with ``default-src 'none'`` forbids every
request the page could make.  :mod:`kg.render.data` decides what is drawn (the
overview: isolated entities left out, large communities collapsed) and
:mod:`kg.render.layout` where.

Article text (names, titles, sentences) is untrusted.  It travels only as
JSON inside a ``<script type="application/json">`` element, with ``<``, ``>``,
``&`` and the JavaScript line separators escaped so that nothing can close
that element; ``kg/data/view.js`` inserts it with ``textContent``, builds
tooltips as DOM elements and draws labels on the canvas, never as HTML strings.

The layout is computed here (seeded spring layouts, packed), and physics is
off in the browser, so a graph of thousands of entities opens at once and
stays still.  The same input gives the same bytes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import pyvis

from kg import analyze as an
from kg.render.data import (BIG, COLLAPSE_FROM, COLLAPSE_MIN, MAX_SENTENCE, STYLE_FILE, class_style,  # noqa: F401
                            load_style, page_data, property_labels)
from kg.render.layout import SPACING, layout  # noqa: F401
from kg.vocab import DATA_DIR

VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"


# ---------------------------------------------------------------- assets and style

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
      <p class="kg-hint">Size: PageRank. Tick a class to show or hide it.</p><p class="kg-hint" id="kg-collapsed-hint" hidden>A ringed node is a community drawn as one: click it to open it.</p></section>
    <section id="kg-status-box" hidden><h2>Policy status</h2><div id="kg-status" role="group" aria-label="Filter policies by status"></div></section>
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


def render_html(graph, analysis: an.Analysis) -> str:
    """The page ``graph.html``: byte-identical for the same graph and analysis."""
    data = page_data(graph, analysis)
    vis_js, view_js = _asset("vis-network.min.js"), _asset("view.js")
    return PAGE.format(
        script_hashes=" ".join(_csp_hash(s) for s in (vis_js, view_js)),
        entities=data["summary"]["entities"], facts=data["summary"]["facts"],
        vis_css=_asset("vis-network.css"), view_css=_asset("view.css"),
        data=script_json(data), vis_js=vis_js, view_js=view_js,
    )
