"""Dates and durations from the words of an article, as xsd lexical values.

Precision follows the text: "May 12, 2025" is an xsd:date, "May 12" an
xsd:gMonthDay (or a full date when the article's year is known), "April
2025" an xsd:gYearMonth, "Thursday" a full date only when the article's own
date is known (the most recent such day on or before it).
"""
from __future__ import annotations

import datetime as dt
import re

from kg.model import Literal
from kg.textutil import MONTHS

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20,
    "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90, "a": 1, "an": 1,
}
_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def _anchor(article_date: str | None) -> dt.date | None:
    if article_date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", article_date):
        try:
            return dt.date.fromisoformat(article_date)
        except ValueError:
            return None
    return None


def _year(article_date: str | None) -> int | None:
    if article_date and re.match(r"\d{4}", article_date):
        return int(article_date[:4])
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
        return True
    except ValueError:
        return False


def _day(month: int, day: int, year: int | None) -> Literal | None:
    """A day of a month: a full date when the year is known, else a month-day."""
    if year and _valid(year, month, day):
        return Literal(f"{year:04d}-{month:02d}-{day:02d}", "date")
    if _valid(2000, month, day):
        return Literal(f"--{month:02d}-{day:02d}", "gMonthDay")
    return None


def parse_date(text: str, article_date: str | None = None) -> Literal | None:
    """A DATE expression → Literal with an xsd datatype, or None when too vague."""
    t = " ".join(text.replace("’s", "").replace("'s", "").split())
    low = t.lower()
    year = _year(article_date)
    m = re.search(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", t)
    if m:
        return _day(MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)) if m.group(3) else year)
    m = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", t)
    if m:
        return _day(MONTHS[m.group(2)], int(m.group(1)), int(m.group(3)) if m.group(3) else year)
    m = re.search(rf"\b({_MONTH_RE})\.?(?:\s+(?:of\s+)?(\d{{4}}))?\b", t)
    if m and m.group(1) in MONTHS and (m.group(1) != "May" or m.group(2) or low.startswith(("in may", "may"))):
        month = MONTHS[m.group(1)]
        y = int(m.group(2)) if m.group(2) else None
        if y is None and year is not None and "last" not in low and "next" not in low:
            y = year
        if y:
            return Literal(f"{y:04d}-{month:02d}", "gYearMonth")
        return None
    m = re.fullmatch(r"(?:in |the year )?((?:19|20)\d{2})", low)
    if m:
        return Literal(m.group(1), "gYear")
    anchor = _anchor(article_date)
    if anchor is None:
        return None
    m = re.fullmatch(r"(last|this|next|earlier this|later this) (month|year)", low)
    if m:
        step = {"last": -1, "next": 1}.get(m.group(1), 0)
        if m.group(2) == "year":
            return Literal(f"{anchor.year + step:04d}", "gYear")
        month = anchor.month + step
        year = anchor.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return Literal(f"{year:04d}-{month:02d}", "gYearMonth")
    for i, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{name}\b", low) and not re.search(r"\b(next|every|each)\b", low):
            delta = (anchor.weekday() - i) % 7
            if "last" in low.split() and delta == 0:
                delta = 7
            return Literal((anchor - dt.timedelta(days=delta)).isoformat(), "date")
    if re.fullmatch(r"(on )?today|this morning|tonight|this evening|this afternoon", low):
        return Literal(anchor.isoformat(), "date")
    if re.fullmatch(r"(on )?yesterday", low):
        return Literal((anchor - dt.timedelta(days=1)).isoformat(), "date")
    return None


def parse_duration(text: str) -> Literal | None:
    """ "90-day", "90 days", "six-month", "a one-year" → xsd:duration ("P90D", "P6M", "P1Y")."""
    low = text.lower().replace("–", "-")
    m = re.search(r"\b(\d{1,4}|[a-z]+(?:-[a-z]+)?)[\s-](day|week|month|year)s?\b", low)
    if not m:
        return None
    raw = m.group(1)
    if raw.isdigit():
        n = int(raw)
    elif raw in _NUMBERS:
        n = _NUMBERS[raw]
    elif raw.split("-")[-1] in _NUMBERS and raw.split("-")[0] in ("a", "an", "one"):
        n = _NUMBERS[raw.split("-")[-1]]
    else:
        return None
    if n <= 0:
        return None
    return Literal(f"P{n}{_UNITS[m.group(2)]}", "duration")
