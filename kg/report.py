"""``report.md``: what was built and what the network analysis found, readable on its own.

The report is Markdown that reads as plain text too.  Names, titles and
sentences come from the articles, so every one of them is escaped
(:func:`md`): markup in a name shows as the characters it is made of.
It carries no timestamp: the same build gives the same bytes, figures included
(:mod:`kg.figures`). The sections on officials, countries, policies and the
timeline are in :mod:`kg.report_facts`; every long list is cut to its top rows.
"""
from __future__ import annotations

from rdflib import RDF, Graph, URIRef

from kg import analyze as an
from kg import figures
from kg import report_facts as rf
from kg.model import BuildStats
from kg.report_text import and_list, cap, md, num, plural, table
from kg.vocab import KG, KG_NS

__all__ = ["md", "render_report", "report_files"]

TOP = 10                 # entities in each ranking
MAX_COMMUNITIES = 15     # communities listed member by member
MAX_MEMBERS = 40         # members named per community
MAX_ARTICLES = 50
MAX_SKIPPED = 20         # skipped inputs listed one by one; above, grouped by reason

CLASS_NAMES = {
    "Official": "officials", "Person": "people", "Country": "countries", "Organization": "organizations",
    "Event": "events", "Commodity": "commodities", "Policy": "policies", "ExportControl": "export controls",
    "Tariff": "tariffs", "TradeAgreement": "trade agreements", "Sanction": "sanctions",
}
CLASS_ORDER = tuple(CLASS_NAMES)
CLASS_SINGULAR = {"ExportControl": "export control", "TradeAgreement": "trade agreement"}


def report_files(graph: Graph, analysis: an.Analysis, stats: BuildStats | None = None) -> dict[str, str]:
    """``report.md`` and its figures (SVG files to write beside it, linked from it), by file name."""
    return _render(graph, analysis, stats, with_figures=True)


def render_report(graph: Graph, analysis: an.Analysis, stats: BuildStats | None = None) -> str:
    """The Markdown report of a build (the same text as :func:`report_files`, without drawing the figures)."""
    return _render(graph, analysis, stats, with_figures=False)["report.md"]


def _render(graph: Graph, analysis: an.Analysis, stats: BuildStats | None, with_figures: bool) -> dict[str, str]:
    stats = stats or BuildStats()
    docs = an.documents(graph)
    name = {iri: md(e["label"]) for iri, e in analysis.entities.items()}
    facts = rf.Facts.read(graph, analysis, name)
    files: dict[str, str] = {}
    months, groups = rf.month_counts(facts), _community_rows(analysis)
    if with_figures:
        files[figures.MEASURES_FIGURE] = figures.measures_per_month(months)
        files[figures.COMMUNITIES_FIGURE] = figures.largest_communities(groups)
    # A figure is linked when it has something to show (it is written either way).
    linked = {"measures": figures.MEASURES_FIGURE if months else None,
              "communities": figures.COMMUNITIES_FIGURE if groups else None}
    lines = ["# Knowledge graph report", ""]
    lines += _summary(graph, analysis, stats, docs)
    lines += _centrality(analysis, name)
    lines += rf.officials(facts)
    lines += rf.countries(facts)
    lines += _communities(analysis, name, linked.get("communities"))
    lines += rf.policies(facts, docs)
    lines += rf.timeline(facts, docs, linked.get("measures"))
    lines += _articles(graph, analysis, stats, docs)
    while lines and lines[-1] == "":
        lines.pop()
    files["report.md"] = "\n".join(lines) + "\n"
    return files


def _community_rows(analysis: an.Analysis) -> list[tuple[str, dict[str, int]]]:
    """The communities of two or more, largest first, as (label, {kind: members}) for the figure."""
    rows = []
    for c, members in analysis.groups("community").items():
        if len(members) > 1:
            kinds: dict[str, int] = {}
            for m in members:
                kind = CLASS_NAMES.get(analysis.entities[m]["type"], analysis.entities[m]["type"])
                kinds[kind] = kinds.get(kind, 0) + 1
            rows.append((-len(members), c, f"{c}: around {analysis.entities[members[0]]['label']}", kinds))
    return [(label, kinds) for _, _, label, kinds in sorted(rows)]


# ---------------------------------------------------------------- sections

def _type_order(t: str) -> tuple:
    return (CLASS_ORDER.index(t) if t in CLASS_ORDER else len(CLASS_ORDER), t)


def _summary(graph: Graph, analysis: an.Analysis, stats: BuildStats, docs: dict) -> list[str]:
    ents = analysis.entities
    by_type: dict[str, int] = {}
    for e in ents.values():
        by_type[e["type"]] = by_type.get(e["type"], 0) + 1
    facts: dict[str, list[int]] = {}
    skip = set(an.ANALYSIS_PREDICATES) | an.NOT_RELATIONS
    index = an._index(graph)
    for iri in ents:
        for p, objs in index.get(URIRef(iri), {}).items():
            if p.startswith(KG_NS) and p not in skip:
                facts.setdefault(an.local_name(str(p)), [0, 0])[0] += len(objs)
    for st in graph.subjects(RDF.type, RDF.Statement):
        p = an._first(index.get(st, {}), RDF.predicate)
        if p is not None and an.local_name(str(p)) in facts:
            facts[an.local_name(str(p))][1] += 1
    n_articles = len(docs)
    out = ["## What was built", ""]
    line = (f"{plural(n_articles, 'article')} gave {plural(len(ents), 'entity', 'entities')} "
            f"and {plural(sum(f[0] for f in facts.values()), 'fact')}, "
            f"{analysis.facts} of them between two entities (the network analysed below; "
            f"the others give an official's title or a date)")
    if stats.skipped:
        line += f"; {plural(len(stats.skipped), 'file was', 'files were')} skipped (see Articles)"
    out += [line + ".", ""]
    if stats.model:
        out += [f"Language model: {md(stats.model)}.", ""]
    out += ["Entities by type:", ""]
    out += table(["type", "entities"],
                  [[t, str(by_type[t])] for t in sorted(by_type, key=_type_order)] + [["all", str(len(ents))]])
    out += ["Facts by property (a fact is one triple; its support is the sentences quoted for it):", ""]
    rows = [[f"kg:{p}", str(c[0]), str(c[1])] for p, c in sorted(facts.items()) if c[0] or c[1]]
    out += table(["property", "facts", "supporting sentences"], rows) if rows else ["No facts.", ""]
    return out


def _centrality(analysis: an.Analysis, name: dict) -> list[str]:
    ents = analysis.entities
    out = ["## Most central entities", ""]
    if not ents:
        return out + ["The graph has no entities.", ""]
    out += [
        "PageRank spreads importance along the facts: an entity ranks high when it is linked, "
        "by well-supported facts, to entities that are themselves well linked. It answers "
        "\"who or what is this news about?\". The values sum to 1 over the "
        f"{plural(len(ents), 'entity', 'entities')}, so the average is {num(1 / len(ents))}.",
        "",
    ]
    rows = []
    for i, iri in enumerate(analysis.ranked("pagerank", TOP), 1):
        e = ents[iri]
        rows.append([str(i), name[iri], e["type"], num(analysis.pagerank[iri]), str(analysis.degree[iri]),
                     str(analysis.strength.get(iri, 0)), str(analysis.community[iri])])
    out += table(["#", "entity", "type", "PageRank", "links", "support", "community"], rows)
    out += ["Links: distinct entities it shares a fact with. Support: the sentences behind those facts.", ""]
    top = analysis.ranked("pagerank", 1)[0]
    out += [f"At the top, {name[top]} ({ents[top]['type']}) is {_neighbours_sentence(analysis, top, name)}", ""]

    out += [
        "Betweenness counts how often an entity lies on the shortest path between two others: "
        "high values mark brokers that connect otherwise separate parts of the story (remove "
        "one and the graph falls apart or its paths grow longer). It is normalized to 0..1"
        + (" and exact." if analysis.betweenness_sample is None else
           f" and estimated from {analysis.betweenness_sample} sampled sources (seed {an.SEED}), "
           "as the graph is large."),
        "",
    ]
    brokers = [i for i in analysis.ranked("betweenness", TOP) if analysis.betweenness[i] > 0]
    if not brokers:
        return out + ["No entity lies between two others: every link is a dead end or a "
                      "direct pair, so there are no brokers.", ""]
    rows = []
    for i, iri in enumerate(brokers, 1):
        comms = sorted({analysis.community[n] for n in _neighbours(analysis, iri)} - {analysis.community[iri]})
        rows.append([str(i), name[iri], ents[iri]["type"], num(analysis.betweenness[iri]),
                     str(analysis.community[iri]), cap([str(c) for c in comms], 6).replace("—", "none")])
    out += table(["#", "entity", "type", "betweenness", "community", "also reaches communities"], rows)
    top = brokers[0]
    reach = sorted({analysis.community[n] for n in _neighbours(analysis, top)} - {analysis.community[top]})
    if reach:
        which = (f"{'community' if len(reach) == 1 else 'communities'} {and_list(reach)}" if len(reach) <= 6 else
                 f"{len(reach)} other communities ({', '.join(map(str, reach[:5]))} and {len(reach) - 5} more)")
        out += [f"The main broker, {name[top]}, ties community {analysis.community[top]} to {which}: "
                "stories about these groups meet through it.", ""]
    return out


def _neighbours(analysis: an.Analysis, iri: str) -> list[str]:
    return analysis.neighbours.get(iri, [])


def _neighbours_sentence(analysis: an.Analysis, iri: str, name: dict) -> str:
    near = _neighbours(analysis, iri)
    d = analysis.degree[iri]
    if not near:
        return "linked to no other entity by a fact."
    shown = ", ".join(name[n] for n in near[:6]) + (f" and {len(near) - 6} more" if len(near) > 6 else "")
    return (f"linked to {plural(d, 'entity', 'entities')} by facts with "
            f"{plural(analysis.strength.get(iri, 0), 'supporting sentence')}: {shown}.")


def _communities(analysis: an.Analysis, name: dict, figure: str | None = None) -> list[str]:
    groups = analysis.groups("community")
    comps = analysis.groups("component")
    out = ["## Communities", ""]
    if not groups:
        return out + ["No entities, so no communities.", ""]
    multi = {c: m for c, m in groups.items() if len(m) > 1}
    singles = [m[0] for c, m in groups.items() if len(m) == 1]
    linked = [m for m in comps.values() if len(m) > 1]          # isolated entities are no component here
    largest = max((len(m) for m in linked), default=0)
    out += [
        "Communities are groups of entities more densely linked to each other than to the rest "
        "(Louvain modularity optimisation on the support-weighted graph, seeded). They are numbered by size. "
        f"Modularity is {num(analysis.modularity, 3)} (above about 0.3 the split is clear-cut).",
        "",
        f"Leaving out the entities linked to no other, the graph has "
        f"{plural(len(linked), 'connected component')}"
        + (f"; the largest holds {plural(largest, 'entity', 'entities')}. " if linked else ". ")
        + f"{plural(len(multi), 'community has', 'communities have')} two or more members"
        + (f"; {plural(len(singles), 'entity stands', 'entities stand')} alone." if singles else "."),
        "",
    ]
    if figure:
        out += [f"![The largest communities, by kind of member]({figure})", ""]
    for c in list(multi)[:MAX_COMMUNITIES]:
        members = multi[c]
        kinds: dict[str, int] = {}
        for m in members:
            kinds[analysis.entities[m]["type"]] = kinds.get(analysis.entities[m]["type"], 0) + 1
        mix = ", ".join(f"{n} {CLASS_NAMES.get(t, t)}" if n > 1 else f"1 {CLASS_SINGULAR.get(t, t.lower())}"
                        for t, n in sorted(kinds.items(), key=lambda kv: (-kv[1], _type_order(kv[0]))))
        out += [f"### Community {c}: {plural(len(members), 'member')}, around {name[members[0]]}", "", mix + ".", ""]
        shown, rest = _named(analysis, members, name, with_rank=True)
        more = f"; and {rest} more" if rest else ""
        out += ["Members by PageRank: " + "; ".join(shown) + more + ".", ""]
    if len(multi) > MAX_COMMUNITIES:
        rest = list(multi)[MAX_COMMUNITIES:]
        out += [f"{plural(len(rest), 'smaller community', 'smaller communities')} "
                f"({sum(len(multi[c]) for c in rest)} entities) are listed in analysis.json.", ""]
    if singles:
        shown, rest = _named(analysis, singles, name, with_rank=False)
        more = f"; and {rest} more" if rest else ""
        out += ["Entities with no facts linking them to others (mentioned only): " + "; ".join(shown)
                + more + ".", ""]
    return out


def _named(analysis: an.Analysis, members: list[str], name: dict, with_rank: bool) -> tuple[list[str], int]:
    """Up to MAX_MEMBERS names, entities sharing a name and type folded into one "×n" entry.

    Returns the entries and how many entities were left out.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for m in members:
        groups.setdefault((name[m], analysis.entities[m]["type"]), []).append(m)
    entries, used = [], 0
    for (label, type_), same in list(groups.items())[:MAX_MEMBERS]:
        used += len(same)
        count = f" ×{len(same)}" if len(same) > 1 else ""
        rank = f", {'up to ' if count else ''}{num(analysis.pagerank[same[0]])}" if with_rank else ""
        entries.append(f"{label}{count} ({type_}{rank})")
    return entries, len(members) - used


def _articles(graph: Graph, analysis: an.Analysis, stats: BuildStats, docs: dict) -> list[str]:
    out = ["## Articles", ""]
    if stats.articles:
        rows = [[md(a.doc_id), md(a.title or "") or "—", str(a.entities), str(a.facts)]
                for a in sorted(stats.articles, key=lambda a: a.doc_id)]
        header = ["article", "title", "entities", "facts"]
        note = "Entities and facts as extracted from each article, before merging across articles."
    else:
        per_doc = {d: [0, 0] for d in docs}
        for iri, e in analysis.entities.items():
            for d in e.get("docs", []):
                if d in per_doc:
                    per_doc[d][0] += 1
        for st in graph.subjects(RDF.type, RDF.Statement):
            src = graph.value(st, KG.source)
            if str(src) in per_doc:
                per_doc[str(src)][1] += 1
        rows = [[md(docs[d]["id"]), md(docs[d]["title"]) or "—", str(c[0]), str(c[1])]
                for d, c in sorted(per_doc.items(), key=lambda kv: docs[kv[0]]["id"])]
        header = ["article", "title", "entities mentioned", "supporting sentences"]
        note = "Counts from the graph."
    if not rows:
        out += ["No articles.", ""]
    else:
        if len(rows) > MAX_ARTICLES:    # the richest articles, in the same order
            keep = sorted(range(len(rows)), key=lambda i: (-int(rows[i][3]), -int(rows[i][2]), i))[:MAX_ARTICLES]
            note += f" The {MAX_ARTICLES} with the most facts of {len(rows)} articles:"
            rows = [rows[i] for i in sorted(keep)]
        out += [note, ""] + table(header, rows)
    out += _skipped(stats.skipped)
    if stats.notes:
        out += ["Notes from reading the files:", ""]
        out += [f"- {md(path)}: {md(note)}" for path, note in sorted(stats.notes)] + [""]
    return out


def _skipped(skipped: list[tuple[str, str]]) -> list[str]:
    """The inputs not built and why: each one when they are few, else grouped by reason."""
    if not skipped:
        return []
    if len(skipped) <= MAX_SKIPPED:
        return ["Skipped files:", ""] + [f"- {md(path)}: {md(reason)}" for path, reason in sorted(skipped)] + [""]
    by_reason: dict[str, list[str]] = {}
    for path, reason in sorted(skipped):
        by_reason.setdefault(reason, []).append(md(path))
    rows = [[md(reason), str(len(paths)), cap(paths, 3)]
            for reason, paths in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    return [f"{plural(len(skipped), 'input was', 'inputs were')} skipped, by reason:", ""] + table(
        ["reason", "inputs", "for example"], rows)
