"""Hand-built spaCy Docs for the entity table: words, parts of speech, a flat parse and entities,
made without the statistical model, so that the extractors run on them in milliseconds.

A case gives the text (paragraphs separated by newlines; ``"headline": true`` makes the first
line the title), the entities the NER would find (``"ents": [[text, label], ...]``), and, where
a rule reads them, overrides of the parts of speech (``"pos": {word: POS}``) and dependency labels
(``"deps": {word: DEP}``). Everything else is filled the same way every time:

- tokens from spaCy's rule-based English tokenizer;
- parts of speech from a few closed word classes (determiners, prepositions, pronouns,
  auxiliaries, verbs of saying, "-ed" forms), capitalised words as PROPN, the rest NOUN;
- one sentence per ". ! ?"-ended stretch, every token attached to the sentence's first verb
  (the root), the word right before the root its subject;
- kg's own entity rulers (countries, bodies, demonyms, goods) from ``kg/data``, then the
  case's NER entities where they do not overlap a ruler's.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Span

from kg.extract.article import extract_article, paragraphs
from kg.lexicon import lexicon
from kg.model import Document
from kg.resolve import resolve

_DET = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"}
_ADP = {"of", "for", "in", "at", "to", "on", "with", "by", "from", "into", "over", "against", "under", "after"}
_PRON = {"he", "she", "it", "they", "we", "i", "you", "him", "them"}
_AUX = {"is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "could", "should", "can"}
_CCONJ = {"and", "or", "but", "&"}


@lru_cache(maxsize=1)
def blank():
    """A blank English pipeline with kg's rulers: no model, no tagger, no parser."""
    import spacy

    from kg.nlp import add_rulers

    nlp = spacy.blank("en")
    add_rulers(nlp)
    return nlp


def _pos(token_text: str, overrides: dict) -> str:
    if token_text in overrides:
        return overrides[token_text]
    low = token_text.lower()
    if not any(c.isalnum() for c in token_text):
        return "PUNCT"
    if any(c.isdigit() for c in token_text):
        return "NUM"
    if low in _DET:
        return "DET"
    if low in _ADP:
        return "ADP"
    if low in _PRON:
        return "PRON"
    if low in _AUX:
        return "AUX"
    if low in _CCONJ:
        return "CCONJ"
    if low in lexicon().speech_verbs or (token_text.islower() and low.endswith("ed") and len(low) > 4):
        return "VERB"
    if token_text[:1].isupper():
        return "PROPN"
    return "NOUN"


def make_doc(text: str, ents=(), pos=None, deps=None) -> Doc:
    """One paragraph as a parsed Doc, built by hand (see the module's docstring)."""
    nlp = blank()
    tokens = nlp.tokenizer(text)
    words = [t.text for t in tokens]
    spaces = [bool(t.whitespace_) for t in tokens]
    tags = [_pos(w, pos or {}) for w in words]
    heads, labels = [], []
    start = 0
    for i, w in enumerate(words):
        if w not in (".", "!", "?") and i < len(words) - 1:
            continue
        verbs = [k for k in range(start, i + 1) if tags[k] == "VERB"]
        root = verbs[0] if verbs else start
        heads += [root] * (i + 1 - start)
        labels += ["ROOT" if k == root else "dep" for k in range(start, i + 1)]
        if root > start and tags[root - 1] in ("PROPN", "NOUN", "PRON"):
            labels[root - 1] = "nsubj"
        start = i + 1
    for k, w in enumerate(words):
        if deps and w in deps:
            labels[k] = deps[w]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, pos=tags, heads=heads, deps=labels)
    for name in ("kg_places", "kg_goods"):
        doc = nlp.get_pipe(name)(doc)
    spans = list(doc.ents)
    taken = {k for s in spans for k in range(s.start, s.end)}
    for surface, label in ents:
        span = _find(doc, surface, taken)
        if span is None:
            raise ValueError(f"entity {surface!r} is not in {text!r}")
        spans = [s for s in spans if s.end <= span[0] or s.start >= span[1]]
        spans.append(Span(doc, span[0], span[1], label=label))
        taken.update(range(*span))
    doc.set_ents(sorted(spans, key=lambda s: s.start))
    return doc


def _find(doc, surface: str, taken: set) -> tuple[int, int] | None:
    words = [t.text for t in doc]
    want = [t.text for t in blank().tokenizer(surface)]
    for i in range(len(words) - len(want) + 1):
        if words[i:i + len(want)] == want and not any(k in taken and doc[k].ent_type_ not in ("GPE", "NORP", "ORG", "COMMODITY")
                                                      for k in range(i, i + len(want))):
            return i, i + len(want)
    return None


def run(case: dict):
    """The resolved corpus of one case, built from hand-made Docs (paragraphs cut as kg cuts them)."""
    text = case["text"]
    title = text.split("\n")[0] if case.get("headline") else None
    document = Document(doc_id=case["id"], path=f"{case['id']}.txt", text=text, title=title,
                        date=case.get("date"))
    docs = []
    for offset, chunk in paragraphs(document):
        ents = [e for e in case.get("ents", []) if e[0] in chunk]
        docs.append((offset, make_doc(chunk, ents, case.get("pos"), case.get("deps"))))
    return resolve([extract_article(document, iter(docs))])


def facts_of(corpus) -> set[tuple[str, str, str]]:
    label = {u: e.label for u, e in corpus.entities.items()}
    out = set()
    for f in corpus.facts:
        obj = getattr(f.obj, "value", None)
        out.add((label.get(f.subject, f.subject), f.predicate, obj if obj is not None else label.get(f.obj, f.obj)))
    return out


def entities_of(corpus) -> set[tuple[str, str]]:
    return {(e.type, e.label) for e in corpus.entities.values()}
