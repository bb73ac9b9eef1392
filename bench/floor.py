"""The floor: the compliance aggregation as ONE hand-written SQL query, to compare the snapshot with.

Per person employed on the as-at date it works out, inside the database: every required course with its
effective renewal (employer > role > course default) and allowance, the latest qualifying approved completion
on or before the date (a higher safeguarding level counts), how many courses are expired or missing and how
many due soon or due; and the qualifying supervision minutes of each of the 12 months (the effective rule's
kinds, group sessions only where allowed), how many months reached the minimum, and last month's minutes.
It skips what plain SQL makes awkward (paused months, clamping 31/01 + 1 month to 28/02 on SQLite), so it is
a little less work than the engine does: a fair lower bound.
"""

from __future__ import annotations

from datetime import date

from tracker import db
from tracker.dates import add_months, month_start

FLOOR_SQL = """
WITH
jobs AS (
  SELECT e.person_id, e.role_id, e.employer_id, e.start_date
  FROM employment e
  WHERE e.start_date <= {as_of} AND (e.end_date IS NULL OR e.end_date >= {as_of})
),
combos AS (SELECT DISTINCT role_id, employer_id FROM jobs),
course_rules AS (
  SELECT k.role_id, k.employer_id, c.id AS course_id,
         COALESCE(re.renewal_months, rr.renewal_months, c.default_renewal_months) AS renewal,
         COALESCE(re.new_starter_days, rr.new_starter_days, 90) AS allowance
  FROM combos k
  CROSS JOIN course c
  LEFT JOIN requirement rr ON rr.course_id = c.id AND rr.role_id = k.role_id
  LEFT JOIN requirement re ON re.course_id = c.id AND re.employer_id = k.employer_id
  WHERE rr.id IS NOT NULL OR re.id IS NOT NULL
),
thresholds AS (
  SELECT DISTINCT renewal, {expired_if_done_by} AS expired_by, {soon_if_done_by} AS soon_by
  FROM course_rules
),
qualifies AS (
  SELECT c.id AS course_id, q.id AS by_id
  FROM course c JOIN course q
    ON q.id = c.id OR (c.strand IS NOT NULL AND q.strand = c.strand AND q.level >= c.level)
),
latest AS MATERIALIZED (
  SELECT t.person_id, t.course_id, MAX(t.completed_on) AS done
  FROM training_record t
  WHERE t.evidence_state = 'approved' AND t.completed_on <= {as_of}
  GROUP BY t.person_id, t.course_id
),
best AS MATERIALIZED (
  SELECT j.person_id, j.start_date, r.course_id, r.renewal, r.allowance, MAX(l.done) AS done
  FROM jobs j
  JOIN course_rules r ON r.role_id = j.role_id AND r.employer_id = j.employer_id
  JOIN qualifies q ON q.course_id = r.course_id
  LEFT JOIN latest l ON l.person_id = j.person_id AND l.course_id = q.by_id
  GROUP BY j.person_id, j.start_date, r.course_id, r.renewal, r.allowance
),
training AS (
  SELECT b.person_id,
    SUM(CASE WHEN b.done IS NULL THEN CASE WHEN {allowance_end} <= {as_of} THEN 1 ELSE 0 END
             WHEN b.renewal > 0 AND b.done <= h.expired_by THEN 1 ELSE 0 END) AS red,
    SUM(CASE WHEN b.done IS NULL THEN CASE WHEN {allowance_end} > {as_of} THEN 1 ELSE 0 END
             WHEN b.renewal > 0 AND b.done > h.expired_by AND b.done <= h.soon_by THEN 1 ELSE 0 END) AS amber
  FROM best b
  JOIN thresholds h ON h.renewal = b.renewal
  GROUP BY b.person_id
),
supervision_rules AS MATERIALIZED (
  SELECT k.role_id, k.employer_id,
         COALESCE(se.min_minutes, sr.min_minutes, 60) AS required,
         ';' || COALESCE(se.kinds, sr.kinds, 'clinical') || ';' AS kinds,
         COALESCE(se.group_counts, sr.group_counts, {true}) AS group_counts
  FROM combos k
  LEFT JOIN supervision_rule se ON se.employer_id = k.employer_id
  LEFT JOIN supervision_rule sr ON sr.role_id = k.role_id
),
minutes AS (
  SELECT a.person_id, {month} AS month, SUM(s.minutes) AS minutes, MAX(u.required) AS required
  FROM supervision_session s
  JOIN session_attendee a ON a.session_id = s.id
  JOIN jobs j ON j.person_id = a.person_id
  JOIN supervision_rules u ON u.role_id = j.role_id AND u.employer_id = j.employer_id
  WHERE s.date >= {window_start} AND s.date <= {as_of}
    AND {kind_counts}
    AND (s.format <> 'group' OR u.group_counts)
  GROUP BY a.person_id, {month}
),
months AS (
  SELECT person_id,
         SUM(CASE WHEN minutes >= required THEN 1 ELSE 0 END) AS met,
         SUM(CASE WHEN month = {previous} THEN minutes ELSE 0 END) AS last_month
  FROM minutes
  GROUP BY person_id
)
SELECT j.person_id, COALESCE(t.red, 0), COALESCE(t.amber, 0), COALESCE(m.met, 0), COALESCE(m.last_month, 0)
FROM jobs j
LEFT JOIN training t ON t.person_id = j.person_id
LEFT JOIN months m ON m.person_id = j.person_id
"""

SQLITE = {
    "allowance_end": "date(b.start_date, '+' || b.allowance || ' days')",
    "expired_if_done_by": "date({as_of}, '-' || renewal || ' months')",
    "soon_if_done_by": "date({warning_end}, '-' || renewal || ' months')",
    "month": "substr(s.date, 1, 7)",
    "kind_counts": "instr(u.kinds, ';' || s.kind || ';') > 0",
    "true": "1",
}
POSTGRES = {
    "allowance_end": "(b.start_date + b.allowance)",
    "expired_if_done_by": "({as_of} - make_interval(months => renewal))::date",
    "soon_if_done_by": "({warning_end} - make_interval(months => renewal))::date",
    "month": "to_char(s.date, 'YYYY-MM')",
    "kind_counts": "strpos(u.kinds, ';' || s.kind || ';') > 0",
    "true": "TRUE",
}


def floor_sql(as_of: date, warning_days: int = 60, months: int = 12) -> str:
    """The query with its dates written in (they are constants of one run; the engine's loader binds them)."""
    dialect = POSTGRES if db.is_postgres() else SQLITE
    cast = "::date" if db.is_postgres() else ""

    def literal(d: date) -> str:
        return f"'{d.isoformat()}'{cast}"

    previous = add_months(month_start(as_of), -1)
    sql = FLOOR_SQL
    for name, piece in dialect.items():
        sql = sql.replace("{" + name + "}", piece)
    return sql.format(
        as_of=literal(as_of),
        window_start=literal(add_months(month_start(as_of), -(months - 1))),
        warning_end=literal(date.fromordinal(as_of.toordinal() + warning_days)),
        previous=f"'{previous:%Y-%m}'",
    )


def run_floor(as_of: date) -> list[tuple]:
    cursor = db.database.execute_sql(floor_sql(as_of))
    return list(cursor.fetchall())
