"""JSON Lines and CSV files of articles, read one record at a time (never loaded whole).

A record is an article: a text field (``text``, ``body`` or ``content``) and,
where present, ``id``, ``title``, ``date`` (ISO 8601) and ``url``. A record that
cannot be read (bad JSON, no text field, a line over the size limit) is a
:class:`~kg.sources.Skip` naming the file and its line; the rest are read.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from kg.sources import Skip

TEXT_FIELDS = ("text", "body", "content")
MALFORMED = "malformed record"
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.,]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")


@dataclass(frozen=True)
class Record:
    """One article of a records file, as read (its text not yet cleaned)."""

    line: int              # where the record starts (1-based)
    raw: bytes             # its bytes, for the cache key
    text: str
    id: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()


def iso_date(value) -> str | None:
    """``value`` as yyyy-mm-dd when it is an ISO 8601 date (or date-time) of a real calendar day."""
    import datetime

    if not isinstance(value, str):
        return None
    m = _ISO.fullmatch(value.strip())
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _string(value) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    value = " ".join(str(value).split())
    return value or None


def record_from(fields: dict, line: int, raw: bytes, where: str) -> Record | Skip:
    """A record's fields → a Record, or a Skip saying what is wrong with it."""
    keys = {str(k).strip().lower(): v for k, v in fields.items() if k is not None}
    text = next((keys[f] for f in TEXT_FIELDS if isinstance(keys.get(f), str) and keys[f].strip()), None)
    if text is None:
        return Skip(f"{where}:{line}", f"{MALFORMED}: no text field ({', '.join(TEXT_FIELDS)}) with text in it",
                    MALFORMED)
    notes = []
    date = None
    if keys.get("date") not in (None, ""):
        date = iso_date(keys["date"])
        if date is None:
            notes.append(f"date {str(keys['date'])[:40]!r} is not an ISO 8601 date; ignored")
    return Record(line, raw, text, _string(keys.get("id")), _string(keys.get("title")), date,
                  _string(keys.get("url")), tuple(notes))


def iter_jsonl(stream: BinaryIO, where: str, max_bytes: int) -> Iterator[Record | Skip]:
    """The records of a JSON Lines stream, one line at a time; blank lines are passed over."""
    line_no = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):       # pass over the rest of the long line
                raw = stream.readline(1 << 20)
            yield Skip(f"{where}:{line_no}", f"record too large: over the --max-bytes limit of {max_bytes:,}",
                       "too large")
            continue
        if not raw.strip():
            continue
        try:
            fields = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield Skip(f"{where}:{line_no}", f"{MALFORMED}: not UTF-8 text", MALFORMED)
            continue
        except ValueError as exc:
            yield Skip(f"{where}:{line_no}", f"{MALFORMED}: not JSON ({str(exc).split(':')[0]})", MALFORMED)
            continue
        if not isinstance(fields, dict):
            yield Skip(f"{where}:{line_no}", f"{MALFORMED}: not a JSON object", MALFORMED)
            continue
        yield record_from(fields, line_no, raw, where)


def iter_csv(stream: BinaryIO, where: str, max_bytes: int) -> Iterator[Record | Skip]:
    """The records of a CSV stream with a header row; a quoted field may span lines."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    if csv.field_size_limit() < max_bytes:
        csv.field_size_limit(max_bytes)
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield Skip(f"{where}:1", f"{MALFORMED}: header row unreadable ({exc})", MALFORMED)
        return
    names = [h.strip().lower() for h in header]
    if not any(f in names for f in TEXT_FIELDS):
        yield Skip(where, f"{MALFORMED}: the header row names no text column ({', '.join(TEXT_FIELDS)})", MALFORMED)
        return
    last = reader.line_num
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            failed_at = reader.line_num
            yield Skip(f"{where}:{start}", f"{MALFORMED}: {exc}", MALFORMED)
            if failed_at == last:       # no progress: the reader cannot go on
                return
            last = failed_at
            continue
        last = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            yield Skip(f"{where}:{start}", f"{MALFORMED}: {len(row)} fields where the header has {len(names)}",
                       MALFORMED)
            continue
        raw = "\x1f".join(row).encode("utf-8", "surrogatepass")
        yield record_from(dict(zip(names, row)), start, raw, where)
