"""Inputs → the article files to read, each with its identity; what is passed over, and why.

An article file found in a folder is identified by its path relative to that
folder, without its extension ("asia/report" for ``news/asia/report.txt`` under
``news/``); a file named directly, by its name without extension. Same-named
files in different folders are different articles.

Symbolic links are followed only where they stay inside the input folder,
unless ``follow_symlinks`` is set; a link that leaves it, a broken link and a
link loop are reported. Names in messages are escaped (:func:`shown`), so a
newline or a terminal escape in a file name cannot forge a line of output.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SUFFIX_KINDS = {".txt": "text", ".text": "text", "": "text", ".md": "markdown", ".markdown": "markdown",
                ".html": "html", ".htm": "html", ".xhtml": "html", ".jsonl": "jsonl", ".ndjson": "jsonl",
                ".csv": "csv"}
READ = ".txt, .md, .html, .jsonl and .csv files, also gzipped (.gz)"


@dataclass(frozen=True)
class Skip:
    """An input that was not built, and why: ``reason`` is one line, ``kind`` its short category."""

    path: str
    reason: str
    kind: str = "unreadable"


@dataclass(frozen=True)
class Source:
    """One input file: where it is, its identity, the kind of article file it is."""

    path: Path
    doc_id: str            # relative to the input folder, without extension ("asia/report")
    kind: str              # "text", "markdown", "html", "jsonl" or "csv"
    gzip: bool = False
    root: str = ""         # the input folder's name ("" for a file named directly)

    @property
    def name(self) -> str:
        """The path, escaped for a message."""
        return shown(str(self.path))


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\\]")


def shown(name: str) -> str:
    """``name`` safe for a one-line message: controls, line separators, bidi marks and undecodable
    bytes escaped as \\n, \\xNN or \\uNNNN (and a backslash as \\\\)."""
    def esc(m: re.Match) -> str:
        c = m.group()
        if c == "\\":
            return "\\\\"
        if c in "\n\r\t":
            return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[c]
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:            # a byte that was not UTF-8 (surrogateescape)
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return _UNSAFE.sub(esc, name)


def kind_of(path: Path) -> tuple[str | None, bool, str]:
    """(kind of article file or None, gzip-compressed?, the name without its article suffixes)."""
    name = path.name
    gz = name.lower().endswith(".gz")
    if gz:
        name = name[:-3]
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext.lower()}" if dot and stem else ""
    kind = SUFFIX_KINDS.get(suffix)
    return kind, gz, (stem if suffix else name)


def expand_inputs(inputs: Iterable[str | Path], follow_symlinks: bool = False) -> tuple[list[Source], list[Skip]]:
    """Files named directly, and article files found (recursively, sorted) in folders.

    Every input that gives nothing is a :class:`Skip`: a missing path, a folder
    with no article files, a file in a folder whose type kg does not read, a
    symbolic link that leaves its folder (unless ``follow_symlinks``), a broken
    link, a link loop (hidden files and folders are passed over silently).
    The same file reached twice is read once.
    """
    sources: list[tuple[Source, str]] = []
    skips: list[Skip] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            links: list[Skip] = []
            found, others = _scan_folder(path, links, follow_symlinks)
            skips.extend(sorted(links, key=lambda s: s.path))
            skips.extend(Skip(shown(str(p)), f"not an article file ({shown(p.suffix) or 'no extension'}); "
                              f"kg reads {READ}", "not an article file") for p in others)
            if not found and not others:
                skips.append(Skip(shown(str(path)), f"empty folder: no article files in it (kg reads {READ})", "empty"))
            sources.extend(found)
        elif path.is_file():
            kind, gz, stem = kind_of(path)
            sources.append((Source(path, stem, kind or "text", gz), os.path.realpath(path)))
        elif path.is_symlink():
            skips.append(_bad_link(path))
        elif path.exists():
            skips.append(Skip(shown(str(path)), "not a regular file"))
        else:
            skips.append(Skip(shown(str(path)), "no such file or folder", "missing"))
    seen: set[str] = set()
    unique = []
    for source, real in sources:
        if real not in seen:
            seen.add(real)
            unique.append(source)
    return unique, skips


def _bad_link(path: Path) -> Skip:
    try:
        os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == 40:                      # ELOOP
            return Skip(shown(str(path)), "symbolic link loop; not followed", "symbolic link")
    return Skip(shown(str(path)), "broken symbolic link (its target does not exist)", "symbolic link")


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _scan_folder(folder: Path, skips: list[Skip],
                 follow_symlinks: bool) -> tuple[list[tuple[Source, str]], list[Path]]:
    """(article files with their real paths, other visible files) under ``folder``, sorted.

    Unreadable sub-folders are skips; hidden files and folders are passed over. A
    file that is not a symbolic link has the real path of its folder joined with its
    name, so that only links need resolving.
    """
    found: list[tuple[Source, str]] = []
    others: list[Path] = []
    root_real = os.path.realpath(folder)
    root_name = folder.resolve().name or str(folder)
    visited = {root_real}
    pending = [(folder, root_real, "")]
    while pending:
        here, real, rel = pending.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError as exc:
            skips.append(Skip(shown(str(exc.filename or here)), f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            p = here / name
            child_rel = f"{rel}{name}"
            try:
                if entry.is_symlink():
                    target = _follow(p, root_real, follow_symlinks, skips)
                    if target is None:
                        continue
                    if os.path.isdir(target):
                        if _inside(real, target):      # back to this folder or one above it
                            skips.append(Skip(shown(str(p)), "symbolic link loop (it leads back to a folder "
                                                             "above it); not followed", "symbolic link"))
                        elif target not in visited:    # a folder read another way is read once
                            visited.add(target)
                            pending.append((p, target, child_rel + "/"))
                        continue
                    if not os.path.isfile(target):
                        continue
                    file_real = target
                elif entry.is_dir(follow_symlinks=False):
                    child_real = os.path.join(real, name)
                    visited.add(child_real)
                    pending.append((p, child_real, child_rel + "/"))
                    continue
                elif entry.is_file(follow_symlinks=False):
                    file_real = os.path.join(real, name)
                else:
                    continue
            except OSError:
                continue
            kind, gz, stem = kind_of(p)
            if kind is None:
                others.append(p)
                continue
            doc_id = f"{rel}{stem}"
            found.append((Source(p, doc_id, kind, gz, root_name), file_real))
    found.sort(key=lambda item: item[0].path)
    return found, sorted(others)


def _follow(link: Path, root_real: str, follow: bool, skips: list[Skip]) -> str | None:
    """The real path a link in the input folder leads to, or None (and a skip) when it is not followed."""
    try:
        target = os.path.realpath(link, strict=True)
    except OSError:
        skips.append(_bad_link(link))
        return None
    if not follow and not _inside(target, root_real):
        skips.append(Skip(shown(str(link)), f"symbolic link to {shown(target)}, outside the input folder; "
                                            "not followed (--follow-symlinks reads it)", "symbolic link"))
        return None
    return target
