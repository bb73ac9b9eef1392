"""Date parsing and formatting: UK style on screen, ISO in files, both accepted as input."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from tracker.errors import ValidationError

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+)?"
_TIME = r"(?:[T\s,]+(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(rf"(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}}){_TIME}", re.I)
_NUMERIC = re.compile(rf"{_WEEKDAY}(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d+){_TIME}", re.I)
_NAMED = re.compile(rf"{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d+){_TIME}", re.I)
_SERIAL = re.compile(r"\d{5}")
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug makes day 60 the phantom 29/02/1900)
FORMS = "dd/mm/yyyy, yyyy-mm-dd or 1 Feb 2025"


def _invalid(text: str, field: str) -> ValidationError:
    return ValidationError(f"'{text}' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)", field)


def _build(text: str, field: str, year: str, month: int, day: str) -> date:
    if len(year) != 4:
        raise ValidationError(
            f"'{text}' has a two-digit year, which could be any century: write the year in full ({FORMS})", field)
    try:
        return date(int(year), month, int(day))
    except ValueError:
        raise _invalid(text, field) from None


def from_excel_serial(number: float, field: str = "date") -> date:
    """An Excel serial day number (a date cell read as a number, or a date saved in a General cell)."""
    if not 1 <= number < 2958466:
        raise ValidationError(f"{number:g} is not a date (an Excel day number runs from 1 to 2958465)", field)
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_date(value: object, field: str = "date") -> date:
    """Accept the date forms of INTERFACES.md (dd/mm/yyyy, yyyy-mm-dd with or without a time, 01-Feb-2025,
    1 February 2025, 01.02.2025), an Excel date cell or serial number; refuse US dates and two-digit years."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_excel_serial(value, field)
    text = str(value or "").strip()
    if not text:
        raise ValidationError("a date is required (dd/mm/yyyy or yyyy-mm-dd)", field)
    if len(text) == 10 and text[2] == "/" and text[5] == "/" and text[:2].isdigit() and text[3:5].isdigit() \
            and text[6:].isdigit() and int(text[3:5]) <= 12:  # the usual dd/mm/yyyy, without the regular expressions
        return _build(text, field, text[6:], int(text[3:5]), text[:2])
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        return _build(text, field, text[:4], int(text[5:7]), text[8:])
    if _SERIAL.fullmatch(text):
        return from_excel_serial(int(text), field)
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
        return _build(text, field, year, int(month), day)
    if match := _NUMERIC.fullmatch(text):
        day, _, month, year = match.groups()
        if int(month) > 12 and int(day) <= 12:
            raise ValidationError(
                f"'{text}' looks like a US date (month first): write it day first, as dd/mm/yyyy", field)
        return _build(text, field, year, int(month), day)
    if match := _NAMED.fullmatch(text):
        day, name, year = match.groups()
        month = _MONTHS.get(name.lower())
        if month is None:
            raise _invalid(text, field)
        return _build(text, field, year, month, day)
    raise _invalid(text, field)


NO_DATE = frozenset({"no expiry", "does not expire", "never expires", "31-dec-4712", "31/12/4712", "4712-12-31"})


def parse_optional_date(value: object, field: str = "date") -> date | None:
    """As parse_date, but blank is None, and so are the 'no date' markers of HR and e-learning exports (ESR writes
    31-Dec-4712 for an assignment with no end; e-learning reports write 'No expiry')."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().lower() in NO_DATE:
        return None
    if isinstance(value, (date, datetime)) and value.year == 4712 and value.month == 12 and value.day == 31:
        return None
    return parse_date(value, field)


def uk(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def add_months(d: date, months: int) -> date:
    """Calendar-month arithmetic that clamps to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def days_in_month(d: date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def month_label(d: date) -> str:
    return d.strftime("%Y-%m")


def last_months(as_of: date, count: int) -> list[date]:
    """The first days of the `count` calendar months up to and including as_of's month, oldest first."""
    first = month_start(as_of)
    return [add_months(first, -i) for i in range(count - 1, -1, -1)]
