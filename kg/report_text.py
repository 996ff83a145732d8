"""Small writing helpers for the report: inert Markdown, tables, numbers, dates, capped lists.

Names, titles and sentences come from the articles, so every one of them goes
through :func:`md`: markup in a name shows as the characters it is made of.
"""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~#]|(?<!\w)_|_(?!\w))")
_ENTITY_REF = re.compile(r"&(?=#?\w+;)")
MONTHS = ("January February March April May June July August September October November December").split()


def md(text) -> str:
    """Untrusted text as inert Markdown: one line, markup characters backslash-escaped."""
    text = " ".join(str(text).split())
    return _ENTITY_REF.sub("&amp;", _MD_SPECIAL.sub(r"\\\1", text))


def num(x: float, places: int = 4) -> str:
    return f"{x:.{places}f}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def and_list(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def cap(items: list[str], limit: int = 8) -> str:
    """A table cell: the items joined, at most ``limit`` of them, or a dash."""
    if not items:
        return "—"
    text = ", ".join(items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def counted(items: list[str], limit: int = 3) -> str:
    """A table cell: how many, then the first few ("3: a; b and 1 more"), or a dash.

    Semicolons separate the items, as names of measures may hold commas themselves.
    """
    if not items:
        return "—"
    text = "; ".join(items[:limit])
    return f"{len(items)}: {text}" + (f" and {len(items) - limit} more" if len(items) > limit else "")


def date_text(value: str) -> str:
    """An xsd:date, gYearMonth or gMonthDay as a reader says it ("12 May, year not given")."""
    m = re.fullmatch(r"--(\d\d)-(\d\d)", value)
    if m and 1 <= int(m[1]) <= 12:
        return f"{int(m[2])} {MONTHS[int(m[1]) - 1]} (year not given)"
    m = re.fullmatch(r"(\d{4})-(\d\d)", value)
    if m and 1 <= int(m[2]) <= 12:
        return f"{MONTHS[int(m[2]) - 1]} {m[1]}"
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", value)
    if m and 1 <= int(m[2]) <= 12:
        return f"{int(m[3])} {MONTHS[int(m[2]) - 1]} {m[1]}"
    return md(value)


def date_key(value: str) -> tuple:
    """Sort key of a date value: dated ones by year, month, day; those without a year last."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    if m:
        return (0, int(m[1]), int(m[2] or 0), int(m[3] or 0))
    m = re.fullmatch(r"--(\d\d)-(\d\d)", value)
    if m:
        return (1, 0, int(m[1]), int(m[2]))
    return (2, 0, 0, 0, value)


def duration_text(value: str) -> str:
    """"P90D" → "90 days" (other ISO durations as written)."""
    m = re.fullmatch(r"P(\d+)([DWMY])", value)
    if m:
        unit = {"D": "day", "W": "week", "M": "month", "Y": "year"}[m[2]]
        return plural(int(m[1]), unit)
    return md(value)


def rate_text(value: str) -> str:
    """A kg:rate (percent, xsd:decimal) as "25%" ("7.5%", trailing zeros dropped)."""
    try:
        number = float(value)
    except ValueError:
        return md(value)
    return f"{number:g}%"
