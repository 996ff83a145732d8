"""The incremental build cache: one pickled ArticleResult per article.

An entry's key is the SHA-256 of everything that decides what extraction
returns for that article:

- the article itself: the SHA-256 of its raw bytes, its identifier (the file
  name, which appears in the evidence), and the ingested text, headline and date
  (so a change to ingestion also misses);
- the extractor: ``EXTRACTOR_VERSION`` from kg/extract/article.py and a hash of
  the extraction code (kg/extract/*.py, kg/nlp.py, kg/lexicon.py, kg/model.py,
  kg/textutil.py), so an edited rule never reads a stale entry;
- the data: a hash of every kg/data/*.json(l) file (rulers, offices, triggers);
- the model: the name and version of the spaCy model that would be loaded, and
  spaCy's own version, found without loading the model;
- the ``--date`` option.

Entries live in ``<out>/.kg-cache/`` by default (``--cache-dir`` elsewhere,
``--no-cache`` off), under a folder per context, one file per article, each
written to a temporary file and renamed into place, so an interrupted build
leaves no half entry and two builds can share a cache. An entry that cannot be
read is a miss. Deleting the folder is always safe.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import pickle
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kg.io import write_atomic
from kg.model import ArticleResult, Document

log = logging.getLogger(__name__)

CACHE_FORMAT = "2"     # 2: keyed by the raw bytes; ingestion is skipped for hits
DEFAULT_DIR_NAME = ".kg-cache"
_PACKAGE_DIR = Path(__file__).resolve().parent
_CODE_FILES = ("nlp.py", "lexicon.py", "model.py", "textutil.py", "ingest.py", "decoding.py", "webpage.py",
               "records.py", "sources.py")


def default_cache_dir(out_dir: str | os.PathLike) -> Path:
    """Where a build writing to ``out_dir`` keeps its cache: ``out_dir/.kg-cache``."""
    return Path(out_dir) / DEFAULT_DIR_NAME


def _hash_files(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the source files whose logic shapes an ArticleResult."""
    files = sorted((_PACKAGE_DIR / "extract").glob("*.py"))
    files += [_PACKAGE_DIR / name for name in _CODE_FILES if (_PACKAGE_DIR / name).is_file()]
    return _hash_files(files)


@lru_cache(maxsize=1)
def data_fingerprint() -> str:
    """SHA-256 of the closed-world data files (kg/data/*.json, *.jsonl)."""
    data = _PACKAGE_DIR / "data"
    return _hash_files([*data.glob("*.json"), *data.glob("*.jsonl")])


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _meta_of(directory: Path) -> dict | None:
    meta = directory / "meta.json"
    if not meta.is_file():
        return None
    try:
        return json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def model_identity(name: str | None) -> tuple[str, str]:
    """(description, identity) of the model ``kg.nlp.load_model(name)`` would load, without loading it.

    The description is what the build reports (the model's name); the identity
    adds its version and spaCy's, for the cache key.
    """
    from kg.nlp import MODEL_CANDIDATES, RULE_ONLY

    spacy_version = _version("spacy")
    candidates = [name] if name else list(MODEL_CANDIDATES)
    for candidate in candidates:
        meta = None
        path = Path(candidate)
        if name and path.is_dir():
            meta = _meta_of(path) or {}
        else:
            try:
                spec = importlib.util.find_spec(candidate)
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.submodule_search_locations:
                meta = _meta_of(Path(next(iter(spec.submodule_search_locations)))) or {}
        if meta is not None:
            version = meta.get("version", "?")
            return candidate, f"{candidate}=={version} ({meta.get('lang', '?')}_{meta.get('name', '?')}); spacy=={spacy_version}"
        if name:
            # Not found here; the load will report the error the user can act on.
            return name, f"{name}==?; spacy=={spacy_version}"
    return RULE_ONLY, f"{RULE_ONLY}; spacy=={spacy_version}"


def cache_context(model: str | None, date: str | None) -> tuple[str, str]:
    """(model description, context hash): the part of every key that is shared by the whole build."""
    from kg.extract.article import EXTRACTOR_VERSION

    desc, identity = model_identity(model)
    parts = {
        "format": CACHE_FORMAT,
        "extractor": EXTRACTOR_VERSION,
        "code": code_fingerprint(),
        "data": data_fingerprint(),
        "model": identity,
        "date": date or "",
        "pages": _version("trafilatura"),     # reads web pages: another version, other main text
    }
    return desc, hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0


class ArticleCache:
    """Get and put ArticleResults by article content and build context."""

    def __init__(self, directory: str | os.PathLike, context: str):
        self.root = Path(directory)
        self.context = context
        self.folder = self.root / context[:16]
        self.stats = CacheStats()
        self._reused: dict[str, ArticleResult] = {}

    def key(self, document: Document) -> str:
        return self.raw_key(document.sha256, document.doc_id)

    def raw_key(self, sha256: str, doc_id: str) -> str:
        """The entry's key: the file's bytes and name in this build's context.

        Ingestion (decoding, markup, headline, date) is a function of the bytes, the
        ``--date`` option and kg's code and data, all of which are in the context, so
        an article's entry can be found before it is ingested (:meth:`reuse`).
        """
        h = hashlib.sha256()
        for part in (self.context, sha256, doc_id):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pkl"

    def _load(self, key: str) -> ArticleResult | None:
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                stored_key, result = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged or foreign entry is a miss, never a failure
            log.info("cache entry %s unreadable (%s); extracting again", path, exc)
            return None
        if stored_key != key or not isinstance(result, ArticleResult):
            return None
        return result

    def has(self, doc_id: str, sha256: str) -> bool:
        """Whether an entry for the article ``doc_id`` with these bytes exists (not read, not checked)."""
        return self._path(self.raw_key(sha256, doc_id)).is_file()

    def reuse(self, doc_id: str, sha256: str) -> Document | None:
        """The cached Document (without its text) of the article ``doc_id`` with these bytes, or None.

        Ingestion calls this before decoding a file; :meth:`get` then returns the
        entry's result for that Document without reading it again.
        """
        key = self.raw_key(sha256, doc_id)
        result = self._load(key)
        if result is None:
            return None
        self._reused[key] = result
        return result.document

    def get(self, document: Document) -> ArticleResult | None:
        """The cached result for this article (carrying this ``document``), or None."""
        key = self.key(document)
        result = self._reused.pop(key, None)
        if result is None:
            result = self._load(key)
        if result is None:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return replace(result, document=document)

    def put(self, document: Document, result: ArticleResult) -> None:
        """Store ``result`` (without the article text, which the key stands for); never raises."""
        key = self.key(document)
        path = self._path(key)
        slim = replace(result, document=replace(result.document, text=""))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # write_atomic records its temporary name before creating it: a signal at any
            # moment leaves no half entry and no stray temporary file.
            write_atomic(path, pickle.dumps((key, slim), protocol=pickle.HIGHEST_PROTOCOL), sync=False)
            self.stats.writes += 1
        except OSError as exc:
            self.stats.errors += 1
            if self.stats.errors == 1:
                log.warning("cannot write the build cache in %s (%s); continuing without it", self.root, exc)
