"""The floor: the compliance aggregation as ONE hand-written SQL query, to compare the snapshot with.

Inside the database, for everyone employed on the as-at date, it returns the same detail the snapshot gives:
a row per required course (effective renewal and allowance: employer > role > course default; the latest
qualifying approved completion on or before the date, a higher safeguarding level counting; the status:
compliant, due_soon, expired, due or missing) and a row per month of the 12 with supervision (the minutes of
the effective rule's kinds, group sessions only where allowed, and whether they reach the minimum).
It leaves out what plain SQL makes awkward (paused months, policies, reasons, the red/amber/green, clamping
31/01 + 1 month to 28/02, an adults and a children record paired for a combined safeguarding item, the expiry
printed on a record, supervision periods longer than a month), so it does a little less than the engine: a fair
lower bound. (The synthetic population records none of those three, so the two agree on it exactly.)
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
qualifies AS MATERIALIZED (
  SELECT c.id AS course_id, q.id AS by_id
  FROM course c JOIN course q
    ON q.id = c.id OR (c.strand IS NOT NULL AND q.level >= c.level AND (
      q.strand = c.strand
      OR (q.strand = 'safeguarding' AND c.strand IN ('safeguarding-adults', 'safeguarding-children'))))
),
best AS MATERIALIZED (
  SELECT j.person_id, j.start_date, r.course_id, r.renewal, r.allowance,
         (SELECT MAX(t.completed_on)
          FROM training_record t
          WHERE t.person_id = j.person_id
            AND t.course_id IN (SELECT q.by_id FROM qualifies q WHERE q.course_id = r.course_id)
            AND t.evidence_state = 'approved' AND t.completed_on <= {as_of}) AS done
  FROM jobs j
  JOIN course_rules r ON r.role_id = j.role_id AND r.employer_id = j.employer_id
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
{minutes_ctes}
months AS (
  SELECT person_id, month, minutes, CASE WHEN minutes >= required THEN 'met' ELSE 'short' END AS status
  FROM minutes
)
SELECT b.person_id, b.course_id, b.done,
       CASE WHEN b.done IS NULL THEN CASE WHEN {allowance_end} <= {as_of} THEN 'missing' ELSE 'due' END
            WHEN b.renewal = 0 THEN 'compliant'
            WHEN b.done <= h.expired_by THEN 'expired'
            WHEN b.done <= h.soon_by THEN 'due_soon'
            ELSE 'compliant' END,
       CAST(NULL AS TEXT), CAST(NULL AS INTEGER)
FROM best b
JOIN thresholds h ON h.renewal = b.renewal
UNION ALL
SELECT m.person_id, CAST(NULL AS INTEGER), CAST(NULL AS DATE), m.status, m.month, m.minutes
FROM months m
"""

# Qualifying minutes per person and month: SQLite does best joining everything in one pass; PostgreSQL
# misjudges the size of the CTEs that way, and does best summing each person's months first.
JOINED_IN_ONE_PASS = """minutes AS (
  SELECT a.person_id, {month} AS month, SUM(s.minutes) AS minutes, MAX(u.required) AS required
  FROM supervision_session s
  CROSS JOIN session_attendee a ON a.session_id = s.id
  JOIN jobs j ON j.person_id = a.person_id
  JOIN supervision_rules u ON u.role_id = j.role_id AND u.employer_id = j.employer_id
  WHERE s.date >= {window_start} AND s.date <= {as_of}
    AND {kind_counts}
    AND (s.format <> 'group' OR u.group_counts)
  GROUP BY a.person_id, {month}
),"""
SUMMED_FIRST = """attended AS MATERIALIZED (
  SELECT a.person_id, {month} AS month, s.kind, s.format, SUM(s.minutes) AS minutes
  FROM supervision_session s
  JOIN session_attendee a ON a.session_id = s.id
  WHERE s.date >= {window_start} AND s.date <= {as_of}
  GROUP BY a.person_id, {month}, s.kind, s.format
),
minutes AS (
  SELECT s.person_id, s.month, SUM(s.minutes) AS minutes, MAX(u.required) AS required
  FROM attended s
  JOIN jobs j ON j.person_id = s.person_id
  JOIN supervision_rules u ON u.role_id = j.role_id AND u.employer_id = j.employer_id
  WHERE {kind_counts} AND (s.format <> 'group' OR u.group_counts)
  GROUP BY s.person_id, s.month
),"""

SQLITE = {
    "minutes_ctes": JOINED_IN_ONE_PASS,  # first: it holds some of the pieces below
    "allowance_end": "date(b.start_date, '+' || b.allowance || ' days')",
    "expired_if_done_by": "date({as_of}, '-' || renewal || ' months')",
    "soon_if_done_by": "date({warning_end}, '-' || renewal || ' months')",
    "month": "substr(s.date, 1, 7)",
    "kind_counts": "instr(u.kinds, ';' || s.kind || ';') > 0",
    "true": "1",
}
POSTGRES = {
    "minutes_ctes": SUMMED_FIRST,
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

    sql = FLOOR_SQL
    for name, piece in dialect.items():
        sql = sql.replace("{" + name + "}", piece)
    return sql.format(
        as_of=literal(as_of),
        window_start=literal(add_months(month_start(as_of), -(months - 1))),
        warning_end=literal(date.fromordinal(as_of.toordinal() + warning_days)),
    )


def run_floor(as_of: date) -> list[tuple]:
    cursor = db.database.execute_sql(floor_sql(as_of))
    return list(cursor.fetchall())
