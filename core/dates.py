"""Dates as the corpus writes them (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) and the one list of month names."""

from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
MONTH_NAMES = tuple(m.lower() for m in MONTHS)
MONTH_PATTERN = "|".join(MONTHS)  # any month's name, for a regular expression

YEAR = re.compile(r"\b(?:19|20)\d\d\b")  # a year written in text ('in 2016', 'Balikatan 2025')
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def format_date(date: str) -> str:
    """'2024-07-08' -> '8 July 2024'; 'YYYY-MM' -> 'July 2024'; 'YYYY' stays. Unambiguous in any locale."""
    parts = date.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return date


def parse_partial_date(date: str) -> tuple[int, int | None, int | None]:
    """Validate 'YYYY-MM-DD' / 'YYYY-MM' / 'YYYY'; raise ValueError otherwise."""
    parts = date.split("-")
    if len(parts) == 3:
        d = dt.date.fromisoformat(date)
        return d.year, d.month, d.day
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range")
        return year, month, None
    if len(parts) == 1 and len(date) == 4 and date.isdigit():
        return int(date), None, None
    raise ValueError("expected YYYY-MM-DD, YYYY-MM or YYYY")


class BadPeriod(ValueError):
    pass


def period_bounds(value: str | int | None, *, name: str = "date") -> tuple[dt.date, dt.date] | None:
    """'2016' -> (2016-01-01, 2016-12-31); '2016-05' -> May 2016; '2016-05-02' -> that day. None stays None."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not _PARTIAL_DATE.match(text):
        raise BadPeriod(f"{name}: {text[:40]!r} is not a year or an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in text.split("-")]
    try:
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
        day = dt.date(*parts)
        return day, day
    except ValueError as exc:
        raise BadPeriod(f"{name}: {text!r} is not a valid date ({exc})") from None


INTERVAL_UNITS = ("days", "weeks", "months", "years")


def interval(start: dt.date, end: dt.date, unit: str) -> int:
    """Whole days, weeks, months or years from ``start`` to ``end`` (8 July 2024 -> 11 September 2025:
    14 months, 1 year, 430 days)."""
    if unit in ("days", "weeks"):
        return (end - start).days // (7 if unit == "weeks" else 1)
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return months // 12 if unit == "years" else months

