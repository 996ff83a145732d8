"""Joining names within and across articles: people by name, bodies by name, head word and initials.

Used by :mod:`kg.resolve`; every step works on indexes keyed by name, so the cost grows with the
number of mentions, not with its square.
"""
from __future__ import annotations

from collections import defaultdict

from kg.lexicon import lexicon
from kg.model import OFFICIAL, ORGANIZATION, PERSON

_PERSONS = (PERSON, OFFICIAL)


def _norm(name: str) -> str:
    import re
    name = re.sub(r"^(?:the|The)\s+", "", name.strip())
    return " ".join(name.replace("’", "'").split())


def drop_stray_names(entities, groups, ents, agent_uid, facts) -> None:
    """A one-word "person" that never has a fuller name, a title, a fact or a verb of saying is a
    capitalised word the NER misread ("Countertrade is costly", "surplus Feedgrains")."""
    used = {f.subject for f in facts} | {f.obj for f in facts if isinstance(f.obj, str)}
    support: dict[str, bool] = defaultdict(bool)
    for members in groups.values():
        for m in members:
            e = ents[m]
            uid = agent_uid.get(m)
            if uid is None or e.type not in _PERSONS:
                continue
            support[uid] |= bool(e.attrs.get("speaker")) or any(len(f.split()) > 1 for f in e.forms) \
                or bool(e.votes.get(OFFICIAL))
    for uid, ok in support.items():
        ent = entities.get(uid)
        if ent is not None and ent.type in _PERSONS and not ok and uid not in used and " " not in ent.label:
            del entities[uid]


def join_people(ents, uf) -> None:
    """People by name, with indexes keyed by name: linear in the number of mentions."""
    lex = lexicon()
    names = {gid: _norm(e.name) for gid, e in ents.items()}
    ordered = sorted(ents)
    full: dict[str, list] = defaultdict(list)        # full name -> gids
    full_docs: dict[str, set] = defaultdict(set)     # full name -> articles it appears in
    single: dict[str, str] = {}                      # one-word person name -> its first gid
    surnames = {}
    for gid in ordered:
        e, name = ents[gid], names[gid]
        if e.type in _PERSONS and len(name.split()) >= 2 and name.split()[0] in lex.name_particles:
            surnames[gid] = name        # "van Dijk": a family name with its particle, not a full name
    for gid in ordered:
        e, name = ents[gid], names[gid]
        if e.type in _PERSONS and gid not in surnames:
            if len(name.split()) >= 2:
                full[name].append(gid)
                full_docs[name].add(gid[0])
            else:
                single.setdefault(name, gid)
    for members in full.values():
        for m in members[1:]:
            uf.union(members[0], m)
    last: dict[str, set] = defaultdict(set)
    first: dict[str, set] = defaultdict(set)
    for name in full:
        words = name.split()
        last[words[-1]].add(name)
        first[words[0]].add(name)
        for k in range(1, len(words) - 1):
            if words[k] in lex.name_particles:
                last[" ".join([words[k].lower(), *words[k + 1:]])].add(name)   # "Pieter van Dijk" is "van Dijk"
    for gid, name in surnames.items():
        words = name.split()
        pool = last.get(" ".join([words[0].lower(), *words[1:]]), set())
        choice = {n for n in pool if gid[0] in full_docs[n]} or pool
        if len(choice) == 1:
            uf.union(full[next(iter(choice))][0], gid)
    for gid in ordered:
        e, name = ents[gid], names[gid]
        if e.type == ORGANIZATION:
            if set(name.lower().split()) & lex.org_heads or len(name.split()) > 3 or name.isupper():
                continue
        elif e.type not in _PERSONS:
            continue
        if name in full:
            if e.type == ORGANIZATION:
                uf.union(full[name][0], gid)
            continue
        if len(name.split()) != 1:
            continue
        for pool in (last.get(name, set()), first.get(name, set())):
            choice = {n for n in pool if gid[0] in full_docs[n]} or pool
            if len(choice) == 1:
                uf.union(full[next(iter(choice))][0], gid)
                break
        else:
            # A one-word name seen elsewhere as a person (an "organization" the NER got wrong
            # included) joins that person.
            other = single.get(name)
            if other is not None and other != gid:
                uf.union(other, gid)


def join_organizations(ents, uf) -> None:
    lex = lexicon()
    orgs: dict[str, str] = {}
    for gid, e in sorted(ents.items()):
        if e.type != ORGANIZATION:
            continue
        key = _norm(e.name).lower()
        if e.attrs.get("country_code"):
            key += "|" + e.attrs["country_code"]     # China's and India's "Ministry of Commerce" differ
        if key in orgs:
            uf.union(orgs[key], gid)
        else:
            orgs[key] = gid
    initials: dict[str, list[str]] = defaultdict(list)
    for key, gid in sorted(orgs.items()):
        words = key.split()
        for k in range(1, len(words)):
            prefix = " ".join(words[:k])
            if prefix in orgs and all(w in lex.org_heads for w in words[k:]):
                uf.union(orgs[prefix], gid)
        caps = "".join(w[0] for w in _norm(ents[gid].name).split() if w[:1].isupper())
        if len(caps) >= 2 and len(words) >= 2:
            initials[caps.lower()].append(gid)
    _join_within_articles(ents, uf)
    # "U.S. Senate" is the "Senate" the corpus names: a national body written with its country.
    for key, gid in sorted(orgs.items()):
        words = _norm(ents[gid].name).split()
        for k in range(1, len(words)):
            rest = " ".join(words[k:]).lower()
            if rest in orgs and lex.country_of(" ".join(words[:k]), allow_ambiguous=False):
                uf.union(orgs[rest], gid)
                break
    # "EU" is "European Union" when the corpus spells out exactly one such name.
    for key, gid in sorted(orgs.items()):
        if ents[gid].name.isupper() and 2 <= len(key) <= 6 and len({uf.find(g) for g in initials.get(key, [])}) == 1:
            uf.union(initials[key][0], gid)


def _join_within_articles(ents, uf) -> None:
    """In one article, "the Commission" is the one "Andean Tin Commission" it names, and "Nph" is
    the one body whose initials it spells ("Nordic Paper Holdings")."""
    lex = lexicon()
    by_doc: dict[str, list] = defaultdict(list)
    for gid, e in sorted(ents.items()):
        if e.type in (ORGANIZATION, *_PERSONS) and e.forms:
            by_doc[gid[0]].append(gid)
    for gids in by_doc.values():
        orgs = [g for g in gids if ents[g].type == ORGANIZATION and len(_norm(ents[g].name).split()) >= 2]
        for gid in gids:
            e = ents[gid]
            name = _norm(e.name)
            if " " in name:
                continue
            named = {uf.find(g) for g in orgs if name in ents[g].forms}
            if e.type == ORGANIZATION and len(named) == 1:
                uf.union(next(iter(named)), gid)      # "ATC" where the article wrote "Andean Tin Council (ATC)"
                continue
            if e.type == ORGANIZATION and name.lower() in lex.org_heads:
                fits = {uf.find(g) for g in orgs if name in _norm(ents[g].name).split()}
                if len(fits) == 1:
                    uf.union(next(iter(fits)), gid)
                continue
            if 2 <= len(name) <= 6 and name[0].isupper():
                fits = {uf.find(g) for g in orgs
                        if "".join(w[0] for w in _norm(ents[g].name).split() if w[:1].isupper()) == name.upper()}
                if len(fits) == 1:
                    e.type = ORGANIZATION
                    e.vote(ORGANIZATION, sum(e.votes.values()) + 1)
                    uf.union(next(iter(fits)), gid)
