"""The incremental build cache: one ArticleResult per article, stored as data (JSON), never as code.

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
leaves no half entry and two builds can share a cache. Deleting the folder is
always safe.

An entry is data only: a one-line JSON header (format, key, SHA-256 checksum)
and a JSON body in which the records of kg.model are tagged by class name.
Reading one never runs code (no pickle): the body is decoded into those
classes only. An entry whose header is not ours, whose key is not the one
asked for (a foreign entry moved into place), or whose checksum does not match
its key and body (truncated, or edited, even keeping the length) is
*rejected*: a miss, counted in ``stats.rejected`` and reported by the build.
The checksum guards against damage and edits, not against someone who can
write the cache and recompute it: such a person can make kg read wrong data,
never run code.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kg.io import write_atomic
from kg.model import ArticleResult, Document, Entity, Evidence, Fact, Literal

log = logging.getLogger(__name__)

CACHE_FORMAT = "3"     # 3: JSON entries with a checksum (2 was pickles, never read again)
ENTRY_MAGIC = "kg-cache-entry"
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


# ------------------------------------------------------------------ the data format

# The only classes an entry may hold: the records an ArticleResult is made of.
_RECORDS = {cls.__name__: cls for cls in (ArticleResult, Document, Entity, Evidence, Fact, Literal)}


class BadEntry(ValueError):
    """An entry that is not a well-formed kg cache entry for the key asked for."""


def encode(value):
    """``value`` (records of kg.model, lists, tuples, sets, dicts, str/int/float/bool/None) as JSON data.

    Records become ``{"$": class name, field: value...}``, tuples ``{"$t": [...]}``,
    sets ``{"$s": [...]}`` and dicts ``{"$d": {...}}`` (string keys only).
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if is_dataclass(value) and type(value).__name__ in _RECORDS:
        out = {"$": type(value).__name__}
        out.update((f.name, encode(getattr(value, f.name))) for f in fields(value))
        return out
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = [encode(v) for v in value]
        return {"$s": sorted(items, key=lambda v: json.dumps(v, sort_keys=True))}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a cached dict must have string keys")
        return {"$d": {k: encode(v) for k, v in value.items()}}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(data):
    """The value :func:`encode` made ``data`` of; :class:`BadEntry` for anything else."""
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        raise BadEntry(f"unexpected {type(data).__name__}")
    if "$" in data:
        cls = _RECORDS.get(data["$"]) if isinstance(data["$"], str) else None
        if cls is None:
            raise BadEntry(f"unknown record {data['$']!r}")
        kwargs = {k: decode(v) for k, v in data.items() if k != "$"}
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise BadEntry(f"bad {cls.__name__}: {exc}") from None
    if len(data) == 1:
        (tag, inner), = data.items()
        if tag == "$t" and isinstance(inner, list):
            return tuple(decode(v) for v in inner)
        if tag == "$s" and isinstance(inner, list):
            try:
                return {decode(v) for v in inner}
            except TypeError:   # an unhashable member
                raise BadEntry("bad set") from None
        if tag == "$d" and isinstance(inner, dict):
            return {k: decode(v) for k, v in inner.items()}
    raise BadEntry("unexpected object")


def _checksum(key: str, body: bytes) -> str:
    return hashlib.sha256(key.encode("ascii") + b"\0" + body).hexdigest()


def dump_entry(key: str, result: ArticleResult) -> bytes:
    """The bytes of a cache entry: a JSON header line (format, key, checksum), then the JSON body."""
    body = json.dumps(encode(result), ensure_ascii=True, separators=(",", ":")).encode("ascii")
    header = {"format": ENTRY_MAGIC, "version": CACHE_FORMAT, "key": key, "sha256": _checksum(key, body)}
    return json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + body


def load_entry(raw: bytes, key: str) -> ArticleResult:
    """The ArticleResult in the entry ``raw`` stored under ``key``; :class:`BadEntry` if it is not that."""
    head, sep, body = raw.partition(b"\n")
    try:
        header = json.loads(head.decode("ascii")) if sep else None
    except (UnicodeDecodeError, ValueError):
        header = None
    if not isinstance(header, dict) or header.get("format") != ENTRY_MAGIC:
        raise BadEntry("not a kg cache entry")
    if header.get("version") != CACHE_FORMAT:
        raise BadEntry(f"cache format {header.get('version')!r}, not {CACHE_FORMAT}")
    if header.get("key") != key:
        raise BadEntry("stored under another key")
    if header.get("sha256") != _checksum(key, body):
        raise BadEntry("checksum mismatch (damaged or edited)")
    try:
        result = decode(json.loads(body.decode("ascii")))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadEntry(f"unreadable body ({type(exc).__name__})") from None
    if not _well_formed(result):
        raise BadEntry("not an article result")
    return result


def _well_formed(result) -> bool:
    """The shape the pipeline relies on (types of the records' main fields)."""
    if not isinstance(result, ArticleResult) or not isinstance(result.document, Document):
        return False
    if not isinstance(result.entities, list) or not isinstance(result.facts, list):
        return False
    for entity in result.entities:
        if not (isinstance(entity, Entity) and isinstance(entity.local_id, str) and isinstance(entity.name, str)
                and isinstance(entity.forms, set) and isinstance(entity.votes, dict)
                and isinstance(entity.spans, list) and isinstance(entity.attrs, dict)):
            return False
    for fact in result.facts:
        if not (isinstance(fact, Fact) and isinstance(fact.subject, str) and isinstance(fact.predicate, str)
                and isinstance(fact.obj, (str, Literal)) and isinstance(fact.evidence, Evidence)):
            return False
    return isinstance(result.tokens, int)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0
    rejected: int = 0      # entries found but not accepted (damaged, edited, foreign, old format)


class ArticleCache:
    """Get and put ArticleResults by article content and build context."""

    def __init__(self, directory: str | os.PathLike, context: str):
        self.root = Path(directory)
        self.context = context
        self.folder = self.root / context[:16]
        self.stats = CacheStats()
        self._reused: dict[str, ArticleResult] = {}
        self._rejected: set[str] = set()

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
        return self.folder / key[:2] / f"{key}.json"

    def _load(self, key: str) -> ArticleResult | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.info("cache entry %s unreadable (%s); extracting again", path, exc)
            return None
        try:
            return load_entry(raw, key)
        except BadEntry as exc:   # a damaged, edited or foreign entry is a miss, never a failure
            if key not in self._rejected:
                self._rejected.add(key)
                self.stats.rejected += 1
                log.info("cache entry %s rejected (%s); extracting again", path, exc)
            return None

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
            write_atomic(path, dump_entry(key, slim), sync=False)
            self.stats.writes += 1
        except (OSError, TypeError, ValueError) as exc:
            self.stats.errors += 1
            if self.stats.errors == 1:
                log.warning("cannot write the build cache in %s (%s); continuing without it", self.root, exc)
