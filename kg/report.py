"""``report.md``: what was built and what the network analysis found, readable on its own.

The report is Markdown that reads as plain text too.  Names, titles and
sentences come from the articles, so every one of them is escaped
(:func:`md`): markup in a name shows as the characters it is made of.
It carries no timestamp: the same build gives the same bytes.
"""
from __future__ import annotations

import re

from rdflib import RDF, Graph, URIRef

from kg import analyze as an
from kg.model import BuildStats
from kg.vocab import KG, KG_NS

TOP = 10                 # entities in each ranking
MAX_COMMUNITIES = 30     # communities listed member by member
MAX_MEMBERS = 40         # members named per community
MAX_POLICIES = 100
MAX_ARTICLES = 200

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~#]|(?<!\w)_|_(?!\w))")
_ENTITY_REF = re.compile(r"&(?=#?\w+;)")

CLASS_NAMES = {
    "Official": "officials", "Person": "people", "Country": "countries", "Organization": "organizations",
    "Event": "events", "Commodity": "commodities", "Policy": "policies", "ExportControl": "export controls",
    "Tariff": "tariffs", "TradeAgreement": "trade agreements", "Sanction": "sanctions",
}
CLASS_ORDER = tuple(CLASS_NAMES)
CLASS_SINGULAR = {"ExportControl": "export control", "TradeAgreement": "trade agreement"}
MONTHS = ("January February March April May June July August September October November December").split()
POLICY_TYPES = ("Policy", "ExportControl", "Tariff", "TradeAgreement", "Sanction")


def md(text) -> str:
    """Untrusted text as inert Markdown: one line, markup characters backslash-escaped."""
    text = " ".join(str(text).split())
    return _ENTITY_REF.sub("&amp;", _MD_SPECIAL.sub(r"\\\1", text))


def _num(x: float, places: int = 4) -> str:
    return f"{x:.{places}f}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def render_report(graph: Graph, analysis: an.Analysis, stats: BuildStats | None = None) -> str:
    """The Markdown report of a build."""
    stats = stats or BuildStats()
    ents = analysis.entities
    docs = an.documents(graph)
    name = {iri: md(e["label"]) for iri, e in ents.items()}
    lines = ["# Knowledge graph report", ""]
    lines += _summary(graph, analysis, stats, docs)
    lines += _centrality(analysis, name)
    lines += _communities(analysis, name)
    lines += _policies(graph, analysis, name, docs)
    lines += _articles(graph, analysis, stats, docs)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


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
    line = (f"{_plural(n_articles, 'article')} gave {_plural(len(ents), 'entity', 'entities')} "
            f"and {_plural(sum(f[0] for f in facts.values()), 'fact')}, "
            f"{analysis.facts} of them between two entities (the network analysed below; "
            f"the others give an official's title or a date)")
    if stats.skipped:
        line += f"; {_plural(len(stats.skipped), 'file was', 'files were')} skipped (see Articles)"
    out += [line + ".", ""]
    if stats.model:
        out += [f"Language model: {md(stats.model)}.", ""]
    out += ["Entities by type:", ""]
    out += _table(["type", "entities"],
                  [[t, str(by_type[t])] for t in sorted(by_type, key=_type_order)] + [["all", str(len(ents))]])
    out += ["Facts by property (a fact is one triple; its support is the sentences quoted for it):", ""]
    rows = [[f"kg:{p}", str(c[0]), str(c[1])] for p, c in sorted(facts.items()) if c[0] or c[1]]
    out += _table(["property", "facts", "supporting sentences"], rows) if rows else ["No facts.", ""]
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
        f"{_plural(len(ents), 'entity', 'entities')}, so the average is {_num(1 / len(ents))}.",
        "",
    ]
    rows = []
    for i, iri in enumerate(analysis.ranked("pagerank", TOP), 1):
        e = ents[iri]
        rows.append([str(i), name[iri], e["type"], _num(analysis.pagerank[iri]), str(analysis.degree[iri]),
                     str(analysis.strength.get(iri, 0)), str(analysis.community[iri])])
    out += _table(["#", "entity", "type", "PageRank", "links", "support", "community"], rows)
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
        rows.append([str(i), name[iri], ents[iri]["type"], _num(analysis.betweenness[iri]),
                     str(analysis.community[iri]), _cap([str(c) for c in comms], 6).replace("—", "none")])
    out += _table(["#", "entity", "type", "betweenness", "community", "also reaches communities"], rows)
    top = brokers[0]
    reach = sorted({analysis.community[n] for n in _neighbours(analysis, top)} - {analysis.community[top]})
    if reach:
        which = (f"{'community' if len(reach) == 1 else 'communities'} {_and(reach)}" if len(reach) <= 6 else
                 f"{len(reach)} other communities ({', '.join(map(str, reach[:5]))} and {len(reach) - 5} more)")
        out += [f"The main broker, {name[top]}, ties community {analysis.community[top]} to {which}: "
                "stories about these groups meet through it.", ""]
    return out


def _and(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _neighbours(analysis: an.Analysis, iri: str) -> list[str]:
    return analysis.neighbours.get(iri, [])


def _neighbours_sentence(analysis: an.Analysis, iri: str, name: dict) -> str:
    near = _neighbours(analysis, iri)
    d = analysis.degree[iri]
    if not near:
        return "linked to no other entity by a fact."
    shown = ", ".join(name[n] for n in near[:6]) + (f" and {len(near) - 6} more" if len(near) > 6 else "")
    return (f"linked to {_plural(d, 'entity', 'entities')} by facts with "
            f"{_plural(analysis.strength.get(iri, 0), 'supporting sentence')}: {shown}.")


def _communities(analysis: an.Analysis, name: dict) -> list[str]:
    groups = analysis.groups("community")
    comps = analysis.groups("component")
    out = ["## Communities", ""]
    if not groups:
        return out + ["No entities, so no communities.", ""]
    multi = {c: m for c, m in groups.items() if len(m) > 1}
    singles = [m[0] for c, m in groups.items() if len(m) == 1]
    largest = max((len(m) for m in comps.values()), default=0)
    out += [
        "Communities are groups of entities more densely linked to each other than to the rest "
        "(Louvain modularity optimisation on the support-weighted graph, seeded). They are numbered by size. "
        f"Modularity is {_num(analysis.modularity, 3)} (above about 0.3 the split is clear-cut).",
        "",
        f"The graph has {_plural(len(comps), 'connected component')}; the largest holds "
        f"{_plural(largest, 'entity', 'entities')}. "
        f"{_plural(len(multi), 'community has', 'communities have')} two or more members"
        + (f"; {_plural(len(singles), 'entity stands', 'entities stand')} alone." if singles else "."),
        "",
    ]
    for c in list(multi)[:MAX_COMMUNITIES]:
        members = multi[c]
        kinds: dict[str, int] = {}
        for m in members:
            kinds[analysis.entities[m]["type"]] = kinds.get(analysis.entities[m]["type"], 0) + 1
        mix = ", ".join(f"{n} {CLASS_NAMES.get(t, t)}" if n > 1 else f"1 {CLASS_SINGULAR.get(t, t.lower())}"
                        for t, n in sorted(kinds.items(), key=lambda kv: (-kv[1], _type_order(kv[0]))))
        out += [f"### Community {c}: {_plural(len(members), 'member')}, around {name[members[0]]}", "", mix + ".", ""]
        shown, rest = _named(analysis, members, name, with_rank=True)
        more = f"; and {rest} more" if rest else ""
        out += ["Members by PageRank: " + "; ".join(shown) + more + ".", ""]
    if len(multi) > MAX_COMMUNITIES:
        rest = list(multi)[MAX_COMMUNITIES:]
        out += [f"{_plural(len(rest), 'smaller community', 'smaller communities')} "
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
        rank = f", {'up to ' if count else ''}{_num(analysis.pagerank[same[0]])}" if with_rank else ""
        entries.append(f"{label}{count} ({type_}{rank})")
    return entries, len(members) - used


def _objects(graph: Graph, s: str, prop: str, name: dict) -> list[str]:
    vals = [name.get(str(o), md(o)) for o in graph.objects(URIRef(s), KG[prop])]
    return sorted(vals, key=lambda v: (v.casefold(), v))


def _date(value: str) -> str:
    """An xsd:date, gYearMonth or gMonthDay as a reader says it ("12 May, year not given")."""
    m = re.fullmatch(r"--(\d\d)-(\d\d)", value)
    if m and 1 <= int(m[1]) <= 12:
        return f"{int(m[2])} {MONTHS[int(m[1]) - 1]} (year not given)"
    m = re.fullmatch(r"(\d{4})-(\d\d)", value)
    if m and 1 <= int(m[2]) <= 12:
        return f"{MONTHS[int(m[2]) - 1]} {m[1]}"
    return md(value)


def _duration(value: str) -> str:
    """"P90D" → "90 days" (other ISO durations as written)."""
    m = re.fullmatch(r"P(\d+)([DWMY])", value)
    if m:
        unit = {"D": "day", "W": "week", "M": "month", "Y": "year"}[m[2]]
        return _plural(int(m[1]), unit)
    return md(value)


def _cap(items: list[str], limit: int = 8) -> str:
    """A table cell: the items joined, at most ``limit`` of them, or a dash."""
    if not items:
        return "—"
    text = ", ".join(items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _policies(graph: Graph, analysis: an.Analysis, name: dict, docs: dict) -> list[str]:
    pols = [iri for iri in analysis.ranked("pagerank") if analysis.entities[iri]["type"] in POLICY_TYPES]
    out = ["## Policies", ""]
    if not pols:
        return out + ["No policies were found.", ""]
    out += [f"{_plural(len(pols), 'policy', 'policies')}, most central first: who imposed each, "
            "on what goods, aimed at whom, and when.", ""]
    rows = []
    for iri in pols[:MAX_POLICIES]:
        e = analysis.entities[iri]
        who = _objects(graph, iri, "imposedBy", name)
        parties = _objects(graph, iri, "party", name)
        when = ([_date(d) for d in sorted(str(o) for o in graph.objects(URIRef(iri), KG.date))]
                + [f"for {_duration(str(d))}" for d in sorted(graph.objects(URIRef(iri), KG.duration))])
        rows.append([
            name[iri], e["type"],
            _cap(who + [f"{p} (party)" for p in parties if p not in who]),
            _cap(_objects(graph, iri, "appliesTo", name)),
            _cap(_objects(graph, iri, "targets", name)),
            _cap(when),
            _cap([md(docs[d]["id"]) for d in e.get("docs", []) if d in docs], 4),
        ])
    out += _table(["policy", "type", "imposed by", "on (goods)", "targets", "when", "articles"], rows)
    if len(pols) > MAX_POLICIES:
        out += [f"and {len(pols) - MAX_POLICIES} more (query the graph for all).", ""]
    return out


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
        out += [note, ""] + _table(header, rows[:MAX_ARTICLES])
        if len(rows) > MAX_ARTICLES:
            out += [f"and {len(rows) - MAX_ARTICLES} more articles.", ""]
    if stats.skipped:
        out += ["Skipped files:", ""]
        out += [f"- {md(path)}: {md(reason)}" for path, reason in sorted(stats.skipped)] + [""]
    if stats.notes:
        out += ["Notes from reading the files:", ""]
        out += [f"- {md(path)}: {md(note)}" for path, note in sorted(stats.notes)] + [""]
    return out
