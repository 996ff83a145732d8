/* kg page script: draws the vis-network overview of #kg-data and wires the panels.
 *
 * Every string from the articles (names, titles, sentences) is untrusted: it is
 * only ever put in the page with textContent or as a text node, tooltips are DOM
 * elements built the same way, and labels are drawn on the canvas with fillText:
 * no string is ever parsed as HTML.
 *
 * The overview: entities without links are not drawn (search finds them); a large
 * community is drawn as one node (data.groups) that opens on click; labels are drawn
 * by PageRank, each only where it does not overlap one already drawn.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = data.info, N = info.length, groups = data.groups;
  var classes = {}, statuses = {};
  data.classes.forEach(function (c) { classes[c.name] = c; });
  data.statuses.forEach(function (s) { statuses[s.name] = s; });
  var MAX_FACTS = 60, MAX_SENTENCES = 8, MAX_LABELS = 300, LABEL_PX = 13;
  var FACE = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  var OTHER = {label: "Other", color: "#bab0ac", border: "#6f6763", shape: "dot"};
  var COMMUNITY = {color: "#eef1f5", border: "#5b6575"};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function classLabel(type) { return (classes[type] || {label: type || "Other"}).label; }
  function fmt(x, places) { return Number(x).toFixed(places); }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function short(s) {
    s = String(s).replace(/\s+/g, " ").trim();
    return s.length <= data.label_max_chars ? s : s.slice(0, data.label_max_chars - 1).trim() + "\u2026";
  }
  function docText(d) {
    var doc = data.docs[d];
    if (!doc) { return "unknown article"; }
    return doc[1] ? doc[0] + " \u2014 " + doc[1] : doc[0];
  }
  function attrValues(e, prop) {
    return e.attrs.filter(function (a) { return a[3] === prop; }).map(function (a) { return a[1]; });
  }
  /* "Tariff · in force · 25% · effective 2020-01-01 · ends 2021-06-30"; "Official · Trade Minister" */
  function kindLine(e) {
    var parts = [classLabel(e.type)].concat(attrValues(e, "title"), attrValues(e, "status"), attrValues(e, "rate"));
    attrValues(e, "effectiveDate").forEach(function (d) { parts.push("effective " + d); });
    attrValues(e, "endDate").forEach(function (d) { parts.push("ends " + d); });
    if (e.status === "") { parts.push("no status stated"); }
    return parts.join(" \u00b7 ");
  }

  /* ---------------------------------------------------------------- swatches */
  function swatch(type, px) {
    var c = classes[type] || OTHER;
    var cv = el("canvas", "kg-swatch");
    var ratio = window.devicePixelRatio || 1;
    cv.width = px * ratio; cv.height = px * ratio;
    cv.style.width = px + "px"; cv.style.height = px + "px";
    var g = cv.getContext("2d");
    g.scale(ratio, ratio);
    var m = px / 2, r = px / 2 - 1.5, i, a;
    g.beginPath();
    switch (c.shape) {
      case "square": g.rect(m - r * 0.85, m - r * 0.85, r * 1.7, r * 1.7); break;
      case "diamond": g.moveTo(m, m - r); g.lineTo(m + r, m); g.lineTo(m, m + r); g.lineTo(m - r, m); g.closePath(); break;
      case "triangle": g.moveTo(m, m - r); g.lineTo(m + r, m + r * 0.8); g.lineTo(m - r, m + r * 0.8); g.closePath(); break;
      case "triangleDown": g.moveTo(m, m + r); g.lineTo(m + r, m - r * 0.8); g.lineTo(m - r, m - r * 0.8); g.closePath(); break;
      case "hexagon":
        for (i = 0; i < 6; i++) { a = Math.PI / 3 * i; g[i ? "lineTo" : "moveTo"](m + r * Math.cos(a), m + r * Math.sin(a)); }
        g.closePath(); break;
      case "star":
        for (i = 0; i < 10; i++) {
          a = -Math.PI / 2 + Math.PI / 5 * i;
          var rr = i % 2 ? r * 0.45 : r;
          g[i ? "lineTo" : "moveTo"](m + rr * Math.cos(a), m + rr * Math.sin(a));
        }
        g.closePath(); break;
      default: g.arc(m, m, r, 0, 2 * Math.PI);
    }
    g.fillStyle = c.color; g.fill();
    g.lineWidth = 1.2; g.strokeStyle = c.border; g.stroke();
    return cv;
  }

  /* ---------------------------------------------------------------- what is drawn */
  var nodeDef = {}, groupOf = new Int32Array(N).fill(-1), incident = info.map(function () { return []; });
  data.nodes.forEach(function (n) { nodeDef[n.id] = n; });
  groups.forEach(function (g, k) {
    g.open = false;
    g.members.forEach(function (i) { groupOf[i] = k; });
  });
  data.edges.forEach(function (e) {
    incident[e.from].push(e);
    if (e.to !== e.from) { incident[e.to].push(e); }
  });
  function isGroup(id) { return typeof id === "number" && id >= N; }
  function groupLabel(g) { return short(info[g.members[0]].label) + " +" + (g.members.length - 1); }

  var classOn = {}, statusOn = {};
  data.classes.forEach(function (c) { classOn[c.name] = true; });
  data.statuses.forEach(function (s) { statusOn[s.name] = true; });
  function visible(i) {
    var e = info[i];
    return classOn[e.type] !== false && (e.status === undefined || statusOn[e.status] !== false);
  }
  function groupVisible(g) { return g.members.some(visible); }

  function entityNode(i) {
    var d = nodeDef[i], c = classes[info[i].type] || OTHER;
    return {id: i, x: d.x, y: d.y, size: d.size, shape: c.shape, hidden: !visible(i),
            color: {background: c.color, border: c.border, highlight: {background: c.color, border: "#000000"},
                    hover: {background: c.color, border: "#000000"}}};
  }
  function groupNode(g) {
    return {id: g.id, x: g.x, y: g.y, size: g.size, shape: "dot", borderWidth: 4, hidden: !groupVisible(g),
            color: {background: COMMUNITY.color, border: COMMUNITY.border,
                    highlight: {background: COMMUNITY.color, border: "#000000"},
                    hover: {background: COMMUNITY.color, border: "#000000"}}};
  }
  /* a node stands for itself, or for its closed community */
  function rep(i) { var k = groupOf[i]; return k >= 0 && !groups[k].open ? groups[k].id : i; }

  function wanted() {
    var ns = new Map(), es = new Map(), links = {};
    data.nodes.forEach(function (n) { var k = groupOf[n.id]; if (k < 0 || groups[k].open) { ns.set(n.id, null); } });
    groups.forEach(function (g) { if (!g.open) { ns.set(g.id, g); } });
    data.edges.forEach(function (e) {
      var a = rep(e.from), b = rep(e.to);
      if (a === e.from && b === e.to) { es.set(e.id, e); return; }
      if (a === b) { return; }
      var key = "c" + Math.min(a, b) + "-" + Math.max(a, b);
      if (!links[key]) { links[key] = {id: key, from: Math.min(a, b), to: Math.max(a, b), n: 0, arrows: {to: {enabled: false}}, dashes: true}; }
      links[key].n++;
    });
    Object.keys(links).forEach(function (key) {
      var l = links[key];
      l.width = Math.min(1.5 + Math.log2(l.n), 7);
      es.set(key, l);
    });
    return {nodes: ns, edges: es};
  }
  function makeNode(id, g) { return g ? groupNode(g) : entityNode(id); }

  var want = wanted();
  var nodes = new vis.DataSet(Array.from(want.nodes, function (kv) { return makeNode(kv[0], kv[1]); }));
  var edges = new vis.DataSet(Array.from(want.edges.values()));
  var container = document.getElementById("kg-network");
  var view = window.kgView = {ready: false, data: data, nodes: nodes, edges: edges, labels: [], boxes: []};
  var t0 = performance.now();
  var network = view.network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  network.once("afterDrawing", function () {
    view.ready = true;
    view.drawMs = performance.now() - t0;          // building the network and drawing it once
    view.readyAt = performance.now();              // since navigation start
    document.body.setAttribute("data-ready", "1");
  });

  /* bring the drawing to what the open communities ask for, changing only what differs */
  var present = {nodes: new Set(want.nodes.keys()), edges: new Set(want.edges.keys())};
  function sync() {
    var started = performance.now();
    want = wanted();
    var goneN = [], goneE = [], newN = [], newE = [];
    present.nodes.forEach(function (id) { if (!want.nodes.has(id)) { goneN.push(id); } });
    present.edges.forEach(function (id) { if (!want.edges.has(id)) { goneE.push(id); } });
    want.nodes.forEach(function (g, id) { if (!present.nodes.has(id)) { newN.push(makeNode(id, g)); } });
    want.edges.forEach(function (e, id) { if (!present.edges.has(id)) { newE.push(e); } });
    /* each change makes vis-network walk all it holds: as few changes as can be */
    if (goneE.length) { edges.remove(goneE); }
    if (goneN.length) { nodes.remove(goneN); }
    if (newN.length) { nodes.add(newN); }
    if (newE.length) { edges.add(newE); }
    present = {nodes: new Set(want.nodes.keys()), edges: new Set(want.edges.keys())};
    labelOrder();
    view.syncMs = performance.now() - started;
  }
  function applyFilter() {
    var changes = [];
    nodes.forEach(function (n) {
      var hide = isGroup(n.id) ? !groupVisible(groups[n.id - N]) : !visible(n.id);
      if (!!n.hidden !== hide) { changes.push({id: n.id, hidden: hide}); }
    });
    nodes.update(changes);
  }
  function openGroup(k) { if (!groups[k].open) { groups[k].open = true; sync(); } }
  function closeGroup(k) { if (groups[k].open) { groups[k].open = false; sync(); } }
  function fitGroup(k) { network.fit({nodes: groups[k].members, animation: {duration: 350}}); }
  view.openGroup = openGroup;
  view.closeGroup = closeGroup;

  /* ---------------------------------------------------------------- labels where they fit */
  var order = [], meter = document.createElement("canvas").getContext("2d"), widths = {};
  function labelOrder() {
    var seen = {};
    order = [];
    data.order.forEach(function (i) {
      var id = rep(i);
      if (nodeDef[i] !== undefined && !seen[id]) { seen[id] = true; order.push(id); }
    });
  }
  labelOrder();
  function labelText(id) { return isGroup(id) ? groupLabel(groups[id - N]) : short(info[id].label); }
  function labelWidth(id) {
    if (widths[id] === undefined) {
      meter.font = (isGroup(id) ? "600 " : "") + LABEL_PX + "px " + FACE;
      widths[id] = meter.measureText(labelText(id)).width;
    }
    return widths[id];
  }
  network.on("afterDrawing", function (ctx) {
    var started = performance.now();
    var scale = network.getScale(), body = network.body.nodes;
    var w = container.clientWidth, h = container.clientHeight;
    var tl = network.DOMtoCanvas({x: 0, y: 0}), br = network.DOMtoCanvas({x: w, y: h});
    var cell = 64, grid = {}, shown = [], boxes = [];
    var first = network.getSelectedNodes();
    var queue = first.concat(order);
    function clash(b) {
      for (var cx = Math.floor(b[0] / cell); cx <= Math.floor(b[2] / cell); cx++) {
        for (var cy = Math.floor(b[1] / cell); cy <= Math.floor(b[3] / cell); cy++) {
          var list = grid[cx + ":" + cy] || [];
          for (var j = 0; j < list.length; j++) {
            var o = list[j];
            if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) { return true; }
          }
        }
      }
      return false;
    }
    function keep(b) {
      for (var cx = Math.floor(b[0] / cell); cx <= Math.floor(b[2] / cell); cx++) {
        for (var cy = Math.floor(b[1] / cell); cy <= Math.floor(b[3] / cell); cy++) {
          (grid[cx + ":" + cy] = grid[cx + ":" + cy] || []).push(b);
        }
      }
    }
    ctx.save();
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.lineJoin = "round"; ctx.strokeStyle = "#ffffff"; ctx.fillStyle = "#1d2430";
    ctx.lineWidth = 4 / scale;
    for (var k = 0; k < queue.length && shown.length < MAX_LABELS; k++) {
      var id = queue[k], n = body[id];
      if (!n || n.options.hidden || (k >= first.length && first.indexOf(id) >= 0)) { continue; }
      if (n.x < tl.x || n.x > br.x || n.y < tl.y || n.y > br.y) { continue; }
      var lw = labelWidth(id), sx = (n.x - tl.x) * scale, sy = (n.y - tl.y) * scale + n.options.size * scale + 2;
      var b = [sx - lw / 2 - 2, sy, sx + lw / 2 + 2, sy + LABEL_PX + 3];
      if (clash(b)) { continue; }
      keep(b); shown.push(id); boxes.push(b);
      ctx.font = (isGroup(id) ? "600 " : "") + (LABEL_PX / scale) + "px " + FACE;
      var y = n.y + n.options.size + 2 / scale, text = labelText(id);
      ctx.strokeText(text, n.x, y);
      ctx.fillText(text, n.x, y);
    }
    ctx.restore();
    view.labels = shown;
    view.boxes = boxes;
    view.labelMs = performance.now() - started;
  });

  /* ---------------------------------------------------------------- tooltips */
  function listText(items, max) {
    var shown = items.slice(0, max).join("; ");
    return items.length > max ? shown + " \u2026 and " + (items.length - max) + " more" : shown;
  }
  function nodeTooltip(i) {
    var e = info[i], box = el("div", "kg-tip");
    add(box, el("div", "kg-tip-name", e.label), el("div", "kg-tip-type", kindLine(e)));
    if (e.aliases.length) { add(box, el("div", null, "Also: " + listText(e.aliases, 6))); }
    if (e.docs.length) {
      add(box, el("div", null, (e.docs.length === 1 ? "Article: " : "Articles: ") + listText(e.docs.map(docText), 3)));
    }
    add(box, el("div", "kg-tip-metrics", "PageRank " + fmt(e.pr, 4) + " \u00b7 " + plural(e.deg, "link", "links") +
      " \u00b7 community " + e.com));
    add(box, el("div", "kg-tip-hint", "Click for the supporting sentences"));
    return box;
  }
  function groupTooltip(g) {
    var box = el("div", "kg-tip");
    add(box, el("div", "kg-tip-name", "Community " + g.com + ": " + plural(g.members.length, "entity", "entities")));
    add(box, el("div", null, "Most central: " + listText(g.members.slice(0, 5).map(function (i) { return info[i].label; }), 5)));
    add(box, el("div", "kg-tip-hint", "Click to open it"));
    return box;
  }
  function edgeTooltip(id) {
    var box = el("div", "kg-tip");
    if (typeof id === "string") {
      var l = edges.get(id);
      add(box, el("div", "kg-tip-name", plural(l.n, "link", "links") + " to a community"), el("div", "kg-tip-hint", "Click to list them"));
      return box;
    }
    var edge = data.edges[id], n = 0;
    add(box, el("div", "kg-tip-name", info[edge.from].label + " \u2192 " + info[edge.to].label));
    add(box, el("div", "kg-tip-type", edge.label));
    data.facts[id].forEach(function (f) { n += f[2].length; });
    add(box, el("div", "kg-tip-hint", plural(n, "supporting sentence", "supporting sentences") + " \u00b7 click to read"));
    return box;
  }
  /* one tooltip element, filled when the pointer rests on something: nothing is built ahead */
  var tip = el("div", "vis-tooltip kg-tooltip");
  container.appendChild(tip);
  var tipTimer = null;
  function showTip(content, pointer) {
    clearTimeout(tipTimer);
    tipTimer = setTimeout(function () {
      while (tip.firstChild) { tip.removeChild(tip.firstChild); }
      tip.appendChild(content);
      tip.style.left = Math.min(pointer.x + 12, container.clientWidth - 370) + "px";
      tip.style.top = (pointer.y + 12) + "px";
      tip.style.visibility = "visible";
    }, data.options.interaction.tooltipDelay);
  }
  function hideTip() { clearTimeout(tipTimer); tip.style.visibility = "hidden"; }
  network.on("hoverNode", function (p) {
    showTip(isGroup(p.node) ? groupTooltip(groups[p.node - N]) : nodeTooltip(p.node), p.pointer.DOM);
  });
  network.on("hoverEdge", function (p) { showTip(edgeTooltip(p.edge), p.pointer.DOM); });
  ["blurNode", "blurEdge", "dragStart", "zoom", "click"].forEach(function (ev) { network.on(ev, hideTip); });

  /* ---------------------------------------------------------------- details */
  var details = document.getElementById("kg-details");
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function entityLink(i) { return button(info[i].label, "kg-link", function () { select(i); }); }
  function evidenceList(sentenceIds) {
    var ul = el("ul", "kg-evidence");
    if (!sentenceIds.length) {
      add(ul, el("li", "kg-none", "No supporting sentence recorded."));
      return ul;
    }
    /* the same sentence read in several articles is quoted once, with all of them */
    var seen = [], docsOf = {};
    sentenceIds.forEach(function (s) {
      var sent = data.sentences[s];
      if (!Object.prototype.hasOwnProperty.call(docsOf, sent[1])) { docsOf[sent[1]] = []; seen.push(sent[1]); }
      docsOf[sent[1]].push(sent[0]);
    });
    seen.slice(0, MAX_SENTENCES).forEach(function (text) {
      var docs = docsOf[text], li = el("li");
      var where = docs.length === 1 ? docText(docs[0]) :
        docs.slice(0, 3).map(function (d) { return data.docs[d] ? data.docs[d][0] : "?"; }).join(", ") +
        (docs.length > 3 ? " and " + (docs.length - 3) + " more articles" : "");
      add(li, el("q", "kg-sentence", text), el("cite", "kg-source", where));
      add(ul, li);
    });
    if (seen.length > MAX_SENTENCES) { add(ul, el("li", "kg-none", (seen.length - MAX_SENTENCES) + " more sentences")); }
    return ul;
  }
  function row(dl, term, value) {
    add(dl, el("dt", null, term));
    add(dl, add(el("dd"), value));
  }

  function showNode(i) {
    var e = info[i];
    clear(details);
    add(details, add(el("h2", "kg-title"), swatch(e.type, 16), " ", el("span", null, e.label)));
    add(details, el("p", "kg-type", kindLine(e)));
    if (nodeDef[i] === undefined) {
      add(details, el("p", "kg-note", "Not in the drawing: no fact links it to another entity."));
    }
    var dl = el("dl", "kg-metrics");
    if (e.aliases.length) { row(dl, "Also", e.aliases.join("; ")); }
    row(dl, "PageRank", fmt(e.pr, 6));
    row(dl, "Links", String(e.deg));
    row(dl, "Betweenness", fmt(e.btw, 6));
    var k = groupOf[i], com = el("span", null, nodeDef[i] === undefined ? "none (no links)" : String(e.com));
    if (k >= 0 && groups[k].open) {
      add(com, " ", button("close community", "kg-link", function () { closeGroup(k); showGroup(k); }));
    }
    row(dl, "Community", com);
    row(dl, "IRI", el("code", null, e.iri));
    add(details, dl);

    /* its own facts (attributes, then "property → object"), then the facts of others about it */
    var own = el("section", "kg-facts"), about = el("section", "kg-facts");
    var nOwn = 0, nAbout = 0;
    e.attrs.forEach(function (a) {
      add(own, add(el("div", "kg-fact"), el("div", "kg-fact-head", a[0] + ": " + a[1]), evidenceList(a[2])));
      nOwn++;
    });
    incident[i].slice(0, MAX_FACTS).forEach(function (edge) {
      data.facts[edge.id].forEach(function (f) {
        var item = el("div", "kg-fact"), head = el("div", "kg-fact-head");
        if (edge.from === i) {
          add(head, f[0] + " \u2192 ", entityLink(edge.to));
          add(own, item); nOwn++;
        } else {
          add(head, entityLink(edge.from), el("span", "kg-via", " \u00b7 " + f[0]));
          add(about, item); nAbout++;
        }
        add(item, head, evidenceList(f[2]));
      });
    });
    if (!nOwn && !nAbout) { add(details, el("h3", null, "No facts link this entity")); }
    if (nOwn) { add(details, el("h3", null, "Facts and their sentences"), own); }
    if (nAbout) { add(details, el("h3", null, "Linked from"), about); }
    if (incident[i].length > MAX_FACTS) {
      add(details, el("p", "kg-none", "Showing " + MAX_FACTS + " of " + incident[i].length + " links."));
    }
    if (e.docs.length) {
      add(details, el("h3", null, "Mentioned in " + plural(e.docs.length, "article", "articles")));
      var ul = el("ul", "kg-docs");
      e.docs.slice(0, 50).forEach(function (d) { add(ul, el("li", null, docText(d))); });
      add(details, ul);
    }
  }

  function showGroup(k, opening) {
    var g = groups[k];
    clear(details);
    add(details, el("h2", "kg-title", "Community " + g.com));
    add(details, el("p", "kg-type", plural(g.members.length, "entity", "entities") + ", by PageRank"));
    add(details, button(g.open || opening ? "Close it into one node" : "Open it", "kg-fit", function () {
      if (g.open) { closeGroup(k); } else { openGroup(k); fitGroup(k); }
      showGroup(k);
    }));
    var ol = el("ol", "kg-top");
    g.members.slice(0, 50).forEach(function (i) { add(ol, add(el("li"), entityLink(i))); });
    add(details, ol);
    if (g.members.length > 50) { add(details, el("p", "kg-none", (g.members.length - 50) + " more")); }
  }

  function showLinks(id) {
    var l = edges.get(id);
    if (!l) { return; }
    clear(details);
    add(details, el("h2", "kg-title", plural(l.n, "link", "links")));
    var ends = [l.from, l.to];
    var listed = 0;
    data.edges.forEach(function (e) {
      var a = rep(e.from), b = rep(e.to);
      if (listed >= MAX_FACTS || a === b || ends.indexOf(a) < 0 || ends.indexOf(b) < 0) { return; }
      listed++;
      add(details, add(el("div", "kg-fact"), add(el("div", "kg-fact-head"), entityLink(e.from), " \u2192 ", entityLink(e.to)),
        el("div", "kg-via", e.label)));
    });
  }

  function showEdge(id) {
    var edge = data.edges[id];
    clear(details);
    add(details, add(el("h2", "kg-title"), entityLink(edge.from), " \u2192 ", entityLink(edge.to)));
    data.facts[id].forEach(function (f) {
      add(details, add(el("div", "kg-fact"), el("div", "kg-fact-head", f[0] + " (kg:" + f[1] + ")"), evidenceList(f[2])));
    });
  }

  function showOverview() {
    clear(details);
    add(details, el("h2", null, "Evidence"));
    add(details, el("p", "kg-hint", "Hover over a node for a summary; click a node or an edge for the sentences that support it."));
    add(details, el("h3", null, "Most central by PageRank"));
    var ol = el("ol", "kg-top");
    data.order.slice(0, 10).forEach(function (i) {
      add(ol, add(el("li"), entityLink(i), el("span", "kg-num", " " + fmt(info[i].pr, 4))));
    });
    add(details, ol);
    if (groups.length) {
      add(details, el("h3", null, "Largest communities"));
      var ul = el("ol", "kg-top");
      groups.slice(0, 10).forEach(function (g, k) {
        add(ul, add(el("li"), button(groupLabel(g), "kg-link", function () { openGroup(k); showGroup(k); fitGroup(k); }),
          el("span", "kg-num", " " + g.members.length)));
      });
      add(details, ul);
    }
  }

  /* the evidence is painted first; the drawing (opening a community, focusing) follows */
  function afterPaint(fn) { requestAnimationFrame(function () { setTimeout(fn, 0); }); }
  function select(i) {
    showNode(i);
    if (nodeDef[i] === undefined) { network.unselectAll(); return; }
    afterPaint(function () {
      if (groupOf[i] >= 0) { openGroup(groupOf[i]); }
      if (!visible(i)) {
        setClass(info[i].type, true);
        if (info[i].status !== undefined) { setStatus(info[i].status, true); }
      }
      network.selectNodes([i]);
      network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: {duration: 350}});
    });
  }
  view.select = select;

  network.on("click", function (p) {
    if (p.nodes.length) {
      var id = p.nodes[0];
      if (isGroup(id)) {
        showGroup(id - N, true);
        afterPaint(function () { openGroup(id - N); showGroup(id - N); fitGroup(id - N); });
      } else { showNode(id); }
    } else if (p.edges.length) {
      if (typeof p.edges[0] === "string") { showLinks(p.edges[0]); } else { showEdge(p.edges[0]); }
    } else { showOverview(); }
  });

  /* ---------------------------------------------------------------- filters: class and policy status */
  var classBoxes = {}, statusBoxes = {};
  function checkbox(attr, name, boxesOf, onChange) {
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute(attr, name);
    box.addEventListener("change", function () { onChange(name, box.checked); });
    boxesOf[name] = box;
    return box;
  }
  function setClass(type, on) {
    classOn[type] = on;
    if (classBoxes[type]) { classBoxes[type].checked = on; }
    applyFilter();
  }
  function setStatus(name, on) {
    statusOn[name] = on;
    if (statusBoxes[name]) { statusBoxes[name].checked = on; }
    applyFilter();
  }
  var legend = document.getElementById("kg-legend");
  data.classes.forEach(function (c) {
    add(legend, add(el("label", "kg-class"), checkbox("data-class", c.name, classBoxes, setClass), swatch(c.name, 14),
      el("span", "kg-class-name", c.label), el("span", "kg-count", c.count)));
  });
  var statusList = document.getElementById("kg-status");
  document.getElementById("kg-status-box").hidden = !data.statuses.length;
  data.statuses.forEach(function (s) {
    var dot = el("span", "kg-status-dot");
    dot.style.background = s.color;
    add(statusList, add(el("label", "kg-class"), checkbox("data-status", s.name, statusBoxes, setStatus), dot,
      el("span", "kg-class-name", s.label), el("span", "kg-count", s.count)));
  });
  document.getElementById("kg-collapsed-hint").hidden = !groups.length;

  /* ---------------------------------------------------------------- search */
  var search = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  var resultsBox = document.getElementById("kg-results-box");
  var haystack = info.map(function (e) { return [e.label].concat(e.aliases).join("\n").toLowerCase(); });
  var names = info.map(function (e) { return e.label.toLowerCase(); });
  function matches(q) {
    var out = [];
    q = q.trim().toLowerCase();
    if (!q) { return out; }
    for (var i = 0; i < N; i++) {
      var at = haystack[i].indexOf(q);
      if (at >= 0) { out.push([names[i].indexOf(q) === 0 ? 0 : at === 0 ? 1 : 2, -info[i].pr, i]); }
    }
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return out.map(function (m) { return m[2]; });
  }
  search.addEventListener("input", function () {
    var found = matches(search.value);
    clear(results);
    resultsBox.hidden = !search.value.trim();
    if (search.value.trim() && !found.length) { add(results, el("li", "kg-none", "No match")); }
    found.slice(0, 25).forEach(function (i) {
      add(results, add(el("li"), entityLink(i), el("span", "kg-num", " " + classLabel(info[i].type) +
        (nodeDef[i] === undefined ? ", not drawn" : ""))));
    });
    if (found.length > 25) { add(results, el("li", "kg-none", (found.length - 25) + " more")); }
    view.searched = search.value;
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = matches(search.value);
      if (found.length) { select(found[0]); }
    }
  });

  var s = data.summary;
  add(document.getElementById("kg-summary"),
    plural(s.entities, "entity", "entities") +
    (s.isolated ? " (" + s.drawn + " drawn; " + s.isolated + " without links left out, search finds them)" : "") +
    " \u00b7 " + plural(s.facts, "fact", "facts") + " \u00b7 " + plural(s.articles, "article", "articles") +
    " \u00b7 " + plural(s.communities, "community", "communities"));
  document.getElementById("kg-header").appendChild(button("Fit", "kg-fit", function () { network.fit({animation: false}); }));
  showOverview();
}());
