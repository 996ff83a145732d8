"""Policies from their phrases: export controls, tariffs, sanctions, trade agreements.

A trigger (a noun such as "export restrictions", "tariffs", "truce", or a verb
such as "halt exports") anchors the policy; its dependency subtree gives the
goods (``kg:appliesTo``), the possessor, modifier or subject of the governing
verb gives who imposed it, "to X", "against X" or "on Chinese goods" give the
target, and dates and "90-day" durations are read from the same clause.
"""
from __future__ import annotations

import re

from kg.extract.context import Paragraph, base, verb_forms
from kg.extract.measures import crosses_flow
from kg.extract.scope import (WEAK_AGREEMENTS as _WEAK_AGREEMENTS,
                              agreement_above as _agreement_above, means_of as _means_of, label as _label,
                              reachable as _reachable, scope as _scope)
from kg.extract.triggers import EXPORT_WORDS as _EXPORT_WORDS, bare_ban, policy_class as _trigger_type
from kg.extract.goods_refs import fuller, implied_goods, note_paragraph
from kg.extract.dates import parse_duration
from kg.extract.policy_facts import (TARIFF_CLASSES as _TARIFFS, attributes as _attributes,
                                     dates_of_previous as _dates_of_previous, more_targets as _more_targets,
                                     open_goods as _open_goods, reference_date as _reference_date, state as _state,
                                     excepted as _excepted, default_imposer as _default_imposer,
                                     sanctioned_not_sanctioning as _sanctioned)
from kg.lexicon import lexicon
from kg.model import (EXPORT_BAN, IMPORT_BAN, QUOTA, SANCTION, COMMODITY, COUNTRY, ORGANIZATION, PERSON, OFFICIAL, TRADE_AGREEMENT)

_GOVT_NAME = re.compile(r"^(?:the\s+)?(?:Ministry|Department|Cabinet|Customs|Council of Ministers|Federal Council)\b"
                        r"|^(?:the\s+)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?:Ministry|Department)$")     # "Trade Ministry"
_AGREEMENT_WORDS = {"agreement", "accord", "treaty", "pact", "convention", "protocol"}
_SPEECH = {"say", "tell", "add", "note", "warn", "argue", "claim", "report", "state", "write"}
_GIVING = {"grant", "give", "offer", "accord", "award"}
_SIGNING = {"sign", "conclude", "renegotiate", "negotiate", "initiate", "ratify", "reach", "extend", "renew",
            "honor", "honour", "promote", "strike", "seal"}
_HOME_NOUNS = {"government", "authority", "cabinet", "administration", "ministry", "customs"}
_PARTY_PLURALS = {"nation", "country", "side", "government", "economy", "power", "leader"}
_GOVT_NOUNS = {"administration", "government", "ministry", "cabinet", "authorities", "authority", "delegation",
               "minister", "official", "leader", "delegate", "representative",
               "negotiator", "envoy", "team", "standard", "application", "regulator", "law", "legislation",
               "department", "decision", "move", "plan", "order", "measure", "way", "bid", "step"}


def _governor(token):
    """The verb that governs a policy noun (through "decision to halt" and "on" phrases)."""
    t = token
    while t.dep_ in ("compound", "amod", "nmod") and t.head.pos_ in ("NOUN", "PROPN") and t.head.i != t.i:
        t = t.head
    for _ in range(4):
        if t.dep_ in ("dobj", "nsubjpass", "attr", "oprd") or (t.dep_ == "pobj" and t.head.dep_ == "prep"):
            head = t.head if t.dep_ != "pobj" else t.head.head
            if head.pos_ in ("VERB", "AUX"):
                return head
            t = head
            continue
        if t.dep_ == "conj":
            t = t.head
            continue
        break
    return token.head if token.head.pos_ == "VERB" and token.dep_ != "ROOT" else None


def _agent_of(par: Paragraph, token, depth: int = 0) -> str | None:
    """Who a noun phrase stands for: a country, body or person (via possessive of "administration").

    A national government body whose country the text gives ("China's Ministry of Commerce")
    stands for that country.
    """
    if depth > 3:
        return None
    if token.lower_ in ("it", "its") and depth == 0:
        # "the Commission has adopted ..., where it has imposed": the nearest subject before it, if known
        before = [t for t in token.sent if t.i < token.i and t.dep_ in ("nsubj", "nsubjpass") and t.lower_ != "it"]
        if before:
            return _agent_of(par, before[-1], 1)
    lid = par.agent_at(token) or par.body_country.get(token.i)
    if lid is None and token.pos_ in ("NOUN", "PROPN") and any(c.lower_ == "the" for c in token.children):
        # "the community", "the ministry": the article's one body of that name ("European Community")
        named = {k for k, e in par.table.entities.items() if e.type == ORGANIZATION and e.forms
                 and e.name.split()[-1].lower() == token.lower_}
        lid = named.pop() if len(named) == 1 else None
    if lid and par.type_of(lid) == ORGANIZATION and par.table.entities[lid].attrs.get("country"):
        return par.table.entities[lid].attrs["country"]
    if lid and par.type_of(lid) == ORGANIZATION and _GOVT_NAME.search(par.table.entities[lid].name):
        # A ministry or cabinet whose country the text does not give: the dateline's, else the article's.
        return par.table.home_country or _default_imposer(par) or lid
    if lid and par.type_of(lid) in (COUNTRY, ORGANIZATION, PERSON, OFFICIAL):
        return lid
    if token.lower_ in ("we", "our") and depth == 0:
        return _default_imposer(par)     # a government speaking of itself
    if token.lower_ in ("country", "nation") and any(c.lower_ in ("the", "this") for c in token.children):
        return _default_imposer(par)     # "the country's quota": the article's country
    if token.lower_ in _GOVT_NOUNS or base(token) in _GOVT_NOUNS:
        for c in token.children:
            # "the sanctions law, enacted by the United States": who enacted it, not whom it names
            if c.dep_ == "acl":
                for a in c.children:
                    if a.dep_ == "agent":
                        for g in a.children:
                            if g.dep_ == "pobj" and _agent_of(par, g, depth + 1):
                                return _agent_of(par, g, depth + 1)
        for c in token.children:
            if c.dep_ == "prep" and c.lower_ == "of":   # "by a strict application of French standards"
                for g in c.children:
                    if g.dep_ == "pobj" and _agent_of(par, g, depth + 1):
                        return _agent_of(par, g, depth + 1)
        for c in token.children:
            if c.dep_ in ("poss", "compound", "amod", "nmod"):
                found = _agent_of(par, c, depth + 1)
                if found:
                    return found
        if depth == 0 and base(token) in _HOME_NOUNS and par.table.home_country:
            return par.table.home_country     # "the government" of a story datelined in its capital
    return None


def _imposer(par: Paragraph, anchor, gov) -> str | None:
    for c in anchor.children:
        if c.dep_ in ("poss", "compound", "amod", "nmod") and c.lower_ not in _EXPORT_WORDS:
            lid = _agent_of(par, c)
            if lid:
                return lid
    for c in anchor.children:  # "imposed by X"
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            for g in c.children:
                if g.dep_ == "pobj" and _agent_of(par, g):
                    return _agent_of(par, g)
    t = anchor
    # "China's decision to halt exports": climb from the verb to the noun it modifies (not through
    # "X, who said ...": the speaker is not the one who imposes).
    for _ in range(6):
        if verb_forms(t) & _SPEECH:
            break
        if t.dep_ in ("acl", "xcomp", "relcl") and t.head.pos_ in ("NOUN", "PROPN") and not (
                t.dep_ == "relcl" and any(c.dep_ == "nsubj" for c in t.children)):
            for c in t.head.children:
                if c.dep_ in ("poss", "compound", "amod"):
                    lid = _agent_of(par, c)
                    if lid:
                        return lid
            if t.head.dep_ == "dobj" and t.head.head.pos_ == "VERB":
                # "China signed an agreement to restrain exports": who signed it
                for c in t.head.head.children:
                    if c.dep_ == "nsubj" and _agent_of(par, c):
                        return _agent_of(par, c)
        t = t.head
        if t.dep_ == "ROOT":
            break
    if gov is not None and gov.dep_ == "ccomp" and verb_forms(gov.head) & _GIVING:
        # "Chile grants Norway improved market access", parsed as a clause of its own
        for c in gov.head.children:
            if c.dep_ == "nsubj" and _agent_of(par, c):
                return _agent_of(par, c)
    if gov is not None and (gov is anchor or verb_forms(gov) & _imposing()):
        for c in sorted(gov.children, key=lambda c: -c.i):     # the subject nearest the verb
            if c.dep_ in ("nsubj",):
                lid = _agent_of(par, c)
                if lid:
                    return lid
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj" and _agent_of(par, g):
                        return _agent_of(par, g)
        if any(c.dep_ == "auxpass" for c in gov.children):
            for c in gov.children:      # "quotas are being reestablished in Brazil"
                if c.dep_ == "prep" and c.lower_ == "in":
                    for g in c.children:
                        if g.dep_ == "pobj" and par.type_of(par.agent_at(g)) == COUNTRY:
                            return par.agent_at(g)
        if gov.dep_ == "xcomp" and gov.head.pos_ == "VERB":
            for c in gov.head.children:     # "press Japan to eliminate quotas": the object acts
                objs = [c] if c.dep_ == "dobj" else [g for g in c.children if g.dep_ == "pobj"] \
                    if c.dep_ == "prep" and c.lower_ == "on" else []      # "called on the U.S. to remove"
                for o in objs:
                    lid = _agent_of(par, o) if o.i < gov.i else None
                    if lid:
                        return lid
        if gov.dep_ in ("xcomp", "conj") and gov.head.pos_ in ("VERB", "AUX"):
            for c in gov.head.children:
                if c.dep_ == "nsubj":
                    lid = _agent_of(par, c)
                    if lid:
                        return lid
    outer = _means_of(gov)      # "Korea will welcome X by easing its ban": who welcomes it
    return _imposer(par, outer, outer) if outer is not None else None


def _imposing() -> set[str]:
    return set(lexicon().triggers.get("imposing_verbs", []))


def _parties(par: Paragraph, anchor, gov) -> list[str]:
    found: list[str] = []
    agreement_words = set(lexicon().triggers["policy"]["TradeAgreement"]["nouns"])

    def add(lid):
        if lid and par.type_of(lid) in (COUNTRY, ORGANIZATION, PERSON, OFFICIAL) and lid not in found and \
                not {base(w) for w in par.table.entities[lid].name.lower().split()} & agreement_words:
            found.append(lid)       # (an "organization" named like the agreement itself is not a party)
    for c in anchor.children:
        split = "-" in c.text and any(lexicon().country_of(x) for x in c.text.split("-"))
        if c.dep_ in ("compound", "amod", "nmod") and not split \
                and par.type_of(par.agent_at(c)) in (COUNTRY, ORGANIZATION):
            add(par.agent_at(c))        # "a U.S.-Soviet grain agreement", "the EU-Japan deal"
            for x in c.children:
                if x.dep_ in ("compound", "amod", "nmod", "conj") and par.type_of(par.agent_at(x)) == COUNTRY:
                    add(par.agent_at(x))
        if c.dep_ in ("compound", "amod", "nmod") and "-" in c.text:
            # "a U.S.-Soviet grain agreement": each side of the hyphen
            for part in c.text.split("-"):
                code = lexicon().country_of(part)
                if code:
                    start = par.offset + c.idx
                    add(par.table.add(COUNTRY, lexicon().countries[code].name, part, (start, start + len(c.text)),
                                      key=code))
    purpose = [c for c in (gov.children if gov is not None and gov.i != anchor.i else [])
               if c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    for c in [*anchor.children, *purpose]:
        if c.dep_ in ("acl", "relcl", "advcl") and c.pos_ == "VERB":
            # "a trade protocol to buy copper from Zambia"
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in ("from", "to", "with"):
                    for g in p.children:
                        if g.dep_ == "pobj" and par.type_of(par.agent_at(g)) == COUNTRY:
                            add(par.agent_at(g))
    for c in anchor.children:
        if c.dep_ == "prep" and c.lower_ in ("between", "with"):
            for t in c.subtree:         # the partners themselves, not "a Dutch retailer"
                if t.dep_ in ("pobj", "conj") or par.entity_at(t.head) == par.entity_at(t):
                    add(par.agent_at(t))
        if c.dep_ == "poss":
            add(_agent_of(par, c))
    verb = gov
    for _ in range(3):
        if verb is None:
            break
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                group = [c, *[t for t in c.subtree if t.dep_ == "conj"]]
                for t in group:
                    lid = _agent_of(par, t)
                    if lid:
                        add(lid)
                    elif base(t) in _PARTY_PLURALS and any(x.lower_ in ("both", "two") for x in t.subtree):
                        for top in par.table.top_countries(2):
                            add(top)
            if c.dep_ == "prep" and c.lower_ == "with":
                for t in c.subtree:
                    add(par.agent_at(t))
        purpose = verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        if found or (verb.dep_ not in ("xcomp", "conj") and not purpose):
            break
        verb = verb.head
    return found


_TARGET_NOUNS = {"good", "product", "import", "export", "company", "firm", "bank", "entity", "individual",
                 "official", "vessel", "tanker", "ship", "airline", "carrier", "maker", "producer", "supplier",
                 "exporter", "importer", "shipment", "business", "investor", "investment", "asset", "car", "vehicle"}
def find_policies(par: Paragraph) -> None:
    table = par.table
    note_paragraph(par)
    triggers = [(t, _trigger_type(t)) for t in par.doc]
    triggers = [(t, ty) for t, ty in triggers if ty is not None]
    if not triggers and not any(t.lower_ in _WEAK_AGREEMENTS for t in par.doc):
        _reference_date(par)
        _dates_of_previous(par, {})
        return
    weak = [(t, TRADE_AGREEMENT) for t in par.doc if t.lower_ in _WEAK_AGREEMENTS and t.pos_ == "NOUN"]
    ordered = sorted(triggers + weak, key=lambda x: (x[1] != TRADE_AGREEMENT, x[0].i))
    agreements: dict[int, str] = {}
    sentence_pids: dict[int, list[str]] = {}
    _reference_date(par)
    for anchor, type_ in ordered:
        if type_ in (IMPORT_BAN, EXPORT_BAN):
            if bare_ban(anchor) and _state(table).get("ban_class"):
                type_ = _state(table)["ban_class"]     # "the ban on cobalt ore" in a story of export bans
            elif not bare_ban(anchor):
                _state(table)["ban_class"] = type_
        gov = _governor(anchor) if anchor.pos_ != "VERB" else anchor
        scope = [t for t in _scope(anchor, gov) if _reachable(t, anchor, gov)]
        scope_ids = {t.i for t in scope}
        goods, targets, dates, durations = [], [], [], []
        for t in sorted(scope, key=lambda x: x.i):
            lid = par.entity_at(t)
            kind = par.type_of(lid)
            if kind == COMMODITY and lid not in goods and not crosses_flow(t, anchor) and not _excepted(t):
                goods.append(lid)
            elif kind == COUNTRY and lid not in targets and not _excepted(t):
                while t.head.i == t.i + 1 and t.dep_ == "compound" and t.ent_type_ and t.head.ent_type_ == t.ent_type_ \
                        and par.entity_at(t.head) in (None, lid):
                    t = t.head      # "from the Slovak Republic": the name's head word
                p = t.head
                if (t.head.dep_ == "prep" or t.dep_ == "pobj") and t.head.lower_ in ("to", "against", "at", "from", "on"):
                    targets.append(lid)
                elif t.dep_ == "conj" and par.entity_at(t.head) in targets:
                    targets.append(lid)
                elif t.dep_ in ("amod", "compound", "poss") and p.i in scope_ids and p.i != anchor.i \
                        and (par.type_of(par.entity_at(p)) == COMMODITY or base(p) in _TARGET_NOUNS):
                    targets.append(lid)
            elif kind == ORGANIZATION and lid not in targets and not _excepted(t) and (
                    t.dep_ == "pobj" and t.head.lower_ in ("against", "from") or (
                        t.dep_ == "conj" and par.entity_at(t.head) in targets)):
                targets.append(lid)     # a bloc or body: "duties on goods from the EU", "Mexican and EU steel"
            if t.ent_type_ == "DATE":
                dates.append(t)
        for t in scope:
            if t.like_num or "-" in t.text or t.ent_type_ == "DATE":
                d = parse_duration(par.doc[t.i:t.i + 3].text)
                if d and d not in durations:
                    durations.append(d)
        ev = par.evidence(anchor)
        if type_ == TRADE_AGREEMENT:
            parties = [p for p in _parties(par, anchor, gov) if par.type_of(p) in (COUNTRY, ORGANIZATION, PERSON, OFFICIAL)]
            generic = anchor.tag_ in ("NNS",) and not any(c.dep_ in ("det", "poss", "nummod") for c in anchor.children)
            need = 2 if anchor.lower_ in _WEAK_AGREEMENTS else 1
            definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in anchor.children)
            if not parties and definite and table.last_agreement and anchor.head.lower_ in ("under", "in", "through"):
                # "Under the agreement, Mercosur will cut duties on wine": the article's agreement covers them.
                if anchor.head.head.pos_ in ("VERB", "AUX"):
                    agreements[anchor.head.head.i] = table.last_agreement
                continue
            signed = gov is not None and bool(verb_forms(gov) & _SIGNING) and parties and all(
                par.type_of(p) in (COUNTRY, ORGANIZATION) for p in parties)
            if generic or len(parties) < need or (len(parties) < 2 and not durations and not signed):
                continue
            label = _label(anchor)
            pid = table.new(type_, label, (ev.start, ev.end))
            agreements[anchor.i] = pid
            table.last_agreement = pid
            for p in parties:
                table.fact(pid, "party", p, ev)
            for g in _open_goods(par, anchor, gov, []):
                table.fact(pid, "appliesTo", g, ev)      # the goods the agreement covers
        else:
            host = _agreement_above(anchor, agreements) if type_ in (*_TARIFFS, QUOTA) else None
            if host is not None:
                # Tariffs an agreement cuts and quotas it opens are goods it covers, not measures of their own.
                for g in goods:
                    table.fact(host, "appliesTo", g, ev)
                continue
            imposer = _sanctioned(par, anchor, _imposer(par, anchor, gov), targets, type_ == SANCTION)
            goods = goods + [g for g in _open_goods(par, anchor, gov, targets) if g not in goods]
            goods = list(dict.fromkeys(fuller(par, g) for g in goods)) or implied_goods(par, anchor, type_, ev)
            targets = [t for t in targets + _more_targets(par, anchor, gov, scope) if t != imposer]
            targets = list(dict.fromkeys(targets))
            default = None if imposer or _foreign_made(par, anchor, gov) else _default_imposer(par, targets)
            if imposer and {base(w) for w in table.entities[imposer].name.lower().split()} & _AGREEMENT_WORDS:
                imposer = None      # "the General Agreement on Tariffs and Trade" imposes nothing
            if imposer is None and not goods and not targets:
                continue
            label = _label(anchor)
            # "Vietnam and South Korea have imposed duties": each imposed its own.
            for who in [imposer, *_co_imposers(par, gov, imposer)]:
                pid = table.new(type_, label, (ev.start, ev.end))
                if anchor.pos_ == "VERB":
                    table.entities[pid].attrs["verbal"] = "1"
                if who:
                    table.fact(pid, "imposedBy", who, ev)
                if who and par.type_of(who) in (PERSON, OFFICIAL):
                    # A person stands for the country they serve; if the texts never say which, the
                    # article's country (overruled by any country the person turns out to serve).
                    default = _default_imposer(par, targets)
                if (not who or par.type_of(who) in (PERSON, OFFICIAL)) and default and (goods or targets) \
                        and default not in targets:
                    table.fact(pid, "imposedBy", default, ev, weak=True)
                for t in (x for x in targets if x != who):
                    table.fact(pid, "targets", t, ev)
                for g in goods:
                    table.fact(pid, "appliesTo", g, ev)
                _attributes(par, pid, type_, anchor, gov, scope, dates, durations, ev)
                sentence_pids.setdefault(anchor.sent.start, []).append(pid)
            _state(table)["last_targets"] = targets or _state(table)["last_targets"]
            continue
        _attributes(par, pid, type_, anchor, gov, scope, dates, durations, ev)
        sentence_pids.setdefault(anchor.sent.start, []).append(pid)
    _dates_of_previous(par, sentence_pids)


def _foreign_made(par: Paragraph, anchor, gov) -> bool:
    """No default author for "European government subsidies" or a measure "it" imposed when "it" is unknown."""
    if any(c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE") for c in anchor.children):
        return True
    return gov is not None and any(c.dep_ == "nsubj" and c.lower_ == "it" for c in gov.children)


def _co_imposers(par: Paragraph, gov, imposer) -> list[str]:
    """Countries joined to the imposing subject by "and"."""
    if imposer is None or gov is None:
        return []
    out = []
    for c in gov.children:
        if c.dep_ == "nsubj" and _agent_of(par, c) == imposer:
            for t in c.subtree:
                if t.dep_ == "conj" and t.head.i != t.i:
                    lid = _agent_of(par, t)
                    if lid and lid != imposer and lid not in out and par.type_of(lid) in (COUNTRY, ORGANIZATION):
                        out.append(lid)
    return out
