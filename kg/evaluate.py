"""Scoring extraction against hand-annotated gold: precision, recall and F1.

Gold (tests/corpus/gold/*.json, tests/extraction_cases.json) names entities
by type and label (with aliases) and facts as triples (title, officialOf,
leaderOf) or as policy and event records. Both sides are flattened into
comparable tuples:
- entities: (type, gold label) — a system entity matches when its label or any
  alias equals the gold label or one of its aliases (case-insensitive);
- office facts: (person, predicate, country or title);
- policy facts: (class, anchor, property, value) where the anchor is who imposed
  it, or for agreements the sorted parties;
- event facts: (event, sorted people, property, value).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from functools import lru_cache

from kg.model import POLICY_TYPES, Corpus, Literal

ENTITY_TYPES = ("Person", "Country", "Organization", "Commodity")
_TYPE_MAP = {"Official": "Person"}


def _n(text: str) -> str:
    return " ".join(re.sub(r"[’']s$", "", str(text)).replace("’", "'").lower().replace("-", " ").split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors.extend(other.errors)


class _Names:
    """Gold name → canonical gold label, for matching system names."""

    def __init__(self, gold_entities):
        self.canon: dict[str, str] = {}
        for e in gold_entities:
            for form in [e["label"], *e.get("aliases", [])]:
                self.canon.setdefault(_n(form), _n(e["label"]))

    def of(self, *forms) -> str:
        for f in forms:
            if _n(f) in self.canon:
                return self.canon[_n(f)]
        return _n(forms[0]) if forms else ""


@lru_cache(maxsize=1)
def _superclass() -> dict[str, str]:
    """Each kg: class's direct kg: superclass, read from the ontology."""
    from rdflib import Graph
    from rdflib.namespace import RDFS

    from kg.vocab import KG_NS, ONTOLOGY_FILE

    g = Graph().parse(ONTOLOGY_FILE, format="turtle")
    return {str(s)[len(KG_NS):]: str(o)[len(KG_NS):] for s, o in g.subject_objects(RDFS.subClassOf)
            if str(s).startswith(KG_NS) and str(o).startswith(KG_NS)}


def as_gold_class(type_: str, gold_classes) -> str:
    """A policy class named as coarsely as the gold names it: a gold file that says "Tariff" counts
    an extracted AntiDumpingDuty (a subclass) as a Tariff; one that says "AntiDumpingDuty" does not."""
    up, t = _superclass(), type_
    while t not in gold_classes and t in up:
        t = up[t]
    return t if t in gold_classes else type_


def system_view(corpus: Corpus, names: _Names, gold_classes=None):
    """Entities and flattened facts of a resolved corpus, named like the gold.

    ``gold_classes``: the policy classes the gold uses; finer extracted classes are named by them."""
    ents = corpus.entities
    label = {uid: names.of(e.label, *sorted(e.alt_labels)) for uid, e in ents.items()}
    entities = set()
    for uid, e in ents.items():
        t = _TYPE_MAP.get(e.type, e.type)
        if t in ENTITY_TYPES:
            entities.add((t, label[uid]))
    by_subject = defaultdict(lambda: defaultdict(set))
    for f in corpus.facts:
        value = _n(f.obj.value) if isinstance(f.obj, Literal) else label.get(f.obj, f.obj)
        by_subject[f.subject][f.predicate].add(value)
    facts = set()
    for uid, props in by_subject.items():
        e = ents[uid]
        if e.type in ("Person", "Official"):
            for p in ("title", "officialOf", "leaderOf"):
                for v in props.get(p, ()):
                    facts.add((label[uid], p, v))
        elif e.type == "Event":
            people = tuple(sorted(v for v in props.get("participant", ())))
            for p in ("participant", "initiatedBy", "date"):
                for v in props.get(p, ()):
                    facts.add(("Event", people, p, v))
        else:
            facts |= _policy_tuples(as_gold_class(e.type, gold_classes) if gold_classes else e.type, props)
    return entities, facts


def _policy_tuples(type_: str, props) -> set:
    if type_ == "TradeAgreement":
        anchor = tuple(sorted(props.get("party", ())))
        keys = ("party", "date", "duration", "appliesTo")
    else:
        anchor = tuple(sorted(props.get("imposedBy", ())))
        keys = ("imposedBy", "targets", "appliesTo", "date", "duration")
    return {(type_, anchor, p, v) for p in keys for v in props.get(p, ())}


def gold_view(gold: dict, names: _Names):
    entities = {(e["type"], _n(e["label"])) for e in gold.get("entities", []) if e["type"] in ENTITY_TYPES}
    facts = set()
    for f in gold.get("facts", []):
        if isinstance(f, list):
            s, p, o = f
            facts.add((names.of(s), p, _n(o) if p == "title" else names.of(o)))
        elif "policy" in f:
            props = defaultdict(set)
            for key in ("imposedBy", "targets", "appliesTo", "party"):
                v = f.get(key)
                for item in ([v] if isinstance(v, str) else v or []):
                    props[key].add(names.of(item))
            for key in ("date", "duration"):
                if f.get(key):
                    props[key].add(_n(f[key]))
            facts |= _policy_tuples(f["policy"], props)
        elif "event" in f:
            people = tuple(sorted(names.of(p) for p in f.get("participant", [])))
            for p in f.get("participant", []):
                facts.add(("Event", people, "participant", names.of(p)))
            if f.get("initiatedBy"):
                facts.add(("Event", people, "initiatedBy", names.of(f["initiatedBy"])))
            if f.get("date"):
                facts.add(("Event", people, "date", _n(f["date"])))
    return entities, facts


def _relation(t) -> str:
    return t[1] if len(t) == 3 else t[2]


def score(system: set, gold: set, key) -> dict[str, Score]:
    out: dict[str, Score] = defaultdict(Score)
    for t in system:
        s = out[key(t)]
        if t in gold:
            s.tp += 1
        else:
            s.fp += 1
            s.errors.append(("extra", t))
    for t in gold - system:
        out[key(t)].fn += 1
        out[key(t)].errors.append(("missing", t))
    return out


def evaluate(corpus: Corpus, gold: dict) -> tuple[dict[str, Score], dict[str, Score]]:
    """Per-entity-type and per-relation scores of one corpus against one gold record."""
    names = _Names(gold.get("entities", []) + [
        {"label": s, "aliases": []} for f in gold.get("facts", []) if isinstance(f, list) for s in (f[0],)
    ])
    classes = {f["policy"] for f in gold.get("facts", []) if isinstance(f, dict) and "policy" in f} | {"Policy"}
    s_ents, s_facts = system_view(corpus, names, classes)
    g_ents, g_facts = gold_view(gold, names)
    return score(s_ents, g_ents, key=lambda t: t[0]), score(s_facts, g_facts, key=_relation)


def total(scores: dict[str, Score]) -> Score:
    out = Score()
    for s in scores.values():
        out.add(s)
    return out


def load_gold(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def format_table(title: str, scores: dict[str, Score]) -> str:
    lines = [f"| {title} | P | R | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for k in sorted(scores):
        s = scores[k]
        lines.append(f"| {k} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.tp} | {s.fp} | {s.fn} |")
    t = total(scores)
    lines.append(f"| **all** | **{t.precision:.2f}** | **{t.recall:.2f}** | **{t.f1:.2f}** | {t.tp} | {t.fp} | {t.fn} |")
    return "\n".join(lines)
