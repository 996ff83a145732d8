"""Which policy mentions are one policy, what it is called, and which of its states holds.

Identity (the contract's "one policy per imposer, class and object"): mentions of one class
by the same imposer are one policy when their goods overlap; a mention without goods joins
the one with the same targets, or the only policy of its class and imposer in its article;
measures on unrelated goods stay apart even when one country imposes them the same day.
The label is made from the facts ("United States tariff on semiconductors from Japan") and
is unique. Of several statuses the latest article's (then the latest sentence's) wins; one
effective and one end date are kept, the end never before the start.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from kg.unionfind import UnionFind as _Union
from kg.model import Literal, ResolvedEntity, ResolvedFact, TRADE_AGREEMENT

_MAX_GOODS_IN_LABEL = 3


def group_policies(mentions: dict[str, tuple]) -> dict[str, tuple]:
    """mentions: sid → (class, imposers, goods, targets), imposers non-empty. Returns sid → key.

    The key is (class, imposers, first sid of the group), so that keys of different groups differ.
    """
    uf = _Union()
    by_owner: dict[tuple, list[str]] = defaultdict(list)
    for sid in sorted(mentions):
        type_, imposers, _, _ = mentions[sid]
        by_owner[(type_, imposers)].append(sid)
        uf.find(sid)
    for owner, sids in by_owner.items():
        with_goods = [s for s in sids if mentions[s][2]]
        seen: dict[str, str] = {}
        for s in with_goods:
            for g in mentions[s][2]:
                if g in seen:
                    uf.union(seen[g], s)
                else:
                    seen[g] = s
        # Mentions without goods: those with targets first, then those with neither.
        rest = sorted((s for s in sids if not mentions[s][2]), key=lambda s: (not mentions[s][3], s))
        by_targets: dict[tuple, str] = {}
        for s in rest:
            targets = mentions[s][3]
            doc = s.rsplit("#", 1)[0]
            here = [x for x in sids if x != s and x.rsplit("#", 1)[0] == doc and (mentions[x][2] or mentions[x][3])]
            same_doc = sorted({uf.find(x) for x in here
                               if mentions[x][2] and (not targets or set(targets) <= set(mentions[x][3]))})
            if not targets and not same_doc:
                same_doc = sorted({uf.find(x) for x in here})
            if len(same_doc) == 1:
                uf.union(same_doc[0], s)
            elif targets:
                if targets in by_targets:
                    uf.union(by_targets[targets], s)
                else:
                    by_targets[targets] = s
            else:
                key = ("doc", doc)
                if key in by_targets:
                    uf.union(by_targets[key], s)
                else:
                    by_targets[key] = s
    return {sid: (m[0], m[1], uf.find(sid)) for sid, m in mentions.items()}


@lru_cache(maxsize=1)
def _class_names() -> dict[str, str]:
    from rdflib.namespace import RDFS

    from kg.graph import ontology_triples
    from kg.vocab import KG_NS

    return {str(s)[len(KG_NS):]: str(o) for s, p, o in ontology_triples()
            if p == RDFS.label and str(s).startswith(KG_NS)}


def policy_label(type_: str, facts: list[ResolvedFact], entities: dict[str, ResolvedEntity]) -> str | None:
    """ "United States tariff on semiconductors from Japan", from the policy's facts."""
    def names(pred):
        return sorted({entities[f.obj].label for f in facts
                       if f.predicate == pred and isinstance(f.obj, str) and f.obj in entities})
    kind = _class_names().get(type_, type_)
    kind = kind[0].lower() + kind[1:]
    if type_ == TRADE_AGREEMENT:
        parties = names("party")
        return f"{kind} between {_join(parties)}" if len(parties) > 1 else None
    who = names("imposedBy")
    if not who:
        return None
    goods, targets = names("appliesTo"), names("targets")
    label = f"{_join(who)} {kind}"
    if goods:
        shown = goods[:_MAX_GOODS_IN_LABEL]
        more = len(goods) - len(shown)
        label += " on " + _join(shown + ([f"{more} more"] if more else []))
    if targets:
        label += (" from " if goods else " against ") + _join(targets)
    return label


def _join(xs: list[str]) -> str:
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def unique_labels(new_entities: dict[str, ResolvedEntity], facts: list[ResolvedFact],
                  entities: dict[str, ResolvedEntity]) -> None:
    """Relabel policies from their facts; two policies never share a label."""
    by_subject: dict[str, list] = defaultdict(list)
    for f in facts:
        if f.subject in new_entities:
            by_subject[f.subject].append(f)
    used: dict[str, int] = {}
    for uid in sorted(new_entities):
        e = new_entities[uid]
        label = policy_label(e.type, by_subject.get(uid, []), entities) if e.type != "Event" else None
        if label is None:
            label = e.label
        n = used.get(label.casefold(), 0)
        used[label.casefold()] = n + 1
        if n:
            label = f"{label} ({n + 1})"
        if label != e.label:
            e.alt_labels = (e.alt_labels | {e.label}) - {label}
            e.label = label


def latest_state(facts: list[ResolvedFact], doc_dates: dict[str, str | None]) -> list[ResolvedFact]:
    """One kg:status per policy (the latest article's, then its latest sentence's); one effective and
    one end date (the latest article's, the end dropped when it falls before the start); no target
    that is also the policy's imposer."""
    def when(f):
        return (doc_dates.get(f.evidence.doc_id) or "", f.evidence.doc_id, f.evidence.start)

    keep: dict[tuple, ResolvedFact] = {}
    for f in facts:
        if f.predicate in ("status", "effectiveDate", "endDate"):
            k = (f.subject, f.predicate)
            if k not in keep or when(f) > when(keep[k]) or (when(f) == when(keep[k]) and _v(f) < _v(keep[k])):
                keep[k] = f
    strong = {f.subject for f in facts if f.predicate == "imposedBy" and not f.weak}
    facts = [f for f in facts if not (f.predicate == "imposedBy" and f.weak and f.subject in strong)]
    imposers = {(f.subject, f.obj) for f in facts if f.predicate == "imposedBy"}
    out = []
    for f in facts:
        if f.predicate == "targets" and (f.subject, f.obj) in imposers:
            continue        # a measure is not aimed at the one who imposes it
        if f.predicate in ("status", "effectiveDate", "endDate"):
            if keep[(f.subject, f.predicate)] is not f:
                continue
            if f.predicate == "endDate":
                start = keep.get((f.subject, "effectiveDate"))
                if start is not None and not _not_before(f.obj, start.obj):
                    continue
        out.append(f)
    return out


def _v(f) -> str:
    return f.obj.value if isinstance(f.obj, Literal) else str(f.obj)


def _not_before(end: Literal, start: Literal) -> bool:
    """Whether the end is comparable with and not before the start (xsd:date vs xsd:gYearMonth are not)."""
    return end.datatype == start.datatype and end.value >= start.value
