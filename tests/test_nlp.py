"""The spaCy pipeline: load order, the rule-only fallback, rulers built from the data files."""
from __future__ import annotations

import logging

import pytest

from kg import nlp as kg_nlp


def test_a_named_model_that_is_missing_is_a_clear_error():
    with pytest.raises(kg_nlp.ModelError, match="cannot load spaCy model 'no_such_model_xx'"):
        kg_nlp.load_model("no_such_model_xx")


def test_without_any_model_a_rule_only_pipeline_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(kg_nlp, "MODEL_CANDIDATES", ("no_such_model_a", "no_such_model_b"))
    with caplog.at_level(logging.WARNING):
        pipeline, desc = kg_nlp.build_pipeline()
    assert desc == kg_nlp.RULE_ONLY
    assert "rule-only" in caplog.text
    doc = pipeline("Chilean exports of lithium to Japan rose.")
    assert {(e.text, e.label_) for e in doc.ents} >= {("Chilean", "NORP"), ("lithium", "COMMODITY"),
                                                      ("Japan", "GPE")}
    assert len(list(doc.sents)) == 1


@pytest.mark.model
def test_load_order_prefers_the_official_model_then_the_copy():
    pipeline, desc = kg_nlp.load_model()
    assert desc in kg_nlp.MODEL_CANDIDATES
    assert "lemmatizer" not in pipeline.pipe_names     # not used by the extractor
    assert {"parser", "ner"} <= set(pipeline.pipe_names)


@pytest.mark.model
def test_rulers_run_before_the_statistical_ner(nlp):
    names = nlp.pipe_names
    assert names.index("kg_places") < names.index("ner") and names.index("kg_goods") < names.index("ner")
    doc = nlp("Rare earth magnets and AI chips left Vietnam for the EU.")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Rare earth magnets", "COMMODITY") in ents and ("AI chips", "COMMODITY") in ents
    assert ("Vietnam", "GPE") in ents and ("EU", "ORG") in ents


def test_ambiguous_place_names_are_left_to_the_ner():
    places, goods = kg_nlp.ruler_patterns()
    patterns = {p["pattern"] for p in places}
    assert "China" in patterns and "Chinese" in patterns
    assert "Chad" not in patterns and "Georgia" not in patterns
    assert any(p["pattern"] == "rare earth magnets" for p in goods)
