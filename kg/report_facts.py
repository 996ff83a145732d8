"""The report's sections about who and what: officials, countries, policies and their timeline.

Each section reads the facts through :class:`Facts` (one pass over the graph's
index, both directions) and stays bounded on large corpora: the top rows by a
stated order, then how many more there are and the named query that lists them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, URIRef

from kg import analyze as an
from kg.report_text import cap, counted, date_key, date_text, duration_text, md, plural, rate_text, table
from kg.vocab import KG_NS

MAX_OFFICIALS = 40
MAX_COUNTRIES = 30
MAX_POLICIES = 50
MAX_TIMELINE = 60
MAX_IMPOSERS = 15
# The policy classes the contract fixes, for graphs written without the ontology; with
# it, every class under kg:Policy counts (read from the graph).
POLICY_CLASSES = ("Policy", "ExportControl", "ExportBan", "Tariff", "AntiDumpingDuty", "CountervailingDuty",
                  "TradeAgreement", "Sanction", "Quota", "ImportBan")
AGENT_CLASSES = ("Country", "Organization")


def _p(name: str) -> URIRef:
    return URIRef(KG_NS + name)


OFFICIAL_OF, LEADER_OF, IMPOSED_BY, TARGETS, PARTY = (
    _p("officialOf"), _p("leaderOf"), _p("imposedBy"), _p("targets"), _p("party"))
APPLIES_TO, PARTICIPANT, INITIATED_BY, TITLE = _p("appliesTo"), _p("participant"), _p("initiatedBy"), _p("title")
DATE, DURATION, RATE, STATUS, EFFECTIVE, END = (
    _p("date"), _p("duration"), _p("rate"), _p("status"), _p("effectiveDate"), _p("endDate"))


@dataclass
class Facts:
    """The graph's facts about entities, readable both ways, and the labels to name them by."""

    analysis: an.Analysis
    name: dict                      # entity IRI -> escaped label
    index: dict                     # subject -> predicate -> {object: None}
    inverse: dict = field(default_factory=dict)      # entity IRI -> predicate -> [subject IRI]
    policy_classes: set = field(default_factory=set)
    class_label: dict = field(default_factory=dict)
    ranked_policies: list = field(default_factory=list)     # policy IRIs, most central first
    policy_set: set = field(default_factory=set)

    @classmethod
    def read(cls, graph, analysis: an.Analysis, name: dict) -> "Facts":
        index = an._index(graph)
        facts = cls(analysis, name, index)
        for iri in analysis.entities:
            for p, objs in index.get(URIRef(iri), {}).items():
                if p.startswith(KG_NS):
                    for o in objs:
                        if isinstance(o, URIRef) and str(o) in analysis.entities:
                            facts.inverse.setdefault(str(o), {}).setdefault(p, []).append(iri)
        parents: dict[str, set[str]] = {}
        for s, by_p in index.items():
            for o in by_p.get(RDFS.subClassOf, ()):
                parents.setdefault(str(s), set()).add(str(o))
            label = an._first(by_p, RDFS.label)
            if label is not None and str(s).startswith(KG_NS):
                facts.class_label[an.local_name(str(s))] = str(label)

        def under_policy(c: str, seen=()) -> bool:
            return c == KG_NS + "Policy" or any(under_policy(p, seen + (c,)) for p in parents.get(c, ())
                                                if p not in seen)
        facts.policy_classes = {an.local_name(c) for c in parents if under_policy(c)} | set(POLICY_CLASSES)
        facts.ranked_policies = [i for i in analysis.ranked("pagerank") if facts._policy_types(i)]
        facts.policy_set = set(facts.ranked_policies)
        return facts

    def out(self, iri: str, p: URIRef) -> list[str]:
        """Entity IRIs ``iri`` points to by ``p``."""
        return sorted(str(o) for o in self.index.get(URIRef(iri), {}).get(p, ()) if str(o) in self.name)

    def into(self, iri: str, p: URIRef) -> list[str]:
        """Entity IRIs that point to ``iri`` by ``p``."""
        return sorted(self.inverse.get(iri, {}).get(p, []))

    def values(self, iri: str, p: URIRef) -> list[str]:
        return sorted(str(o) for o in self.index.get(URIRef(iri), {}).get(p, ()))

    def names(self, iris) -> list[str]:
        return sorted({self.name[i] for i in iris if i in self.name}, key=lambda v: (v.casefold(), v))

    def ranked_names(self, iris) -> list[str]:
        """Names of the entities, most central first (for cells that show only the first few)."""
        pr = self.analysis.pagerank
        return [self.name[i] for i in sorted(set(iris), key=lambda i: (-pr.get(i, 0.0), self.name[i].casefold(), i))
                if i in self.name]

    def types(self, iri: str) -> set[str]:
        return {an.local_name(str(t)) for t in self.index.get(URIRef(iri), {}).get(RDF.type, ())}

    def _policy_types(self, iri: str) -> bool:
        return bool(self.types(iri) & self.policy_classes) or self.analysis.entities[iri]["type"] in self.policy_classes

    def is_policy(self, iri: str) -> bool:
        return iri in self.policy_set

    def kind(self, iri: str) -> str:
        t = self.analysis.entities[iri]["type"]
        specific = [c for c in self.types(iri) & self.policy_classes if c != "Policy"]
        if t not in specific and specific:
            t = sorted(specific)[0]
        return md(self.class_label.get(t, t))

    def status(self, iri: str) -> list[str]:
        out = []
        for s in self.values(iri, STATUS):
            local = an.local_name(s)
            label = an._first(self.index.get(URIRef(s), {}), RDFS.label)
            out.append(md(label) if label is not None else md(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()))
        return out

    def docs(self, iri: str, docs: dict, limit: int = 3) -> str:
        ids = [md(docs[d]["id"]) for d in self.analysis.entities[iri].get("docs", []) if d in docs]
        return cap(ids, limit)

    def policies(self) -> list[str]:
        return self.ranked_policies


# ---------------------------------------------------------------- officials

def officials(f: Facts) -> list[str]:
    out = ["## Officials", ""]
    ents = f.analysis.entities
    rows = []
    for iri, e in ents.items():
        served = f.out(iri, OFFICIAL_OF) + f.out(iri, LEADER_OF)
        if e["type"] != "Official" and not served:
            continue
        leads = set(f.out(iri, LEADER_OF))
        bodies = [f.name[b] + (" (leader)" if b in leads else "") for b in sorted(set(served), key=lambda b: f.name[b])]
        titles = _one_per_case(f.values(iri, TITLE) + list(e.get("titles", [])))
        rows.append((-len(e.get("docs", [])), -f.analysis.pagerank.get(iri, 0.0), e["label"].casefold(), iri,
                     [f.name[iri], cap(titles, 3), cap(bodies, 4), str(len(e.get("docs", [])))]))
    if not rows:
        return out + ["No officials were found.", ""]
    rows.sort()
    out += [f"{plural(len(rows), 'official')}: who holds which office for which country or body, "
            "most often mentioned first (articles: how many mention them).", ""]
    out += table(["official", "office", "country or body", "articles"], [r[-1] for r in rows[:MAX_OFFICIALS]])
    if len(rows) > MAX_OFFICIALS:
        out += [f"and {len(rows) - MAX_OFFICIALS} more: `kg query output/graph.ttl --name offices` lists all.", ""]
    return out


def _one_per_case(values: list[str]) -> list[str]:
    """Escaped values, one per case-insensitive spelling ("Finance Minister", not also "finance minister")."""
    best: dict[str, str] = {}
    for v in values:
        key = " ".join(v.split()).casefold()
        # the most capitalised spelling, then the first in code-point order
        if key not in best or (-sum(c.isupper() for c in v), v) < (-sum(c.isupper() for c in best[key]), best[key]):
            best[key] = v
    return sorted((md(v) for v in best.values()), key=lambda t: (t.casefold(), t))


# ---------------------------------------------------------------- countries

def _stands_for(f: Facts, iri: str) -> list[str]:
    """The entity itself and its officials."""
    return [iri] + f.into(iri, OFFICIAL_OF) + f.into(iri, LEADER_OF)


def _partners(f: Facts, iri: str) -> list[str]:
    """Countries and bodies sharing an agreement or an event with ``iri`` (directly or through officials)."""
    mine = set(_stands_for(f, iri))
    found = set()
    for x in mine:
        for p in (PARTY, PARTICIPANT, INITIATED_BY):
            for node in f.into(x, p):
                for q in (PARTY, PARTICIPANT, INITIATED_BY):
                    for other in f.out(node, q):
                        if other in mine:
                            continue
                        if f.analysis.entities[other]["type"] in AGENT_CLASSES:
                            found.add(other)
                        found.update(b for b in f.out(other, OFFICIAL_OF) + f.out(other, LEADER_OF))
    return sorted(found - mine)


def countries(f: Facts) -> list[str]:
    out = ["## Countries", ""]
    ents = f.analysis.entities
    rows, quiet = [], 0
    for iri, e in ents.items():
        imposed = [p for p in f.into(iri, IMPOSED_BY) if f.is_policy(p)]
        faced = [p for p in f.into(iri, TARGETS) if f.is_policy(p)]
        if e["type"] != "Country" and not (imposed or faced):
            continue
        people = f.into(iri, OFFICIAL_OF) + f.into(iri, LEADER_OF)
        partners = _partners(f, iri)
        if not (imposed or faced or people or partners):
            quiet += 1
            continue
        weight = len(imposed) + len(faced) + len(set(people)) + len(partners)
        rows.append((-weight, -f.analysis.pagerank.get(iri, 0.0), e["label"].casefold(), iri,
                     [f.name[iri] + ("" if e["type"] == "Country" else f" ({md(e['type'])})"),
                      counted(f.ranked_names(imposed)), counted(f.ranked_names(faced)),
                      counted(f.ranked_names(people)), counted(f.ranked_names(partners))]))
    if not rows:
        return out + ["No country has a measure, an official or a partner in the graph.", ""]
    rows.sort()
    out += ["What each country (or bloc and body that imposed or faced a measure) did and with whom: "
            "measures it imposed and faced, the officials who serve it, and its partners (countries and "
            "bodies in the same agreement or event, themselves or through their officials). "
            "Most involved first; each cell gives the count, then the most central few.", ""]
    out += table(["country", "measures imposed", "measures faced", "officials", "partners"],
                 [r[-1] for r in rows[:MAX_COUNTRIES]])
    more = []
    if len(rows) > MAX_COUNTRIES:
        more.append(f"{len(rows) - MAX_COUNTRIES} more (`kg query output/graph.ttl --name measures "
                    "--param country=NAME` for one)")
    if quiet:
        more.append(f"{plural(quiet, 'country is', 'countries are')} only mentioned")
    if more:
        out += ["And " + "; ".join(more) + ".", ""]
    return out


# ---------------------------------------------------------------- policies

def policies(f: Facts, docs: dict) -> list[str]:
    pols = f.policies()
    out = ["## Policies", ""]
    if not pols:
        return out + ["No policies were found.", ""]
    out += _by_imposer(f, pols)
    out += [f"{plural(len(pols), 'policy', 'policies')}, most central first: who imposed each, "
            "on what goods, aimed at whom, and when.", ""]
    rows = []
    for iri in pols[:MAX_POLICIES]:
        who = f.names(f.out(iri, IMPOSED_BY))
        parties = f.names(f.out(iri, PARTY))
        when = ([date_text(d) for d in f.values(iri, DATE)]
                + [f"for {duration_text(d)}" for d in f.values(iri, DURATION)])
        rows.append([f.name[iri], f.kind(iri), cap(who + [f"{p} (party)" for p in parties if p not in who]),
                     cap(f.names(f.out(iri, APPLIES_TO))), cap(f.names(f.out(iri, TARGETS))),
                     cap(when), f.docs(iri, docs, 4)])
    out += table(["policy", "type", "imposed by", "on (goods)", "targets", "when", "articles"], rows)
    if len(pols) > MAX_POLICIES:
        out += [f"and {len(pols) - MAX_POLICIES} more: `kg query output/graph.ttl --name policies` lists all.", ""]
    return out


def _by_imposer(f: Facts, pols: list[str]) -> list[str]:
    """Measures counted by imposer (agreements by party), the most active first, with their kinds."""
    by: dict[str, dict[str, int]] = {}
    for iri in pols:
        for who in set(f.out(iri, IMPOSED_BY) or f.out(iri, PARTY)):
            kinds = by.setdefault(who, {})
            kinds[f.kind(iri)] = kinds.get(f.kind(iri), 0) + 1
    if not by:
        return []
    order = sorted(by, key=lambda w: (-sum(by[w].values()), f.name[w].casefold(), w))
    rows = [[f.name[w], str(sum(by[w].values())),
             ", ".join(f"{n} {k}" for k, n in sorted(by[w].items(), key=lambda kv: (-kv[1], kv[0])))]
            for w in order[:MAX_IMPOSERS]]
    out = ["By imposer (for agreements, each party), most measures first:", ""]
    out += table(["imposer", "measures", "kinds"], rows)
    if len(order) > MAX_IMPOSERS:
        out += [f"and {len(order) - MAX_IMPOSERS} more imposers.", ""]
    return out


def timeline_entries(f: Facts) -> list[tuple[str, str]]:
    """``[(date, policy IRI)]`` for the dated policies, in date order: the effective date where the
    text gives one, else the date it was announced or agreed."""
    entries = []
    for iri in f.policies():
        dates = f.values(iri, EFFECTIVE) or f.values(iri, DATE)
        if dates:
            first = min(dates, key=date_key)
            entries.append((date_key(first), f.analysis.entities[iri]["label"].casefold(), iri, first))
    entries.sort()
    return [(d, iri) for *_, iri, d in entries]


def timeline(f: Facts, docs: dict, figure: str | None) -> list[str]:
    out = ["## Policy timeline", ""]
    entries = timeline_entries(f)
    undated = len(f.policies()) - len(entries)
    if not entries:
        return out + ["No policy has a date in the texts." if f.policies() else "No policies were found.", ""]
    out += ["Each dated measure by when it took effect (or, when the texts give no effective date, when it "
            "was announced or agreed), with its rate in percent and its latest status. Dates without a "
            "year come last."
            + (f" {plural(undated, 'policy has', 'policies have')} no date and appear under Policies only."
               if undated else ""), ""]
    if figure:
        out += [f"![Measures per month, by imposer]({figure})", ""]
    shown = entries if len(entries) <= MAX_TIMELINE else entries[-MAX_TIMELINE:]
    if len(shown) < len(entries):
        out += [f"The {MAX_TIMELINE} latest of {len(entries)} dated measures "
                "(`kg query output/graph.ttl --name policies` lists all):", ""]
    rows = []
    for d, iri in shown:
        when = date_text(d)
        ends = f.values(iri, END)
        if ends:
            when += " to " + date_text(max(ends, key=date_key))
        rows.append([when, cap(f.names(f.out(iri, IMPOSED_BY) or f.out(iri, PARTY)), 3), f.name[iri],
                     cap(f.names(f.out(iri, APPLIES_TO)), 4), cap(f.names(f.out(iri, TARGETS)), 3),
                     cap([rate_text(r) for r in sorted(f.values(iri, RATE), key=float_or_zero)], 4),
                     cap(f.status(iri), 2), f.docs(iri, docs, 2)])
    return out + table(["date", "imposer", "measure", "goods", "target", "rate", "status", "source"], rows)


def float_or_zero(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def month_counts(f: Facts) -> dict[str, dict[str, int]]:
    """``{imposer label: {"YYYY-MM": measures}}`` for the policies dated to a month or a day."""
    counts: dict[str, dict[str, int]] = {}
    for d, iri in timeline_entries(f):
        if not d[:4].isdigit() or len(d) < 7:
            continue
        who = [f.analysis.entities[i]["label"] for i in f.out(iri, IMPOSED_BY) or f.out(iri, PARTY)]
        for label in sorted(set(who)) or ["(no imposer named)"]:
            by_month = counts.setdefault(label, {})
            by_month[d[:7]] = by_month.get(d[:7], 0) + 1
    return counts
