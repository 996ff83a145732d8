"""The entity table: people, officials, bodies and countries as newswires name them.

Each case in tests/entity_cases.json is a sentence or two written for these tests (other
countries, officials and bodies than the development texts), with the entities the NER would
find. The extractors run on hand-built Docs (tests/handdocs.py): no model, milliseconds a case.
A case lists facts and entities that must come out ("facts", "entities") and ones that must not
("no_facts", "no_entities", where "*" matches anything); every case whose id starts with "neg-"
yields nothing of what it tests and names its positive sibling in "pair".

Cases marked "model" run a second time through the real pipeline (marked ``model``), to check
that the small model's parse and entities give the extractors what the hand-built Docs give.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from handdocs import entities_of, facts_of, run  # noqa: E402

CASES = json.loads((Path(__file__).parent / "entity_cases.json").read_text(encoding="utf-8"))
BY_ID = {c["id"]: c for c in CASES}


def _matches(pattern, item) -> bool:
    return all(p == "*" or p == v for p, v in zip(pattern, item))


def check(case, corpus) -> None:
    facts = facts_of(corpus)
    ents = entities_of(corpus)
    for f in case.get("facts", []):
        assert tuple(f) in facts, f"missing fact {f}; got {sorted(facts)}"
    for f in case.get("no_facts", []):
        bad = [x for x in facts if _matches(f, x)]
        assert not bad, f"unwanted facts {bad}"
    for e in case.get("entities", []):
        assert tuple(e) in ents, f"missing entity {e}; got {sorted(ents)}"
    for e in case.get("no_entities", []):
        bad = [x for x in ents if _matches(e, x)]
        assert not bad, f"unwanted entities {bad}"


def test_the_table_is_large_and_every_negative_has_a_positive_sibling():
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    negatives = [c for c in CASES if c["id"].startswith("neg-")]
    assert len(negatives) >= 15
    for c in negatives:
        assert c.get("no_facts") or c.get("no_entities"), c["id"]
        sibling = BY_ID.get(c.get("pair"))
        assert sibling is not None and not sibling["id"].startswith("neg-"), c["id"]
        assert sibling.get("facts") or sibling.get("entities"), c["id"]
    for c in CASES:
        assert c.get("facts") or c.get("entities") or c.get("no_facts") or c.get("no_entities"), c["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_on_a_hand_built_doc(case):
    check(case, run(case))


MODEL_CASES = [c for c in CASES if c.get("model")]


@pytest.mark.model
@pytest.mark.parametrize("case", MODEL_CASES, ids=[c["id"] for c in MODEL_CASES])
def test_case_through_the_model(nlp, case):
    from kg.model import Document
    from kg.parse import parse_documents
    from kg.resolve import resolve

    doc = Document(doc_id=case["id"], path=f"{case['id']}.txt", text=case["text"],
                   title=case["text"].split("\n")[0] if case.get("headline") else None)
    check(case, resolve(parse_documents(nlp, [doc])))


def test_enough_cases_also_run_through_the_model():
    assert len(MODEL_CASES) >= 10
