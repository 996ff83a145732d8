"""The facts a policy carries beyond who and what: open goods, more targets, rate, status, dates.

:func:`kg.extract.policies.find_policies` finds the measure and its imposer; this module adds
the goods its scope names (commodity terms or not), targets given as "the two countries" or
"trade with X", rates ("25 pct"), the status the governing words give, and effective and end
dates resolved against the article's date (or, when ingestion has none, the first full date
the article states, as in a notice's "Dated: March 09, 2022").
"""
from __future__ import annotations

import re

from kg.extract.context import Paragraph, base, verb_forms
from kg.extract.dates import parse_date
from kg.extract.measure_state import date_role, immediate, status
from kg.extract.measures import goods_heads, goods_name, rates
from kg.model import (ANTI_DUMPING_DUTY, COMMODITY, COUNTERVAILING_DUTY, COUNTRY, ORGANIZATION, TARIFF,
                      TRADE_AGREEMENT, Literal)

TARIFF_CLASSES = (TARIFF, ANTI_DUMPING_DUTY, COUNTERVAILING_DUTY)
_GIVING = {"grant", "give", "offer", "accord", "award"}
_PUNITIVE = {"sanction", "embargo", "boycott"}
_COVER_VERBS = {"cover", "include", "apply", "affect", "extend", "concern", "hit"}
_TRADE_NOUNS = {"trade", "activity", "commerce", "dealing", "business", "relation", "transaction"}
_FULL_DATE = re.compile(
    r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\.?\s+\d{1,2},?\s+"
    r"(?:19|20)\d{2}|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(?:19|20)\d{2}|(\d{2})\.(\d{2})\.((?:19|20)\d{2}))\b")


def state(table) -> dict:
    """Per-article memory of the policy rules (kept on the article table)."""
    st = getattr(table, "policy_state", None)
    if st is None:
        st = {"ref": table.document.date, "paragraphs": 0, "last_pids": [], "last_targets": []}
        table.policy_state = st
    return st


def reference_date(par: Paragraph) -> None:
    """The article's date, else the first full date among its first paragraphs."""
    st = state(par.table)
    st["paragraphs"] += 1
    if st["ref"] or st["paragraphs"] > 12 or par.is_headline:
        return
    m = _FULL_DATE.search(par.doc.text)
    if not m:
        return
    if m.group(1):
        st["ref"] = f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
        return
    lit = parse_date(m.group(0))
    if lit and lit.datatype == "date":
        st["ref"] = lit.value


def open_goods(par: Paragraph, anchor, gov, targets: list) -> list[str]:
    """Goods the measure's scope names: commodity mentions, else the head nouns themselves."""
    out = []
    for t in goods_heads(anchor, gov):
        if excepted(t):
            continue        # "(excluding gold)"
        lid = par.entity_at(t)
        if lid:
            if par.type_of(lid) == COMMODITY and lid not in out:
                out.append(lid)
            continue
        known = [par.entity_at(c) for c in t.children if c.dep_ == "compound" and c.i == t.i - 1
                 and par.type_of(par.entity_at(c)) == COMMODITY]
        if known:       # "hot-rolled steel plates": the good the article's terms already name
            if known[0] not in out:
                out.append(known[0])
            continue
        name = goods_name(t)
        if not name:
            continue
        norm = lambda x: x.lower().replace(" - ", "-").replace(" -", "-").replace("- ", "-")
        first = next((k for k in range(t.i, max(-1, t.i - 10), -1) if norm(t.doc[k:t.i + 1].text) == name), t.i)
        span = t.doc[first:t.i + 1]
        inner = [par.entity_at(x) for x in span if par.type_of(par.entity_at(x)) == COMMODITY]
        if inner:
            if inner[-1] not in out:
                out.append(inner[-1])
            continue
        start = par.offset + span[0].idx
        lid = par.table.add(COMMODITY, name, span.text, (start, start + len(span.text)), key=name)
        par.table.entities[lid].attrs.setdefault("open", "1")    # named only as a measure's goods
        par.tok_ent.setdefault(t.i, lid)
        for c in t.children:
            # "Japanese semiconductors": the demonym on the goods is the target.
            clid = par.entity_at(c)
            if c.dep_ in ("amod", "compound") and par.type_of(clid) == COUNTRY and clid not in targets:
                targets.append(clid)
        out.append(lid)
    return out


def more_targets(par: Paragraph, anchor, gov, scope) -> list[str]:
    """ "from the two countries" (the ones just named), "trade with Libya", "X had been exempted from the duties"."""
    st = state(par.table)
    out = []
    if gov is not None and verb_forms(gov) & {"exempt", "spare"}:
        for c in gov.children:
            if c.dep_ == "nsubjpass":
                for x in [c, *(g for g in c.subtree if g.dep_ == "conj")]:
                    lid = par.agent_at(x)
                    if par.type_of(lid) in (COUNTRY, ORGANIZATION):
                        out.append(lid)
    if gov is not None and verb_forms(gov) & _GIVING:
        out.extend(par.agent_at(c) for c in gov.children if c.dep_ == "dative")     # "grants Switzerland access"
    if gov is not None and gov.dep_ == "ccomp" and verb_forms(gov.head) & _GIVING:
        out.extend(par.agent_at(c) for c in gov.children if c.dep_ == "nsubj")      # the same, parsed as a clause
    out = [x for x in out if par.type_of(x) in (COUNTRY, ORGANIZATION)]
    for c in anchor.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            # "The Ruritanian sanctions law ... prohibited imports": sanctions are aimed at the country named
            for x in c.subtree:
                if base(x) in _PUNITIVE:
                    near = [m for m in x.doc[max(c.left_edge.i, x.i - 3):x.i]]     # "Ruritanian sanctions law"
                    out.extend(par.entity_at(m) for m in near if par.type_of(par.entity_at(m)) == COUNTRY)
    for t in scope:
        if t.dep_ == "pobj" and base(t) in ("country", "nation") and t.head.lower_ in ("from", "against", "on") and any(
                c.lower_ in ("two", "both", "three") for c in t.children):
            out.extend(st["last_targets"])
        if t.dep_ == "poss" and t.lower_ in ("its", "their") and base(t.head) in ("export", "import", "good", "product"):
            lid = par.agent_at(t)       # "ease curbs on its exports"
            if par.type_of(lid) in (COUNTRY, ORGANIZATION):
                out.append(lid)
        if t.dep_ == "pobj" and t.head.lower_ == "with" and base(t.head.head) in _TRADE_NOUNS:
            lid = par.agent_at(t)
            if par.type_of(lid) in (COUNTRY, ORGANIZATION):
                out.append(lid)
    return out


def attributes(par: Paragraph, pid: str, type_: str, anchor, gov, scope, date_tokens, durations, ev) -> None:
    """Rate, status, effective/end date, announcement date and duration of one policy mention."""
    table = par.table
    st = state(table)
    for d in durations[:1]:
        table.fact(pid, "duration", d, ev)
    if type_ in TARIFF_CLASSES:
        for r in rates(scope):
            table.fact(pid, "rate", Literal(_decimal(r), "decimal"), ev)
    s = status(anchor, gov)
    if s:
        table.fact(pid, "status", Literal(s, "PolicyStatus"), ev)
    announced = None
    for ent in _ents(par, date_tokens):
        role = date_role(ent)
        lit = parse_date(ent.text, st["ref"])
        if lit is None:
            continue
        if role in ("effective", "end"):
            if lit.datatype in ("date", "gYearMonth"):
                table.fact(pid, "effectiveDate" if role == "effective" else "endDate", lit, ev)
        elif announced is None:
            announced = lit
    if announced:
        table.fact(pid, "date", announced, ev)
    if immediate(anchor.sent) and st["ref"]:
        table.fact(pid, "effectiveDate", Literal(st["ref"], "date"), ev)


def dates_of_previous(par: Paragraph, sentence_pids: dict) -> None:
    """ "The amendment will be ... put into force on May 3": a sentence that names no measure
    but gives when one takes effect or ends speaks of the measures of the sentence before."""
    st = state(par.table)
    last: list[str] = []
    for sent in par.doc.sents:
        pids = sentence_pids.get(sent.start)
        if pids:
            last = pids
            if len(pids) == 1:
                # "the ban on imports of X ... will be put into force on May 10": one measure in the
                # sentence takes the sentence's dates of effect.
                _role_dates(par, sent, pids, st, par.evidence(sent[0]))
            continue
        if not last:
            continue
        subj = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"]
        if not subj or not (subj[0].lower_ in ("it", "this", "they", "these") or any(
                c.lower_ in ("the", "this", "that") for c in subj[0].children)):
            continue
        ev = par.evidence(sent[0])
        root = sent.root
        if root.pos_ == "VERB" and verb_forms(root) & _COVER_VERBS:
            # "This covered imports of wool, honey and tin."
            measures = [pid for pid in last if par.table.entities[pid].type != TRADE_AGREEMENT]
            for g in open_goods(par, root, root, []) if measures else []:
                for pid in measures:
                    par.table.fact(pid, "appliesTo", g, ev)
        _role_dates(par, sent, last, st, ev)
    st["last_pids"] = last


def _role_dates(par: Paragraph, sent, pids, st, ev) -> None:
    for ent in par.doc.ents:
        if ent.start < sent.start or ent.end > sent.end or ent.label_ != "DATE":
            continue
        role = date_role(ent)
        lit = parse_date(ent.text, st["ref"])
        if role and lit and lit.datatype in ("date", "gYearMonth"):
            for pid in pids:
                par.table.fact(pid, "effectiveDate" if role == "effective" else "endDate", lit, ev)


def _ents(par: Paragraph, tokens):
    seen = set()
    for t in sorted(tokens, key=lambda x: x.i):
        ent = next((e for e in par.doc.ents if e.start <= t.i < e.end), None)
        if ent is None or ent.start in seen:
            continue
        seen.add(ent.start)
        yield ent


def _decimal(r) -> str:
    text = format(r, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def excepted(t) -> bool:
    """ "(except from Afghanistan)", "excluding gold": what the measure leaves out is not its target or goods."""
    node = t
    for _ in range(4):
        if node.lower_ in ("except", "excluding", "exempting", "besides") or node.head.i == node.i:
            # (a bracket closed in between ends the exception: "(except from X), crockery")
            return node.lower_ in ("except", "excluding", "exempting", "besides") and not any(
                w.text == ")" for w in t.doc[min(node.i, t.i):max(node.i, t.i)])
        node = node.head
    return False


def default_imposer(par: Paragraph, exclude=()) -> str | None:
    """Who imposes a measure that names no author, if no other measure of its class in the
    article has one: the first country the article makes the subject of a clause ("for Japan to
    contribute ..., we have decided"), else the dateline's country, else the country it names most."""
    st = state(par.table)
    top = par.table.top_countries(1)
    for lid in (st.get("subject_country"), par.table.home_country, top[0] if top else None):
        if lid and lid not in exclude:
            return lid
    return None


def note_subject_country(par: Paragraph) -> None:
    st = state(par.table)
    if st.get("subject_country") or par.is_headline:
        return
    for t in par.doc:
        if t.dep_ not in ("nsubj", "nsubjpass"):
            continue
        # "Japan decided", "The Uzbek government made a decision"
        for x in [t] + ([c for c in t.children if c.dep_ in ("compound", "amod", "poss")]
                        if base(t) in ("government", "cabinet", "ministry", "authority", "administration") else []):
            lid = par.entity_at(x)
            if lid and par.type_of(lid) == COUNTRY:
                st["subject_country"] = lid
                return


def sanctioned_not_sanctioning(par: Paragraph, anchor, imposer, targets: list, sanction: bool = False) -> str | None:
    """ "South African sanctions", "Iran sanctions": a country that only modifies the word "sanctions"
    is whom they aim at, unless it is the article's own country ("U.S. sanctions" in a Washington story)."""
    if imposer is None or (base(anchor) not in _PUNITIVE and not sanction):
        return imposer
    mods = {par.entity_at(c) for c in anchor.children if c.dep_ in ("compound", "amod")}
    if imposer in mods and par.type_of(imposer) == COUNTRY and imposer != default_imposer(par):
        targets.append(imposer)
        return None
    return imposer

