"""Bytes → text: decoding that never raises on text and says what it did; binary data recognised."""
from __future__ import annotations

import re


_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, OpenDocument or EPUB file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def decode(raw: bytes) -> tuple[str, list[str]]:
    """Bytes → text. Returns the text and notes on what was done; raises ValueError for binary data.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a byte-order
    mark are read silently; UTF-16 without one is recognised by its zero
    bytes; text that is not valid UTF-8 is read as Windows-1252 (or as UTF-8
    with the few bad bytes replaced, when it is mostly UTF-8), with a note.
    """
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return _not_binary(raw.decode(codec, errors="replace")), [f"decoded as {codec.upper()} (byte-order mark)"]
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise ValueError(f"binary file ({what}), not text")
    head = raw[:8192]
    if head.count(0) > max(2, len(head) // 1000):     # a stray NUL or two is noise in a text file
        codec = _utf16_without_bom(head)
        if not codec:
            raise ValueError("binary file (NUL bytes), not text")
        return _not_binary(raw.decode(codec, errors="replace")), [f"decoded as {codec.upper()} (no byte-order mark)"]
    notes: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        # Valid multi-byte sequences make the text shorter than the bytes; stray
        # Windows-1252 bytes do not. Mostly UTF-8 with a few bad bytes stays UTF-8.
        if len(raw) - len(text) >= bad:
            if text.startswith("\ufeff"):
                text = text[1:]
            notes.append(f"not valid UTF-8 ({bad} bad byte{'s' if bad != 1 else ''} replaced by U+FFFD)")
        else:
            del text
            text = raw.decode("cp1252", errors="replace")
            notes.append("not valid UTF-8; decoded as Windows-1252")
    return _not_binary(text), notes


_BINARY_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _not_binary(text: str) -> str:
    """``text``, unless its start is full of control characters (binary data that happened to decode)."""
    sample = text[:8192]
    controls = len(_BINARY_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 50):
        raise ValueError("binary file (control bytes), not text")
    return text


def _utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the zero bytes fall where UTF-16 puts them for Latin text."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    if odd >= 0.4 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


