"""Dates and durations as precise as the text allows (known answers)."""
from __future__ import annotations

import pytest

from kg.extract.dates import parse_date, parse_duration


@pytest.mark.parametrize("text, article_date, value, datatype", [
    ("May 12", None, "--05-12", "gMonthDay"),
    ("May 12", "2025-06-05", "2025-05-12", "date"),
    ("May 12, 2025", None, "2025-05-12", "date"),
    ("17 July 2025", None, "2025-07-17", "date"),
    ("January 2020", None, "2020-01", "gYearMonth"),
    ("April", "2025-06-05", "2025-04", "gYearMonth"),
    ("2024", None, "2024", "gYear"),
    ("Thursday", "2025-06-05", "2025-06-05", "date"),      # 5 June 2025 was a Thursday
    ("Monday", "2025-06-05", "2025-06-02", "date"),
    ("last month", "2025-09-08", "2025-08", "gYearMonth"),
    ("last month", "2025-01-08", "2024-12", "gYearMonth"),
    ("yesterday", "2025-03-01", "2025-02-28", "date"),
])
def test_dates(text, article_date, value, datatype):
    lit = parse_date(text, article_date)
    assert lit is not None and (lit.value, lit.datatype) == (value, datatype)


@pytest.mark.parametrize("text", ["Thursday", "April", "last month", "recent weeks", "months", "February 30"])
def test_too_vague_without_the_article_date(text):
    assert parse_date(text, None) is None


@pytest.mark.parametrize("text, value", [
    ("90-day", "P90D"), ("60 days", "P60D"), ("six-month", "P6M"), ("a one-year", "P1Y"),
    ("five years", "P5Y"), ("two-week", "P2W"),
])
def test_durations(text, value):
    assert parse_duration(text).value == value


@pytest.mark.parametrize("text", ["weeks", "day", "the year", "0-day"])
def test_not_durations(text):
    assert parse_duration(text) is None
