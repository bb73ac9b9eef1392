"""`status` output: the JSON of INTERFACES.md, a CSV with one row per person, and a readable table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from tracker.compliance import DUE, DUE_SOON, EXPIRED, MISSING, PersonCompliance
from tracker.dates import add_months, iso, month_label, month_start, uk

CSV_COLUMNS = (
    "staff_id", "name", "role", "employer", "rag", "courses_required", "courses_expired", "courses_missing",
    "courses_due_soon", "courses_due", "last_session", "last_month_status", "last_month_minutes",
    "this_month_minutes", "reasons",
)
RAG_TEXT = {"red": "RED", "amber": "AMBER", "green": "GREEN"}


def _role(p: PersonCompliance) -> str:
    return p.employment.role_name or p.employment.role if p.employment else ""


def _employer(p: PersonCompliance) -> str:
    return p.employment.employer_name if p.employment else ""


def person_json(p: PersonCompliance) -> dict[str, Any]:
    return {
        "staff_id": p.staff_id,
        "name": p.name,
        "role": _role(p),
        "employer": _employer(p),
        "rag": p.rag,
        "training": [
            {"course": t.course, "kind": t.kind, "name": t.name, "status": t.status,
             "completed_on": iso(t.completed_on), "expires_on": iso(t.expires_on), "met_by": list(t.met_by)}
            for t in p.training
        ],
        "supervision": {
            "last_session": iso(p.last_session),
            "months": [
                {"month": month_label(m.month), "minutes": m.minutes, "status": m.status,
                 "period": {"from": iso(m.period_start), "to": iso(m.period_end), "months": m.period_months,
                            "minutes": m.period_total, "required": m.required}}
                for m in p.months
            ],
        },
    }


def to_json(people: Sequence[PersonCompliance], as_of: date) -> str:
    return json.dumps({"as_of": as_of.isoformat(), "people": [person_json(p) for p in people]}, indent=2)


def _count(p: PersonCompliance, status: str) -> int:
    return sum(1 for t in p.training if t.status == status)


def csv_row(p: PersonCompliance, as_of: date) -> dict[str, object]:
    this_month = p.month(month_start(as_of))
    last_month = p.month(add_months(month_start(as_of), -1))
    return {
        "staff_id": p.staff_id,
        "name": p.name,
        "role": _role(p),
        "employer": _employer(p),
        "rag": p.rag,
        "courses_required": len(p.training),
        "courses_expired": _count(p, EXPIRED),
        "courses_missing": _count(p, MISSING),
        "courses_due_soon": _count(p, DUE_SOON),
        "courses_due": _count(p, DUE),
        "last_session": iso(p.last_session) or "",
        "last_month_status": last_month.status if last_month else "",
        "last_month_minutes": last_month.minutes if last_month else "",
        "this_month_minutes": this_month.minutes if this_month else "",
        "reasons": "; ".join(p.reasons),
    }


def to_csv(people: Sequence[PersonCompliance], as_of: date) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in people:
        writer.writerow(csv_row(p, as_of))
    return out.getvalue()


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def to_table(people: Sequence[PersonCompliance], as_of: date) -> str:
    """A fixed-width table for a terminal: status as a word, the first reason, and how many more."""
    headings = ("Staff ID", "Name", "Role", "Employer", "Status", "Why")
    widths = (10, 24, 30, 30, 6, 60)
    lines = [f"Compliance as at {uk(as_of)}: {len(people)} people"]
    lines.append("  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for p in people:
        why = p.reasons[0] if p.reasons else "all up to date"
        if len(p.reasons) > 1:
            why += f" (+{len(p.reasons) - 1} more)"
        cells = (p.staff_id, p.name, _role(p), _employer(p), RAG_TEXT.get(p.rag, p.rag), why)
        fixed = "  ".join(_clip(c, w).ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True))
        lines.append(f"{fixed}  {why}")
    counts = {rag: sum(1 for p in people if p.rag == rag) for rag in RAG_TEXT}
    lines.append(f"Red {counts['red']}, amber {counts['amber']}, green {counts['green']}")
    return "\n".join(lines) + "\n"


def render(people: Sequence[PersonCompliance], as_of: date, fmt: str) -> str:
    if fmt == "json":
        return to_json(people, as_of) + "\n"
    if fmt == "csv":
        return to_csv(people, as_of)
    return to_table(people, as_of)
