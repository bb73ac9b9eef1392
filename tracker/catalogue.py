"""The built-in catalogues (roles, courses, default requirements, policy topics) from shared/domain."""

from __future__ import annotations

from tracker.course_names import BUILTIN_ALIASES, alias_key
from tracker.db import database
from tracker.models import Course, CourseAlias, PolicyTopic, Requirement, Role

# code, name, band cap (None where no band is confirmed), is ARRS
ROLES: list[tuple[str, str, str | None, bool]] = [
    ("SPLW", "Social Prescribing Link Worker", "5", True),
    ("HWBC", "Health and Wellbeing Coach", None, True),
    ("CC", "Care Coordinator", "4", True),
    ("CP", "Clinical Pharmacist", None, True),
    ("PT", "Pharmacy Technician", None, True),
    ("FCP", "First Contact Physiotherapist", None, True),
    ("PA", "Physician Associate", None, True),
    ("DT", "Dietitian", None, True),
    ("POD", "Podiatrist", None, True),
    ("OT", "Occupational Therapist", None, True),
    ("PARA", "Paramedic", None, True),
    ("MHP", "Mental Health Practitioner", "from 5", True),
    ("NA", "Nursing Associate", None, True),
    ("TNA", "Trainee Nursing Associate", None, True),
    ("AP", "Advanced Practitioner", None, True),
    ("GPA", "General Practice Assistant", "4", True),
    ("DTL", "Digital and Transformation Lead", None, True),
    ("GP", "General Practitioner (within 2 years of qualifying)", "not AfC", True),
    ("HCSW", "Healthcare Support Worker", "3", True),
    ("GPN5", "New to General Practice Nurse", "5", True),
    ("GPN6", "Experienced General Practice Nurse", "6", True),
    ("CNPC", "Consultant Nurse (Primary Care)", "8c", True),
    # Non-ARRS roles for supervisors and leads.
    ("GPP", "GP Partner / Clinical Director", None, False),
    ("PM", "Practice Manager", None, False),
    ("PCNM", "PCN Manager", None, False),
    ("SC", "Senior Clinician", None, False),
    ("OPM", "Operational Manager (VCSE)", None, False),
]

# code, name, strand, level, default renewal months
COURSES: list[tuple[str, str, str | None, int | None, int]] = [
    ("SG-L1", "Safeguarding Adults and Children Level 1", "safeguarding", 1, 36),
    ("SG-L2", "Safeguarding Adults and Children Level 2", "safeguarding", 2, 36),
    ("SG-L3", "Safeguarding Adults and Children Level 3", "safeguarding", 3, 36),
    ("SGA-L1", "Safeguarding Adults Level 1", "safeguarding-adults", 1, 36),
    ("SGA-L2", "Safeguarding Adults Level 2", "safeguarding-adults", 2, 36),
    ("SGA-L3", "Safeguarding Adults Level 3", "safeguarding-adults", 3, 36),
    ("SGC-L1", "Safeguarding Children Level 1", "safeguarding-children", 1, 36),
    ("SGC-L2", "Safeguarding Children Level 2", "safeguarding-children", 2, 36),
    ("SGC-L3", "Safeguarding Children Level 3", "safeguarding-children", 3, 36),
    ("VCSE-INTRO", "Introducing people to community groups and VCSE organisations", None, None, 0),
    ("PCI-SP", "Social prescribing learning for link workers (accredited)", None, None, 0),
    ("PCI-HC", "Health coaching, 4-day accredited", None, None, 0),
    ("CONFLICT", "Conflict Resolution", None, None, 36),
    ("EDHR", "Equality, Diversity and Human Rights", None, None, 36),
    ("FIRE", "Fire Safety", None, None, 12),
    ("HSW", "Health, Safety and Welfare", None, None, 36),
    ("IPC", "Infection Prevention and Control", None, None, 12),
    ("IG", "Information Governance and Data Security", None, None, 12),
    ("MH", "Moving and Handling", None, None, 36),
    ("PREVENT", "Preventing Radicalisation", None, None, 36),
    ("BLS", "Resuscitation (Basic Life Support)", None, None, 12),
    ("OMMT", "Oliver McGowan Mandatory Training on Learning Disability and Autism", None, None, 36),
]

EVERY_ROLE_COURSES = ["SG-L1", "SG-L2", "IG", "EDHR", "HSW", "FIRE", "PREVENT", "OMMT"]
REGISTERED_CLINICIANS = {"CP", "FCP", "PA", "PARA", "MHP", "AP", "GP", "GPN5", "GPN6", "CNPC", "OT", "DT", "POD"}
ROLE_EXTRA_COURSES = {"SPLW": ["VCSE-INTRO", "PCI-SP"], "HWBC": ["PCI-HC"]}


def default_role_courses(role_code: str) -> list[str]:
    courses = list(EVERY_ROLE_COURSES)
    if role_code in REGISTERED_CLINICIANS:
        courses = [("SG-L3" if c == "SG-L2" else c) for c in courses] + ["BLS", "IPC"]
    return courses + ROLE_EXTRA_COURSES.get(role_code, [])


POLICY_TOPICS: list[tuple[str, str]] = [
    ("Home visits", "Whether staff may visit clients at home, and on what conditions"),
    ("Lone working", "Arrangements for staff working alone"),
    ("Supervision", "Frequency, minimum minutes, kinds of supervision, and whether group sessions count"),
    ("Mandatory training renewal", "How often each mandatory course must be renewed"),
    ("Safeguarding reporting route", "Who to tell, and how, about a safeguarding concern"),
    ("Sickness and absence reporting", "How and when to report sickness and absence"),
    ("Annual leave", "Booking and approval of annual leave"),
    ("Incident and adverse-event reporting", "How incidents and adverse events are reported"),
    ("Complaints", "Handling complaints from patients and clients"),
    ("Information sharing and record access", "Which records staff may see and share"),
    ("Use of own vehicle and expenses", "Business use of own vehicles, insurance and expenses"),
    ("Working hours and out-of-hours contact", "Hours of work and contact outside them"),
    ("DBS checks and re-checks", "DBS level, Update Service and local re-check period"),
    ("Professional registration checks", "Checks of HCPC, NMC, GMC or GPhC registration"),
]


def load_catalogues() -> dict[str, int]:
    """Insert any built-in role, course, default requirement or topic that is missing; safe to repeat.

    Existing rows are left as administrators edited them.
    """
    with database.atomic():
        known_roles = {r.code for r in Role.select(Role.code)}
        roles = [
            {"code": code, "name": name, "band_cap": band, "is_arrs": arrs}
            for code, name, band, arrs in ROLES
            if code not in known_roles
        ]
        known_courses = {c.code for c in Course.select(Course.code)}
        courses = [
            {"code": code, "name": name, "strand": strand, "level": level, "default_renewal_months": renewal}
            for code, name, strand, level, renewal in COURSES
            if code not in known_courses
        ]
        known_topics = {t.name for t in PolicyTopic.select(PolicyTopic.name)}
        topics = [
            {"name": name, "description": description}
            for name, description in POLICY_TOPICS
            if name not in known_topics
        ]
        for model, rows in ((Role, roles), (Course, courses), (PolicyTopic, topics)):
            if rows:
                model.insert_many(rows).execute()
        requirements = []
        if not Requirement.select().exists():
            course_ids: dict[str, int] = dict(Course.select(Course.code, Course.id).tuples())
            arrs_roles = Role.select(Role.code, Role.id).where(Role.is_arrs == True).tuples()  # noqa: E712
            requirements = [
                {"course": course_ids[code], "role": role_id}
                for role_code, role_id in arrs_roles
                for code in default_role_courses(role_code)
            ]
            Requirement.insert_many(requirements).execute()
        aliases = _missing_builtin_aliases()
        if aliases:
            CourseAlias.insert_many(aliases).execute()
    added = {
        "roles": len(roles),
        "courses": len(courses),
        "requirements": len(requirements),
        "policy_topics": len(topics),
        "course_aliases": len(aliases),
    }
    return added


def _missing_builtin_aliases() -> list[dict[str, object]]:
    """The built-in aliases not yet held, for the items the catalogue has (an administrator's alias of the same
    name is kept as it is)."""
    held = {k for (k,) in CourseAlias.select(CourseAlias.key).tuples()}
    codes: dict[str, int] = dict(Course.select(Course.code, Course.id).tuples())
    names = {n.lower() for (n,) in Course.select(Course.name).tuples()} | {c.lower() for c in codes}
    rows: list[dict[str, object]] = []
    for alias, code in BUILTIN_ALIASES:
        key = alias_key(alias)
        if key in held or key in names or code not in codes:
            continue
        held.add(key)
        rows.append({"alias": alias, "key": key, "course": codes[code], "builtin": True})
    return rows
