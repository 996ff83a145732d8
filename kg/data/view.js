/* kg page script: draws the pyvis/vis-network data of #kg-data and wires the panels.
 *
 * Every string from the articles (names, titles, sentences) is untrusted: it is
 * only ever put in the page with textContent or as a text node, and tooltips
 * are DOM elements built the same way: no string is ever parsed as HTML.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = data.info;
  var classes = {};
  data.classes.forEach(function (c) { classes[c.name] = c; });
  var MAX_FACTS = 60, MAX_SENTENCES = 8;

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
  function classLabel(type) { return (classes[type] || {label: type || "Other"}).label; }
  function fmt(x, places) { return Number(x).toFixed(places); }
  function docText(d) {
    var doc = data.docs[d];
    if (!doc) { return "unknown article"; }
    return doc[1] ? doc[0] + " \u2014 " + doc[1] : doc[0];
  }

  /* ---------------------------------------------------------------- swatches */
  function swatch(type, px) {
    var c = classes[type] || {color: "#bab0ac", border: "#6f6763", shape: "dot"};
    var cv = el("canvas", "kg-swatch");
    var ratio = window.devicePixelRatio || 1;
    cv.width = px * ratio; cv.height = px * ratio;
    cv.style.width = px + "px"; cv.style.height = px + "px";
    var g = cv.getContext("2d");
    g.scale(ratio, ratio);
    var m = px / 2, r = px / 2 - 1.5;
    g.beginPath();
    var i, a;
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

  /* ---------------------------------------------------------------- tooltips */
  function listText(items, max) {
    var shown = items.slice(0, max).join("; ");
    return items.length > max ? shown + " \u2026 and " + (items.length - max) + " more" : shown;
  }
  function nodeTooltip(i) {
    var e = info[i];
    var box = el("div", "kg-tip");
    add(box, el("div", "kg-tip-name", e.label));
    var type = classLabel(e.type);
    var titles = e.attrs.filter(function (a) { return a[0] === "title"; }).map(function (a) { return a[1]; });
    add(box, el("div", "kg-tip-type", titles.length ? type + " \u00b7 " + titles.join(", ") : type));
    if (e.aliases.length) { add(box, el("div", null, "Also: " + listText(e.aliases, 6))); }
    if (e.docs.length) {
      add(box, el("div", null, (e.docs.length === 1 ? "Article: " : "Articles: ") +
        listText(e.docs.map(docText), 3)));
    }
    add(box, el("div", "kg-tip-metrics", "PageRank " + fmt(e.pr, 4) + " \u00b7 " + e.deg +
      (e.deg === 1 ? " link" : " links") + " \u00b7 community " + e.com));
    add(box, el("div", "kg-tip-hint", "Click for the supporting sentences"));
    return box;
  }
  function edgeTooltip(edge) {
    var box = el("div", "kg-tip");
    add(box, el("div", "kg-tip-name", info[edge.from].label + " \u2192 " + info[edge.to].label));
    add(box, el("div", "kg-tip-type", edge.label));
    var n = 0;
    data.facts[edge.id].forEach(function (f) { n += f[2].length; });
    add(box, el("div", "kg-tip-hint", n + (n === 1 ? " supporting sentence" : " supporting sentences") +
      " \u00b7 click to read"));
    return box;
  }

  /* ---------------------------------------------------------------- network */
  var incident = info.map(function () { return []; });
  data.edges.forEach(function (e) {
    incident[e.from].push(e);
    if (e.to !== e.from) { incident[e.to].push(e); }
  });
  data.nodes.forEach(function (n) { n.title = nodeTooltip(n.id); });
  data.edges.forEach(function (e) { e.title = edgeTooltip(e); });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  var view = window.kgView = {ready: false, data: data, nodes: nodes, edges: edges};
  var t0 = performance.now();
  var network = view.network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  network.once("afterDrawing", function () {
    view.ready = true;
    view.drawMs = performance.now() - t0;          // building the network and drawing it once
    view.readyAt = performance.now();              // since navigation start
    document.body.setAttribute("data-ready", "1");
    hubLabels();
  });

  /* In a big graph the fitted view is far out and labels vanish; the most
   * central entities (data.hubs) keep a label of readable size at any zoom. */
  var hubFont = 0;
  function hubLabels() {
    if (!data.hubs.length) { return; }
    /* 15 px on screen, never under the normal 20; in steps of 10% so that zooming redraws rarely */
    var want = Math.max(20, 15 / network.getScale());
    var size = Math.round(20 * Math.pow(1.1, Math.round(Math.log(want / 20) / Math.log(1.1))));
    if (size === hubFont) { return; }
    hubFont = size;
    nodes.update(data.hubs.map(function (id) {
      return {id: id, font: {size: size, strokeWidth: Math.round(size / 4)}};
    }));
  }
  network.on("afterDrawing", hubLabels);       // after any zoom: wheel, focus, fit

  /* ---------------------------------------------------------------- details */
  var details = document.getElementById("kg-details");
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function entityLink(i) {
    var b = el("button", "kg-link", info[i].label);
    b.type = "button";
    b.addEventListener("click", function () { select(i); });
    return b;
  }
  function evidenceList(sentenceIds) {
    var ul = el("ul", "kg-evidence");
    if (!sentenceIds.length) {
      add(ul, el("li", "kg-none", "No supporting sentence recorded."));
      return ul;
    }
    /* the same sentence read in several articles is quoted once, with all of them */
    var order = [], docsOf = {};
    sentenceIds.forEach(function (s) {
      var sent = data.sentences[s];
      if (!Object.prototype.hasOwnProperty.call(docsOf, sent[1])) { docsOf[sent[1]] = []; order.push(sent[1]); }
      docsOf[sent[1]].push(sent[0]);
    });
    order.slice(0, MAX_SENTENCES).forEach(function (text) {
      var docs = docsOf[text], li = el("li");
      var where = docs.length === 1 ? docText(docs[0]) :
        docs.slice(0, 3).map(function (d) { return data.docs[d] ? data.docs[d][0] : "?"; }).join(", ") +
        (docs.length > 3 ? " and " + (docs.length - 3) + " more articles" : "");
      add(li, el("q", "kg-sentence", text), el("cite", "kg-source", where));
      add(ul, li);
    });
    if (order.length > MAX_SENTENCES) {
      add(ul, el("li", "kg-none", (order.length - MAX_SENTENCES) + " more sentences"));
    }
    return ul;
  }
  function row(dl, term, value) {
    add(dl, el("dt", null, term));
    var dd = el("dd");
    add(dd, typeof value === "string" ? document.createTextNode(value) : value);
    add(dl, dd);
  }

  function showNode(i) {
    var e = info[i];
    clear(details);
    var head = el("h2", "kg-title");
    add(head, swatch(e.type, 16), " ", el("span", null, e.label));
    add(details, head);
    var titles = e.attrs.filter(function (a) { return a[0] === "title"; }).map(function (a) { return a[1]; });
    add(details, el("p", "kg-type", classLabel(e.type) + (titles.length ? " \u00b7 " + titles.join(", ") : "")));
    var dl = el("dl", "kg-metrics");
    if (e.aliases.length) { row(dl, "Also", e.aliases.join("; ")); }
    row(dl, "PageRank", fmt(e.pr, 6));
    row(dl, "Links", String(e.deg));
    row(dl, "Betweenness", fmt(e.btw, 6));
    row(dl, "Community", String(e.com));
    row(dl, "IRI", el("code", null, e.iri));
    add(details, dl);

    /* its own facts (attributes, then "property → object"), then the facts of others about it */
    var own = el("section", "kg-facts"), about = el("section", "kg-facts");
    var nOwn = 0, nAbout = 0;
    e.attrs.forEach(function (a) {
      var item = el("div", "kg-fact");
      add(item, el("div", "kg-fact-head", a[0] + ": " + a[1]), evidenceList(a[2]));
      add(own, item); nOwn++;
    });
    incident[i].slice(0, MAX_FACTS).forEach(function (edge) {
      data.facts[edge.id].forEach(function (f) {
        var item = el("div", "kg-fact");
        var head = el("div", "kg-fact-head");
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
      add(details, el("h3", null, e.docs.length === 1 ? "Mentioned in 1 article" : "Mentioned in " + e.docs.length + " articles"));
      var ul = el("ul", "kg-docs");
      e.docs.slice(0, 50).forEach(function (d) { add(ul, el("li", null, docText(d))); });
      add(details, ul);
    }
  }

  function showEdge(id) {
    var edge = edges.get(id);
    if (!edge) { return; }
    clear(details);
    var head = el("h2", "kg-title");
    add(head, entityLink(edge.from), " \u2192 ", entityLink(edge.to));
    add(details, head);
    data.facts[id].forEach(function (f) {
      var item = el("div", "kg-fact");
      add(item, el("div", "kg-fact-head", f[0] + " (kg:" + f[1] + ")"), evidenceList(f[2]));
      add(details, item);
    });
  }

  function showOverview() {
    clear(details);
    add(details, el("h2", null, "Evidence"));
    add(details, el("p", "kg-hint", "Hover over a node for a summary; click a node or an edge for the sentences that support it."));
    add(details, el("h3", null, "Most central by PageRank"));
    var order = info.map(function (_, i) { return i; });
    order.sort(function (a, b) { return info[b].pr - info[a].pr || (info[a].label < info[b].label ? -1 : 1); });
    var ol = el("ol", "kg-top");
    order.slice(0, 10).forEach(function (i) {
      var li = el("li");
      add(li, entityLink(i), el("span", "kg-num", " " + fmt(info[i].pr, 4)));
      add(ol, li);
    });
    add(details, ol);
  }

  function select(i) {
    if (nodes.get(i) && nodes.get(i).hidden) { setClass(info[i].type, true); }
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: {duration: 350}});
    showNode(i);
  }

  network.on("click", function (p) {
    if (p.nodes.length) { showNode(p.nodes[0]); }
    else if (p.edges.length) { showEdge(p.edges[0]); }
    else { showOverview(); }
  });

  /* ---------------------------------------------------------------- legend and filter */
  var legend = document.getElementById("kg-legend");
  var boxes = {};
  var byType = {};
  info.forEach(function (e, i) { (byType[e.type] = byType[e.type] || []).push(i); });
  function setClass(type, visible) {
    if (boxes[type]) { boxes[type].checked = visible; }
    nodes.update((byType[type] || []).map(function (i) { return {id: i, hidden: !visible}; }));
  }
  data.classes.forEach(function (c) {
    var label = el("label", "kg-class");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-class", c.name);
    box.addEventListener("change", function () { setClass(c.name, box.checked); });
    boxes[c.name] = box;
    add(label, box, swatch(c.name, 14), el("span", "kg-class-name", c.label), el("span", "kg-count", c.count));
    add(legend, label);
  });

  /* ---------------------------------------------------------------- search */
  var search = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  var resultsBox = document.getElementById("kg-results-box");
  var haystack = info.map(function (e) { return [e.label].concat(e.aliases).join("\n").toLowerCase(); });
  function matches(q) {
    var out = [];
    q = q.trim().toLowerCase();
    if (!q) { return out; }
    info.forEach(function (e, i) {
      var at = haystack[i].indexOf(q);
      if (at >= 0) { out.push([e.label.toLowerCase().indexOf(q) === 0 ? 0 : at === 0 ? 1 : 2, -e.pr, i]); }
    });
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return out.map(function (m) { return m[2]; });
  }
  search.addEventListener("input", function () {
    var found = matches(search.value);
    clear(results);
    resultsBox.hidden = !search.value.trim();
    if (search.value.trim() && !found.length) { add(results, el("li", "kg-none", "No match")); }
    found.slice(0, 25).forEach(function (i) {
      var li = el("li");
      add(li, entityLink(i), el("span", "kg-num", " " + classLabel(info[i].type)));
      add(results, li);
    });
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = matches(search.value);
      if (found.length) { select(found[0]); }
    }
  });

  add(document.getElementById("kg-summary"),
    data.summary.entities + " entities \u00b7 " + data.summary.facts + " facts \u00b7 " +
    data.summary.articles + (data.summary.articles === 1 ? " article" : " articles") + " \u00b7 " +
    data.summary.communities + " communities");
  var fit = el("button", "kg-fit", "Fit");
  fit.type = "button";
  fit.addEventListener("click", function () { network.fit({animation: false}); });
  document.getElementById("kg-header").appendChild(fit);
  showOverview();
}());
