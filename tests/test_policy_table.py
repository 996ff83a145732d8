"""Table-driven tests of trade measures: kinds, imposers, targets, goods, rates, status and dates.

Sentences written for these tests (other countries and goods than the development texts).
The fast half runs the rules on hand-built spaCy Docs (no model): rates, date roles, the
trigger table, policy identity and labels. The `model` half parses whole sentences and checks
the facts the graph gets. Every sentence that must yield nothing has a positive sibling.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.measure_state import date_role
from kg.extract.measures import rates
from kg.extract.triggers import policy_class
from kg.model import Evidence, ResolvedEntity, ResolvedFact
from kg.policy_identity import group_policies, latest_state, policy_label, unique_labels
from kg.model import Literal

VOCAB = spacy.blank("en").vocab


def doc_of(text: str) -> Doc:
    return Doc(VOCAB, words=text.split())


# ---------------------------------------------------------------- rates (no model)

RATE_CASES = [
    ("Chile imposed a 25 pct duty on wheat", ["25"]),
    ("a duty of 12.5 per cent on cement", ["12.5"]),
    ("tariffs of 30 percent on shoes", ["30"]),
    ("raised the levy from 10 % to 25 % on sugar", ["25"]),
    ("duties of between 28.5 and 31.25 percent on tyres", ["28.5", "31.25"]),
    ("15 pct on copper and 5 pct on zinc", ["15", "5"]),
    ("a 0 % tariff on medicines", ["0"]),
    # negatives, each beside a positive above
    ("covers 94 % of exports of cement", []),
    ("cut inflation by 0.6 percentage points", []),
    ("a tariff on 300 tonnes of wheat", []),
    ("the tariff will rise next year", []),
    ("a quarter of all imports of sugar", []),
]


@pytest.mark.parametrize("text,expected", RATE_CASES, ids=[c[0][:40] for c in RATE_CASES])
def test_rates(text, expected):
    doc = doc_of(text)
    assert rates(list(doc)) == [Decimal(x) for x in expected]


# ---------------------------------------------------------------- date roles (no model)

DATE_CASES = [
    ("the ban takes effect from July 1", "July 1", "effective"),
    ("the duty will be put into force on May 10", "May 10", "effective"),
    ("the agreement enters into force on 1 October", "1 October", "effective"),
    ("the suspension runs until June 2026", "June 2026", "end"),
    ("the quota expires on March 31", "March 31", "end"),
    ("the cap is effective January 2025", "January 2025", "effective"),
    # negatives: an announcement date has no role
    ("the ministry announced the ban on July 1", "July 1", None),
    ("the tariff was raised in March 2024", "March 2024", None),
]


@pytest.mark.parametrize("text,date,role", DATE_CASES, ids=[c[0][:40] for c in DATE_CASES])
def test_date_roles(text, date, role):
    doc = doc_of(text)
    for t in doc:
        t.is_sent_start = t.i == 0
    words = text.split()
    n = len(date.split())
    start = next(i for i in range(len(words)) if words[i:i + n] == date.split())
    doc.ents = [Span(doc, start, start + n, label="DATE")]
    assert date_role(doc.ents[0]) == role


# ---------------------------------------------------------------- trigger table (no model)

def parsed(words, heads, deps, pos):
    return Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos)


TRIGGER_CASES = [
    # (words, heads, deps, pos, index of the anchor, class)
    (["anti-dumping", "duties"], [1, 1], ["amod", "ROOT"], ["ADJ", "NOUN"], 1, "AntiDumpingDuty"),
    (["countervailing", "duties"], [1, 1], ["amod", "ROOT"], ["ADJ", "NOUN"], 1, "CountervailingDuty"),
    (["import", "quotas"], [1, 1], ["compound", "ROOT"], ["NOUN", "NOUN"], 1, "Quota"),
    (["ban", "on", "imports"], [0, 0, 1], ["ROOT", "prep", "pobj"], ["NOUN", "ADP", "NOUN"], 0, "ImportBan"),
    (["ban", "on", "exports"], [0, 0, 1], ["ROOT", "prep", "pobj"], ["NOUN", "ADP", "NOUN"], 0, "ExportBan"),
    (["halted", "exports"], [0, 0], ["ROOT", "dobj"], ["VERB", "NOUN"], 0, "ExportBan"),
    (["banned", "imports"], [0, 0], ["ROOT", "dobj"], ["VERB", "NOUN"], 0, "ImportBan"),
    (["curbs", "on", "exports"], [0, 0, 1], ["ROOT", "prep", "pobj"], ["NOUN", "ADP", "NOUN"], 0, "ExportControl"),
    (["a", "ban", "on", "shoes"], [1, 1, 1, 2], ["det", "ROOT", "prep", "pobj"], ["DET", "NOUN", "ADP", "NOUN"], 1,
     "ImportBan"),
    (["trade", "pact"], [1, 1], ["compound", "ROOT"], ["NOUN", "NOUN"], 1, "TradeAgreement"),
    (["retaliatory", "tariffs"], [1, 1], ["amod", "ROOT"], ["ADJ", "NOUN"], 1, "Tariff"),
    (["sanctions"], [0], ["ROOT"], ["NOUN"], 0, "Sanction"),
    # negatives beside their positives
    (["a", "ban", "on", "travel"], [1, 1, 1, 2], ["det", "ROOT", "prep", "pobj"], ["DET", "NOUN", "ADP", "NOUN"], 1,
     None),
    (["halted", "talks"], [0, 0], ["ROOT", "dobj"], ["VERB", "NOUN"], 0, None),
    (["officers", "on", "duty"], [0, 0, 1], ["ROOT", "prep", "pobj"], ["NOUN", "ADP", "NOUN"], 2, None),
    (["the", "ban"], [1, 1], ["det", "ROOT"], ["DET", "NOUN"], 1, None),
]


@pytest.mark.parametrize("case", TRIGGER_CASES, ids=[" ".join(c[0]) for c in TRIGGER_CASES])
def test_trigger_table(case):
    words, heads, deps, pos, anchor, expected = case
    doc = parsed(words, heads, deps, pos)
    assert policy_class(doc[anchor]) == expected


# ---------------------------------------------------------------- identity and labels (no model)

def test_one_policy_per_imposer_class_and_goods():
    mentions = {
        "a#e1": ("ExportBan", ("country/kz",), ("commodity/petrol", "commodity/diesel"), ()),
        "a#e2": ("ImportBan", ("country/kz",), ("commodity/apples",), ()),
        "a#e3": ("ExportBan", ("country/kz",), ("commodity/diesel",), ()),
        "b#e1": ("Tariff", ("country/kr",), ("commodity/plates",), ("country/jp",)),
        "b#e2": ("Tariff", ("country/kr",), ("commodity/fibre",), ("country/jp",)),
        "b#e3": ("Tariff", ("country/kr",), (), ("country/jp",)),
    }
    keys = group_policies(mentions)
    assert keys["a#e1"] == keys["a#e3"]                # overlapping goods: one export ban
    assert keys["a#e1"] != keys["a#e2"]                # an import ban is another policy
    assert keys["b#e1"] != keys["b#e2"]                # unrelated goods: two duties
    assert keys["b#e3"] not in (keys["b#e1"], keys["b#e2"])   # two candidates: it joins neither


def _ev(doc, start=0):
    return Evidence(doc, "s", start, start + 1)


def test_label_from_facts_and_unique():
    ents = {"country/us": ResolvedEntity("country/us", "Country", "United States"),
            "country/jp": ResolvedEntity("country/jp", "Country", "Japan"),
            "commodity/chips": ResolvedEntity("commodity/chips", "Commodity", "semiconductors")}
    pols = {"policy/a": ResolvedEntity("policy/a", "Tariff", "tariffs"),
            "policy/b": ResolvedEntity("policy/b", "Tariff", "the duties")}
    facts = [ResolvedFact(p, pred, o, _ev("d")) for p in pols
             for pred, o in (("imposedBy", "country/us"), ("appliesTo", "commodity/chips"), ("targets", "country/jp"))]
    assert policy_label("Tariff", facts[:3], ents) == "United States tariff on semiconductors from Japan"
    unique_labels(pols, facts, ents)
    assert sorted(p.label for p in pols.values()) == [
        "United States tariff on semiconductors from Japan", "United States tariff on semiconductors from Japan (2)"]
    assert policy_label("Tariff", [], ents) is None    # nobody imposes it: no made-up name


def test_latest_article_status_wins_and_end_not_before_start():
    s = "policy/p"
    facts = [ResolvedFact(s, "status", Literal("InForce", "PolicyStatus"), _ev("old")),
             ResolvedFact(s, "status", Literal("Lifted", "PolicyStatus"), _ev("new")),
             ResolvedFact(s, "effectiveDate", Literal("2024-05-10", "date"), _ev("new")),
             ResolvedFact(s, "endDate", Literal("2024-01-01", "date"), _ev("new"))]
    out = latest_state(facts, {"old": "2024-01-01", "new": "2024-06-01"})
    assert [f.obj.value for f in out if f.predicate == "status"] == ["Lifted"]
    assert not [f for f in out if f.predicate == "endDate"]


# ---------------------------------------------------------------- whole sentences (model)

# (text, class, imposer, targets, goods, rates, status); None class: no policy at all.
SENTENCES = [
    ("Kenya banned imports of used clothing and shoes from China.",
     "ImportBan", "Kenya", {"China"}, {"used clothing", "shoes"}, set(), "InForce"),
    ("Kenya banned smoking in Nairobi markets.",
     None, None, set(), set(), set(), None),
    ("Chile raised tariffs on steel from 10% to 25%.",
     "Tariff", "Chile", set(), {"steel"}, {"25"}, "InForce"),
    ("Chile raised interest rates from 10% to 25%.",
     None, None, set(), set(), set(), None),
    ("The European Commission has imposed 20 pct anti-dumping duties on Japanese ball bearings.",
     "AntiDumpingDuty", "European Commission", {"Japan"}, {"ball bearings"}, {"20"}, "InForce"),
    ("The European Commission has praised Japanese ball bearings.",
     None, None, set(), set(), set(), None),
    ("Ghana will halt the export of cocoa beans from June 1.",
     "ExportBan", "Ghana", set(), {"cocoa beans"}, set(), "InForce"),
    ("Ghana will host the cocoa conference from June 1.",
     None, None, set(), set(), set(), None),
    ("Norway threatened to impose tariffs on Chilean salmon.",
     "Tariff", "Norway", {"Chile"}, {"salmon"}, set(), "Threatened"),
    ("Norway threatened to leave the salmon talks.",
     None, None, set(), set(), set(), None),
    ("Thailand lifted its ban on imports of Australian beef.",
     "ImportBan", "Thailand", {"Australia"}, {"beef"}, set(), "Lifted"),
    ("Thailand lifted its forecast for beef output.",
     None, None, set(), set(), set(), None),
    ("Egypt imposed quotas on imports of sugar and cotton.",
     "Quota", "Egypt", set(), {"sugar", "cotton"}, set(), "InForce"),
    ("Egypt bought sugar and cotton from India.",
     None, None, set(), set(), set(), None),
    ("Vietnam suspended rice exports.",
     "ExportBan", "Vietnam", set(), {"rice"}, set(), "InForce"),
    ("Vietnam suspended the rice auction.",
     None, None, set(), set(), set(), None),
    ("Mexico imposed countervailing duties of 15 pct on Brazilian orange juice.",
     "CountervailingDuty", "Mexico", {"Brazil"}, {"orange juice"}, {"15"}, "InForce"),
    ("Mexico welcomed Brazilian orange juice.",
     None, None, set(), set(), set(), None),
    ("A bill before the Senate would ban imports of Colombian cut flowers.",
     "ImportBan", None, {"Colombia"}, {"cut flowers"}, set(), "Proposed"),
    ("A florist in the Senate building sold Colombian cut flowers.",
     None, None, set(), set(), set(), None),
    ("Peru would ban exports of copper concentrate under a draft decree.",
     "ExportBan", "Peru", set(), {"copper concentrate"}, set(), "Proposed"),
    ("Peru's miners sold copper concentrate abroad under a draft contract.",
     None, None, set(), set(), set(), None),
    ("Turkey suspended its tariffs on Greek olive oil.",
     "Tariff", "Turkey", {"Greece"}, {"olive oil"}, set(), "Suspended"),
    ("Turkey suspended its football league.",
     None, None, set(), set(), set(), None),
    ("The United States imposed sanctions on trade with Venezuela.",
     "Sanction", "United States", {"Venezuela"}, set(), set(), "InForce"),
    ("The United States expanded trade with Venezuela.",
     None, None, set(), set(), set(), None),
    ("Morocco imposed anti-dumping duties of between 12.5 and 22.4 percent on steel wire from Egypt and Tunisia.",
     "AntiDumpingDuty", "Morocco", {"Egypt", "Tunisia"}, {"steel wire"}, {"12.5", "22.4"}, "InForce"),
    ("Morocco bought steel wire worth 22 million dollars from Egypt and Tunisia.",
     None, None, set(), set(), set(), None),
    ("Ghana lifted the ban on maize exports in March.",
     "ExportBan", "Ghana", set(), {"maize"}, set(), "Lifted"),
    ("Ghana harvested more maize in March.",
     None, None, set(), set(), set(), None),
    # a quota stated in a unit that names its good
    ("Angola agreed to cut output to a 1.5 mln bpd quota.",
     "Quota", "Angola", set(), {"crude oil"}, set(), None),
    ("Angola agreed to cut output to 1.5 mln bpd.",
     None, None, set(), set(), set(), None),
    ("Egypt set a 900,000 bales quota for the season.",
     "Quota", "Egypt", set(), {"cotton"}, set(), "InForce"),
    ("Egypt sold 900,000 bales for the season.",
     None, None, set(), set(), set(), None),
    # a ban on generic "purchases from abroad" takes the "X imports" of its sentence
    ("Korea will welcome wheat imports by easing its ban on purchases from abroad.",
     "ImportBan", "South Korea", set(), {"wheat"}, set(), None),
    ("Officials urged Korea to welcome wheat imports by relaxing its ban on purchases from abroad.",
     "ImportBan", "South Korea", set(), {"wheat"}, set(), None),
    ("Korea will welcome wheat imports by easing its cap on bank fees.",
     None, None, set(), set(), set(), None),
    # generic modifiers fall off the good; a lone adjective or "non-X" is no good
    ("Peru banned imports of surplus rice.",
     "ImportBan", "Peru", set(), {"rice"}, set(), "InForce"),
    ("Peru imposed tariffs on cut-price chips and world coffee.",
     "Tariff", "Peru", set(), {"chips", "coffee"}, set(), "InForce"),
    ("Peru praised cut-price chips and world coffee.",
     None, None, set(), set(), set(), None),
    ("Peru imposed tariffs on non-petroleum imports.",
     "Tariff", "Peru", set(), set(), set(), "InForce"),
]

# (text, expected effective date, expected end date), article dated 2024-03-04.
DATED = [
    ("Kenya's ban on imports of Ugandan sugar takes effect from July 1.", "2024-07-01", None),
    ("Indonesia imposed an export ban on nickel ore until December 2025.", None, "2025-12"),
    ("Zambia banned maize exports with immediate effect.", "2024-03-04", None),
    ("Zambia announced on March 1 that it had banned maize exports.", None, None),
]

# (text, parties); the company deal must yield no agreement.
AGREEMENTS = [
    ("Chile and Peru signed a free trade agreement on Monday.", {"Chile", "Peru"}),
    ("Chile and Peru played a football match on Monday.", set()),
    ("The company signed a distribution agreement with a Dutch retailer.", set()),
    ("Kenya signed a trade protocol to buy tea machinery from India.", {"Kenya", "India"}),
]


def _facts(nlp, text):
    from kg.ingest import make_document
    from kg.pipeline import parse_documents
    from kg.resolve import resolve

    doc = make_document(Path("case.txt"), text.encode("utf-8"), "2024-03-04")
    corpus = resolve(parse_documents(nlp, [doc]))
    pols = {uid: e for uid, e in corpus.entities.items()
            if e.type in ("Policy", "Tariff", "ExportControl", "Sanction", "Quota", "ImportBan", "ExportBan",
                          "AntiDumpingDuty", "CountervailingDuty", "TradeAgreement")}
    out = {}
    for uid, e in pols.items():
        facts = [f for f in corpus.facts if f.subject == uid]
        name = lambda o: corpus.entities[o].label if isinstance(o, str) else o.value
        out[uid] = {"class": e.type,
                    **{p: {name(f.obj) for f in facts if f.predicate == p}
                       for p in ("imposedBy", "targets", "appliesTo", "rate", "status", "party", "effectiveDate",
                                 "endDate")}}
    return out


@pytest.mark.model
@pytest.mark.parametrize("case", SENTENCES, ids=[c[0][:50] for c in SENTENCES])
def test_sentence(nlp, case):
    text, cls, imposer, targets, goods, rate, status = case
    found = {u: p for u, p in _facts(nlp, text).items() if p["class"] != "TradeAgreement"}
    if cls is None:
        assert not found, found
        return
    match = [p for p in found.values() if p["class"] == cls]
    assert match, found
    p = match[0]
    if imposer:
        assert imposer in p["imposedBy"], p
    assert targets <= p["targets"], p
    assert goods <= {g.lower() for g in p["appliesTo"]}, p
    assert rate == p["rate"], p
    if status:
        assert p["status"] == {status}, p


@pytest.mark.model
def test_bare_head_noun_is_the_fuller_good_and_no_lone_adjectives(nlp):
    pols = _facts(nlp, "Korea kept quotas on frozen pork and cotton yarn. The quota on yarn will be cut.")
    assert {g for p in pols.values() for g in p["appliesTo"]} == {"frozen pork", "cotton yarn"}
    pols = _facts(nlp, "Chile raised tariffs on flat-rolled steel. Chile also raised tariffs on steel.")
    assert {g for p in pols.values() for g in p["appliesTo"]} == {"flat-rolled steel", "steel"}    # a known good
    pols = _facts(nlp, "Peru imposed tariffs on non-petroleum imports and on electronic goods.")
    goods = {g for p in pols.values() for g in p["appliesTo"]}
    assert not goods & {"non-petroleum", "petroleum", "electronic"}, goods
    pols = _facts(nlp, "Peru imposed tariffs on petroleum imports.")
    assert {g for p in pols.values() for g in p["appliesTo"]} == {"petroleum"}


@pytest.mark.model
@pytest.mark.parametrize("case", DATED, ids=[c[0][:50] for c in DATED])
def test_effective_and_end_dates(nlp, case):
    text, effective, end = case
    (p,) = [p for p in _facts(nlp, text).values() if p["class"] != "TradeAgreement"]
    assert p["effectiveDate"] == ({effective} if effective else set()), p
    assert p["endDate"] == ({end} if end else set()), p


@pytest.mark.model
@pytest.mark.parametrize("case", AGREEMENTS, ids=[c[0][:50] for c in AGREEMENTS])
def test_agreement_parties(nlp, case):
    text, parties = case
    found = [p for p in _facts(nlp, text).values() if p["class"] == "TradeAgreement"]
    if not parties:
        assert not found, found
        return
    assert any(parties <= p["party"] for p in found), found
