"""Date parsing and formatting: UK style on screen, ISO in files, both accepted as input."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from tracker.errors import ValidationError


def parse_date(value: object, field: str = "date") -> date:
    """Accept dd/mm/yyyy, yyyy-mm-dd, or a date/datetime (as openpyxl gives); anything else is an error."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationError("a date is required (dd/mm/yyyy or yyyy-mm-dd)", field)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt == "%d/%m/%Y" and len(text.split("/")[2]) != 4:
            break
        return parsed
    raise ValidationError(f"'{text}' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)", field)


def parse_optional_date(value: object, field: str = "date") -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
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
