"""Prefixes: the standard ones kg predeclares, reading a Turtle file's own, compacting IRIs.

``read_turtle_prefixes`` reads only the header of a Turtle file (the ``@prefix`` /
``PREFIX`` lines before the first statement), so a graph of a million triples is
not parsed twice just to learn its prefixes.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

STANDARD_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}

# PN_PREFIX of Turtle/SPARQL, restricted to what real files use (ASCII names).
_PREFIX_RE = re.compile(
    r"""^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^<>"{}|^`\\\s]*)>\s*\.?\s*(?:\#.*)?$""",
    re.IGNORECASE,
)
_BASE_RE = re.compile(r"^\s*(?:@base|BASE)\s+<[^>]*>\s*\.?\s*(?:#.*)?$", re.IGNORECASE)
# A local name that can follow "prefix:" unescaped in Turtle and SPARQL.
_LOCAL_RE = re.compile(r"^[A-Za-z0-9_](?:[\w.-]*[\w-])?$")

# How many header bytes to scan at most: prefixes come first in every file kg writes.
_HEADER_LIMIT = 1 << 20


def read_turtle_prefixes(path: str | os.PathLike) -> dict[str, str]:
    """Return the prefixes a Turtle file declares in its header, in file order.

    Reading stops at the first line that is neither blank, a comment, a prefix nor
    a base declaration. Raises ``OSError`` when the file cannot be read.
    """
    prefixes: dict[str, str] = {}
    read = 0
    with Path(path).open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            read += len(line)
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                pass
            elif (match := _PREFIX_RE.match(line)) is not None:
                prefixes[match.group(1) or ""] = match.group(2)
            elif not _BASE_RE.match(line):
                break
            if read > _HEADER_LIMIT:
                break
    return prefixes


def merged_prefixes(graph_prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """The standard prefixes overlaid with a graph's own (the graph wins on a clash)."""
    merged = dict(STANDARD_PREFIXES)
    merged.update(graph_prefixes or {})
    return merged


class Compactor:
    """Turns full IRIs into ``prefix:local`` names where a prefix fits (longest match wins)."""

    def __init__(self, prefixes: dict[str, str]):
        pairs = [(iri, name) for name, iri in prefixes.items() if iri]
        # Longest namespace first, then by name so that the choice is deterministic.
        self._pairs = sorted(pairs, key=lambda p: (-len(p[0]), p[1]))
        self._cache: dict[str, str | None] = {}

    def compact(self, iri: str) -> str | None:
        """``prefix:local`` for ``iri``, or ``None`` when no prefix gives a valid name."""
        if iri in self._cache:
            return self._cache[iri]
        result = None
        for namespace, name in self._pairs:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if local == "" or _LOCAL_RE.match(local):
                    result = f"{name}:{local}"
                    break
        if len(self._cache) < 100_000:
            self._cache[iri] = result
        return result

    def label(self, iri: str) -> str:
        """``prefix:local`` where possible, else ``<iri>``."""
        compacted = self.compact(iri)
        return compacted if compacted is not None else f"<{iri}>"
