"""Recognising the header row of someone else's file: our column names, the usual synonyms of HR and e-learning
exports, and pairs the user adds (`--map MAP.json`, or the import page's choices). The command line and the
import page both call `recognise`, so a file is read the same way wherever it comes in.

Where the names come from (their published or exported formats; see docs/importing.md):
- ESR (NHS Electronic Staff Record) staff and competence reports: Employee Number, Assignment Number, First Name,
  Last Name, Position Title, Organisation, Grade, Assignment Start Date, Competence Name, Achieved Date,
  Expiry Date, Compliance Status, Assignment Status, Staff Group, Org L3…
- e-Learning for Healthcare (elfh), Learning Pool, Skills for Health, Totara and Moodle completion reports:
  Email / Email address / User's Email, Forename, Surname, Course / Course Title / Course Name, Completion Date /
  Date Completed / Time completed, Status / Completion Status, Score, Percentage, Username, ID number…
A known export column that carries nothing we keep (a score, a status the rules engine works out itself) is
ignored and reported; a header we do not know at all stays an error. A Moodle "ID" or "Username" is never
taken as a staff id: it is the platform's own number, not the employer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.errors import RowError

SYNONYMS: dict[str, tuple[str, ...]] = {
    # the earlier a synonym, the stronger: ESR's Employee Number is the person, its Assignment Number one job
    "staff_id": ("employee_number", "employee_no", "emp_no", "employee_id", "staff_number", "staff_no",
                 "esr_number", "esr_employee_number", "person_number", "payroll_number", "staff_reference",
                 "assignment_number", "assignment_no"),
    "first_name": ("forename", "forenames", "given_name", "given_names", "firstname", "first", "first_names"),
    "last_name": ("surname", "family_name", "lastname", "last", "last_names"),
    "email": ("email_address", "e_mail", "e_mail_address", "work_email", "work_email_address", "user_s_email",
              "user_email", "primary_email", "nhsmail_address", "nhs_mail"),
    "role": ("job_title", "job_role", "position_title", "position", "position_name", "post", "job"),
    "employer": ("organisation", "organization", "employer_name", "organisation_name", "organization_name",
                 "company", "practice", "practice_name"),
    "employer_type": ("organisation_type", "organization_type", "employer_kind"),
    "pcn": ("primary_care_network", "pcn_name", "network"),
    "band": ("grade", "pay_band", "afc_band", "agenda_for_change_band"),
    "fte": ("wte", "whole_time_equivalent", "full_time_equivalent", "contracted_wte"),
    "start_date": ("assignment_start_date", "date_started", "hire_date", "employment_start", "date_joined",
                   "start_date_in_post", "latest_start_date", "start"),
    "end_date": ("assignment_end_date", "leaving_date", "termination_date", "actual_termination_date",
                 "date_left", "end"),
    "supervisor_staff_id": ("supervisor", "clinical_supervisor", "supervisor_id", "supervisor_employee_number",
                            "supervisor_staff_number"),
    "course": ("competence_name", "competence", "competency_name", "competency", "course_title", "course_name",
               "course_full_name", "course_fullname", "course_code", "module", "module_name", "module_title",
               "learning_item", "training", "training_name", "elearning_title", "item_name",
               "course_short_name", "course_shortname"),
    "completed_on": ("achieved_date", "achievement_date", "date_achieved", "completion_date", "date_completed",
                     "completed_date", "completed", "date_of_completion", "course_completion_date",
                     "time_completed", "completion_time", "date_passed", "passed_date", "date_awarded",
                     "awarded_date", "last_completed"),
    "expires_on": ("expiry_date", "expiry", "expires", "expiration_date", "date_of_expiry", "valid_until",
                   "valid_to", "renewal_date", "certificate_expiry_date"),
    "reference": ("certificate_number", "certificate_no", "certificate_id", "certificate_reference",
                  "reference_number", "registration_number", "registration_no", "dbs_certificate_number", "pin"),
    "provider": ("training_provider", "provider_name", "delivered_by", "platform", "source", "regulator",
                 "issuing_body"),
    "date": ("session_date", "supervision_date", "date_of_session"),
    "supervisee_staff_ids": ("supervisee", "supervisees", "supervisee_id", "supervisee_staff_id", "attendees"),
    "minutes": ("duration", "duration_minutes", "length_minutes", "mins"),
    "kind": ("type", "supervision_type", "session_type"),
    "format": ("session_format", "one_to_one_or_group"),
    "mode": ("delivery", "delivery_mode", "how"),
    "reason": ("absence_reason", "absence_type", "category"),
    "alias": ("their_name", "other_name", "external_name", "name_elsewhere"),
}

# Columns real exports carry that hold nothing we keep: ignored, and said so in the summary.
IGNORED: frozenset[str] = frozenset({
    "compliance_status", "competence_status", "competency_status", "status", "completion_status",
    "assignment_status", "course_status", "progress", "score", "percentage", "percent", "final_grade",
    "result", "required", "required_by", "meets_requirement", "matches_requirement", "full_name", "name_full",
    "user", "user_s_fullname", "user_fullname", "username", "user_name", "id", "user_id", "id_number",
    "idnumber", "moodle_id", "learner_id", "time_started", "time_enrolled", "enrolment_date",
    "course_start_date", "date_started_course", "staff_group", "area_of_work", "occupation_code",
    "department", "cost_centre", "location", "site", "directorate", "org_l1", "org_l2", "org_l3", "org_l4",
    "org_l5", "org_l6", "org_l7", "organisation_l3", "organisation_l4", "title", "middle_name",
    "course_category", "duration_hours", "hours", "credits", "certificate", "notes", "name",
})

# Kinds that take a person's details only to find the person: the people columns of an HR export are ignored.
PERSON_COLUMNS = ("first_name", "last_name", "role", "employer", "employer_type", "pcn", "band", "fte",
                  "start_date", "end_date", "supervisor_staff_id")
FINDS_PEOPLE = ("training", "training-matrix")


def normalise(header: object) -> str:
    """'User's Email' -> 'user_s_email', ' Achieved Date ' -> 'achieved_date' (case, spaces and marks aside)."""
    return re.sub(r"[^a-z0-9]+", "_", str(header or "").strip().lower()).strip("_")


_BY_SYNONYM: dict[str, tuple[str, int]] = {
    synonym: (target, rank) for target, names in SYNONYMS.items() for rank, synonym in enumerate(names)
}


@dataclass
class Recognition:
    """What each header of a file gives: index -> our column; the ignored headers; the header errors."""

    columns: dict[int, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)  # indexes of headers that are none of ours
    errors: list[RowError] = field(default_factory=list)

    @property
    def found(self) -> set[str]:
        return set(self.columns.values())


def load_map(pairs: dict[str, str] | None) -> dict[str, str]:
    """The user's {"their header": "our column"} pairs, keyed by the normalised header ("" = leave it out)."""
    return {normalise(k): normalise(v) for k, v in (pairs or {}).items()}


def target_of(header: str, ours: tuple[str, ...], extra: dict[str, str]) -> tuple[str | None, int]:
    """(our column, strength) for one header; strength 0 is the user's map, 1 our own name, 2+ a synonym."""
    key = normalise(header)
    if key in extra:
        return (extra[key] or None), 0
    if key in ours:
        return key, 1
    if key in _BY_SYNONYM:
        target, rank = _BY_SYNONYM[key]
        if target in ours:
            return target, 2 + rank
    return None, 99


def recognise(
    kind: str, headers: list[str], ours: tuple[str, ...], extra: dict[str, str] | None = None,
    ignore_unknown: bool = False,
) -> Recognition:
    """Each header matched to our columns; of two headers that give one column the stronger is used and the
    other ignored (ESR files carry both Employee Number and Assignment Number); the same name twice is an
    error. With ignore_unknown the unrecognised headers are listed in `unknown` instead (the matrix's courses)."""
    pairs = load_map(extra)
    result = Recognition()
    best: dict[str, tuple[int, int]] = {}  # our column -> (strength, index)
    for index, header in enumerate(headers):
        key = normalise(header)
        if not key:
            continue
        target, strength = target_of(header, ours, pairs)
        if key in pairs and target is None:
            result.ignored.append(header)
            continue
        if target is not None and target not in ours:
            result.errors.append(RowError(1, header, f"--map gives '{target}', which is not a column of the {kind} "
                                                     f"file ({', '.join(ours)})"))
            continue
        if target is None:
            if key in IGNORED or (kind in FINDS_PEOPLE and _BY_SYNONYM.get(key, (key,))[0] in PERSON_COLUMNS) \
                    or (kind in FINDS_PEOPLE and key in PERSON_COLUMNS):
                result.ignored.append(header)
            elif ignore_unknown:
                result.unknown.append(index)
            else:
                result.errors.append(RowError(1, header, f"unknown column (the {kind} file has: {', '.join(ours)})"))
            continue
        if target in best:
            held_strength, held_index = best[target]
            if held_strength == strength:
                result.errors.append(RowError(1, header, f"the column appears twice (columns {held_index + 1} "
                                                         f"and {index + 1})"))
                continue
            if strength < held_strength:
                result.ignored.append(headers[held_index])
                del result.columns[held_index]
            else:
                result.ignored.append(header)
                continue
        best[target] = (strength, index)
        result.columns[index] = target
    return result
