"""The worker side of a build: a batch of Documents in, their ArticleResults out.

:func:`extract_batch` is the one function every engine runs (in this process, in a
pool worker, on a Dask worker). A worker builds the spaCy pipeline once
(:func:`worker_pipeline` is cached per process) and keeps its Docs to itself: only
Documents (text) go in and ArticleResults (small, picklable records) come back.
"""
from __future__ import annotations

import threading
from collections import deque
from functools import lru_cache
from typing import Iterable, Iterator

from kg.extract.article import extract_article, paragraphs
from kg.model import ArticleResult, Document

DEFAULT_BATCH_SIZE = 64          # paragraphs per spaCy batch

_PIPE_LOCK = threading.Lock()


def parse_documents(nlp, documents: Iterable[Document], batch_size: int = DEFAULT_BATCH_SIZE
                    ) -> Iterator[ArticleResult]:
    """Parse the paragraphs of each document in one spaCy stream; yield each article's result in order.

    Documents are read lazily and each paragraph's Doc is let go as soon as the extractor
    has read it, so memory holds one spaCy batch, not the corpus nor a whole long article.
    """
    pending: deque[tuple[int, Document]] = deque()

    def stream():
        for index, document in enumerate(documents):
            pending.append((index, document))
            for offset, text in paragraphs(document):
                yield text, (index, offset)

    parsed = nlp.pipe(stream(), as_tuples=True, batch_size=batch_size)
    look = next(parsed, None)

    def docs_of(index: int):
        """The article's (offset, Doc) pairs, pulled from the shared stream one at a time."""
        nonlocal look
        while look is not None and look[1][0] == index:
            doc, (_, offset) = look
            look = next(parsed, None)
            yield offset, doc

    # A document enters ``pending`` before its paragraphs enter the stream, so every
    # parsed paragraph's article is waiting there; one without paragraphs gets no Docs.
    while pending:
        index, document = pending.popleft()
        yield extract_article(document, docs_of(index))


@lru_cache(maxsize=2)
def worker_pipeline(model: str | None):
    """(nlp, description): the kg pipeline, built once per process (and per model)."""
    from kg.nlp import build_pipeline

    return build_pipeline(model)


def extract_batch(documents: list[Document], model: str | None = None,
                  batch_size: int = DEFAULT_BATCH_SIZE) -> tuple[str, list[ArticleResult]]:
    """(model description, results): parse and extract each document, in order.

    Thread-safe (a Dask worker may run tasks in threads).
    """
    with _PIPE_LOCK:
        nlp, desc = worker_pipeline(model)
        return desc, list(parse_documents(nlp, documents, batch_size))
