"""Where names begin and end, and whether they name people or bodies (kg/extract/names.py).

The cases in tests/name_cases.json are sentences written for these tests in newswire style, run on
hand-built Docs (tests/handdocs.py) with the entities a statistical NER gets wrong on real stories:
a person's name with an appositive title tagged as an organization, a body's name cut at a country
word, a number or a hyphen, a lone generic head, a title fused into a body, a firm's last partner
taken for a person. Each negative ("neg-") names its positive sibling.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from handdocs import run  # noqa: E402
from test_entity_table import check  # noqa: E402

CASES = json.loads((Path(__file__).parent / "name_cases.json").read_text(encoding="utf-8"))
BY_ID = {c["id"]: c for c in CASES}


def test_every_negative_has_a_positive_sibling():
    assert len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        if c["id"].startswith("neg-"):
            assert c.get("no_entities") or c.get("no_facts"), c["id"]
            sibling = BY_ID.get(c.get("pair"))
            assert sibling is not None and not sibling["id"].startswith("neg-"), c["id"]
            assert sibling.get("entities") or sibling.get("facts"), c["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_on_a_hand_built_doc(case):
    check(case, run(case))
