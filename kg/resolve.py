"""Resolution: the entities of many articles → one node per real-world entity.

- Countries join by their code, commodities by their concept (closed tables).
- People join by name: "Trump", "President Trump" (title already stripped) and
  "Trump's" join "Donald Trump" when that is the one full name in the corpus
  ending (or, for names such as "Xi Jinping", starting) with the word.
- A wrong NER label is overruled by the corpus: an "organization" whose name is a
  person's name elsewhere is that person.
- Organizations join by name, "Xinhua" with "Xinhua News Agency".
- Events join by kind, participants and date; policies by class and by who imposed
  them (or their parties), when their dates do not conflict.
Every step works on indexes keyed by name or key, so the cost grows with the
number of mentions, not with its square.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Iterable

from kg.lexicon import lexicon
from kg.resolve_names import drop_stray_names, join_organizations, join_people
from kg.unionfind import UnionFind as _Union
from kg.model import (COMMODITY, COUNTRY, EVENT, OFFICIAL, ORGANIZATION, PERSON,
                      POLICY_TYPES, ArticleResult, Corpus, Literal, ResolvedEntity, ResolvedFact)
from kg.policy_identity import group_policies, latest_state, unique_labels
from kg.textutil import slugify
from kg.vocab import TYPE_PATHS

_PERSONS = (PERSON, OFFICIAL)


def _norm(name: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", name.strip())
    return " ".join(name.replace("’", "'").split())


def _best_label(forms: Counter, prefer_tokens: bool = True) -> str:
    """The fullest name: most words, then most frequent, then alphabetical."""
    return sorted(forms, key=lambda f: (-len(f.split()) if prefer_tokens else 0, -forms[f], -len(f), f))[0]


def resolve(results: Iterable[ArticleResult]) -> Corpus:
    """Merge per-article results into the corpus's entities and facts."""
    results = list(results)
    documents = [replace(r.document, text="") for r in results]
    ents = {(r.document.doc_id, e.local_id): e for r in results for e in r.entities}
    uf = _Union()
    for gid in ents:
        uf.find(gid)
    _join_by_key(ents, uf)
    join_people(ents, uf)
    join_organizations(ents, uf)
    groups: dict = defaultdict(list)
    for gid in sorted(ents):
        groups[uf.find(gid)].append(gid)
    # Facts between the merged agents decide the policies' and events' identities.
    agent_uid = {}
    entities: dict[str, ResolvedEntity] = {}
    for root, members in groups.items():
        first = ents[members[0]]
        if first.type in (EVENT, *POLICY_TYPES):
            continue
        ent = _make_entity([ents[m] for m in members], {m[0] for m in members})
        agent_uid.update({m: ent.uid for m in members})
        entities.setdefault(ent.uid, ent)
        if ent is not entities[ent.uid]:
            _absorb(entities[ent.uid], ent)
    facts = _drop_overruled(_map_facts(results, agent_uid))
    drop_stray_names(entities, groups, ents, agent_uid, facts)
    facts = _to_countries(facts, entities)
    facts, events = _resolve_occurrences(results, ents, facts, entities)
    entities.update(events)
    keep = {f.subject for f in facts} | {f.obj for f in facts if isinstance(f.obj, str)}
    entities = {
        uid: e for uid, e in entities.items()
        if e.type not in (EVENT, *POLICY_TYPES) or uid in keep
    }
    facts = sorted({f for f in facts if f.subject in entities and (not isinstance(f.obj, str) or f.obj in entities)},
                   key=_fact_sort)
    return Corpus(documents=documents, entities=dict(sorted(entities.items())), facts=facts)


def _fact_sort(f: ResolvedFact):
    obj = f.obj.value if isinstance(f.obj, Literal) else f.obj
    return (f.subject, f.predicate, str(obj), f.evidence.doc_id, f.evidence.start)


def _join_by_key(ents, uf) -> None:
    by_key: dict = {}
    for gid, e in ents.items():
        if e.type in (COUNTRY, COMMODITY) and e.key:
            k = (e.type, e.key)
            if k in by_key:
                uf.union(by_key[k], gid)
            else:
                by_key[k] = gid


def _make_entity(members, docs) -> ResolvedEntity:
    lex = lexicon()
    votes = Counter()
    forms = Counter()
    for m in members:
        votes.update(m.votes)
        for f in m.forms:
            forms[f] += 1
    types = {m.type for m in members}
    if COUNTRY in types:
        code = next(m.key for m in members if m.type == COUNTRY)
        label = lex.countries[code].name
        type_ = COUNTRY
    elif COMMODITY in types:
        type_ = COMMODITY
        concept = next(m.key for m in members if m.type == COMMODITY)
        label = sorted(forms, key=lambda f: (f.lower() != concept.lower(), not f.lower().endswith("s"),
                                             -forms[f], -len(f), f))[0]
    else:
        person = votes[PERSON] + votes[OFFICIAL]
        type_ = (OFFICIAL if votes[OFFICIAL] else PERSON) if person >= votes[ORGANIZATION] or types & set(_PERSONS) \
            else ORGANIZATION
        names = Counter()
        for m in members:
            names[_norm(m.name)] += 1
        label = _best_label(names)
    alt = {f for f in forms if f != label}
    qualifier = ""
    codes = sorted({m.attrs.get("country_code") for m in members if m.attrs.get("country_code")})
    if type_ == ORGANIZATION and codes and codes[0] in lex.countries:
        country = lex.countries[codes[0]].name
        qualifier = "" if country.lower() in label.lower() else country + " "
    uid = f"{TYPE_PATHS[type_]}/{slugify(qualifier + label)}"
    return ResolvedEntity(uid=uid, type=type_, label=label, alt_labels=alt, docs=set(docs))


def _absorb(into: ResolvedEntity, other: ResolvedEntity) -> None:
    into.alt_labels |= other.alt_labels | ({other.label} - {into.label})
    into.docs |= other.docs


def _map_facts(results, agent_uid) -> list[ResolvedFact]:
    facts = []
    for r in results:
        d = r.document.doc_id
        for f in r.facts:
            s = agent_uid.get((d, f.subject), f"{d}#{f.subject}")
            o = f.obj if isinstance(f.obj, Literal) else agent_uid.get((d, f.obj), f"{d}#{f.obj}")
            facts.append(ResolvedFact(s, f.predicate, o, f.evidence, f.weak))
    return facts


def _drop_overruled(facts) -> list[ResolvedFact]:
    """A default (weak) office fact gives way to any explicit one for the same person."""
    explicit = {f.subject for f in facts if not f.weak and f.predicate in ("officialOf", "leaderOf")}
    return [f for f in facts if not (f.weak and f.subject in explicit)]


def _to_countries(facts, entities) -> list[ResolvedFact]:
    """Policies are imposed by countries or bodies: a person stands for the country they serve."""
    serves: dict[str, str] = {}
    for f in sorted(facts, key=lambda f: (f.predicate != "leaderOf", _fact_sort(f))):
        if f.predicate in ("leaderOf", "officialOf") and isinstance(f.obj, str) and f.obj in entities:
            serves.setdefault(f.subject, f.obj)
    out = []
    for f in facts:
        if f.predicate in ("imposedBy", "party", "targets") and isinstance(f.obj, str) and f.obj in entities:
            if entities[f.obj].type in _PERSONS:
                if f.obj not in serves:
                    continue
                f = ResolvedFact(f.subject, f.predicate, serves[f.obj], f.evidence)
            if f.predicate in ("targets", "party") and entities[f.obj].type not in (COUNTRY, ORGANIZATION):
                continue
        out.append(f)
    return out


def _resolve_occurrences(results, ents, facts, entities):
    """Policies and events: merge those that are the same thing, mint their ids."""
    local = defaultdict(list)
    for f in facts:
        if "#" in f.subject:
            local[f.subject].append(f)
    key_of = {}
    policies: dict[str, tuple] = {}
    fallback: dict[str, tuple] = {}     # policies whose imposer is only a default (the article's country)
    goods_of: dict[str, set] = {}
    for sid, fs in local.items():
        doc_id, lid = sid.rsplit("#", 1)
        e = ents[(doc_id, lid)]
        by = lambda p: tuple(sorted({f.obj for f in fs if f.predicate == p and isinstance(f.obj, str)}))
        dates = tuple(sorted({f.obj.value for f in fs if f.predicate == "date"}))
        if e.type == EVENT:
            people = tuple(sorted({f.obj for f in fs if f.predicate == "participant"
                                   and entities.get(f.obj, None) and entities[f.obj].type in _PERSONS}))
            who = people or by("participant")
            key = (EVENT, e.attrs.get("family", ""), who, dates) if who else (EVENT, sid)
        elif e.type == "TradeAgreement":
            parties = by("party")
            key = (e.type, parties, tuple(sorted({f.obj.value for f in fs if f.predicate == "duration"}))) \
                if parties else (e.type, sid)
        else:
            goods_of[sid] = set(by("appliesTo"))
            strong = tuple(sorted({f.obj for f in fs if f.predicate == "imposedBy" and not f.weak}))
            (policies if strong else fallback)[sid] = (e.type, strong or by("imposedBy"), by("appliesTo"), by("targets"))
            key = (e.type, sid)
        key_of[sid] = key
    fallback = {sid: m for sid, m in fallback.items() if m[1]}
    policy_keys = group_policies({**policies, **fallback})
    key_of.update({sid: policy_keys[sid] for sid in policies})
    # A policy named without its author ("the tariffs") is the one of its class that the
    # same article attributes, when there is exactly one.
    attributed = defaultdict(set)
    orphan_dates: set[str] = set()
    goods_by_key: dict = defaultdict(set)
    for sid, key in key_of.items():
        if key[0] in POLICY_TYPES and key[0] != "TradeAgreement" and key[1] != sid:
            attributed[(sid.rsplit("#", 1)[0], key[0])].add(key)
            goods_by_key[key] |= goods_of.get(sid, set())
    for sid, key in list(key_of.items()):
        if key[0] in POLICY_TYPES and key[1] == sid:
            options = attributed.get((sid.rsplit("#", 1)[0], key[0]), set())
            # ... unless its goods are unrelated to that policy's (a measure on other goods is another policy)
            options = {k for k in options if not goods_of.get(sid) or not goods_by_key.get(k)
                       or goods_of[sid] & goods_by_key[k]}
            if len(options) == 1:
                key_of[sid] = next(iter(options))
            elif sid in fallback:
                key_of[sid] = policy_keys[sid]
                continue
            else:
                # Nobody is said to impose it: too little to be a fact about a policy.
                key_of[sid] = None
                continue
            # Its date, read without its author, is not trusted for the attributed policy.
            orphan_dates.add(sid)
    dropped = {sid for sid, key in key_of.items() if key is None}
    key_of = {sid: key for sid, key in key_of.items() if key is not None}
    facts = [f for f in facts if f.subject not in dropped
             and not (f.subject in orphan_dates and f.predicate in ("date", "duration"))
             and not (f.subject in orphan_dates and f.weak and f.predicate == "imposedBy")]
    groups = defaultdict(list)
    for sid, key in key_of.items():
        groups[key].append(sid)
    new_entities: dict[str, ResolvedEntity] = {}
    uid_of = {}
    for key in sorted(groups, key=lambda k: sorted(groups[k])[0]):
        sids = sorted(groups[key])
        members = [ents[tuple(s.rsplit("#", 1))] for s in sids]
        forms = Counter(f for m in members for f in m.forms)
        verbal = {f for m in members if m.attrs.get("verbal") for f in m.forms}
        # A noun phrase names a policy better than a verb phrase ("restrictions on ..." over "halt ...").
        label = sorted(forms, key=lambda f: (f in verbal, -forms[f], len(f), f))[0]
        type_ = members[0].type
        who = key[2] if type_ == EVENT else key[1]
        who_labels = [entities[w].label for w in who if isinstance(w, str) and w in entities] if isinstance(who, tuple) else []
        base = slugify(" ".join(who_labels + [label]))
        uid = f"{TYPE_PATHS[type_]}/{base}"
        n = 2
        while uid in new_entities or uid in entities:
            uid = f"{TYPE_PATHS[type_]}/{base}-{n}"
            n += 1
        if type_ == EVENT and len(who_labels) >= 2 and key[1]:
            # Named by what happened and who took part ("Ana Ruiz–Kenji Sato call"), not by a verb
            # ("met") or a fragment ("door talks"); the text's own words stay as altLabels.
            kind = key[1]
            for medium in ("phone", "video"):
                if kind == "call" and any(medium in f.lower() for f in forms):
                    kind = f"{medium} call"     # the text said how: "spoke by phone", "video call"
                    break
            label = f"{'–'.join(who_labels)} {kind}"
        new_entities[uid] = ResolvedEntity(uid=uid, type=type_, label=label,
                                           alt_labels=set(forms) - {label},
                                           docs={s.rsplit("#", 1)[0] for s in sids})
        for s in sids:
            uid_of[s] = uid
    out = []
    for f in facts:
        s = uid_of.get(f.subject, f.subject)
        o = uid_of.get(f.obj, f.obj) if isinstance(f.obj, str) else f.obj
        out.append(ResolvedFact(s, f.predicate, o, f.evidence, f.weak))
    # Facts whose subject is a person but whose object is unresolved, or leftovers, are dropped.
    out = [f for f in out if "#" not in f.subject and not (isinstance(f.obj, str) and "#" in f.obj)]
    out = latest_state(out, {r.document.doc_id: r.document.date for r in results})
    unique_labels(new_entities, out, entities)
    return out, new_entities
