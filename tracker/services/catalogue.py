"""The built-in catalogues (roles, courses, default requirements, policy topics) from shared/domain."""

from __future__ import annotations

from tracker.db import database
from tracker.models import Course, PolicyTopic, Requirement, Role, SupervisionRule

# code, name, band cap (None where no band is confirmed), is ARRS
ROLES: list[tuple[str, str, str | None, bool]] = [
    ("SPLW", "Social Prescribing Link Worker", "5", True),
    ("HWBC", "Health and Wellbeing Coach", None, True),
    ("CC", "Care Coordinator", "4", True),
    ("CP", "Clinical Pharmacist", "7-8a", True),
    ("SCP", "Senior Clinical Pharmacist", None, True),
    ("PT", "Pharmacy Technician", "5", True),
    ("FCP", "First Contact Physiotherapist", None, True),
    ("PA", "Physician Assistant", None, True),
    ("DT", "Dietitian", None, True),
    ("POD", "Podiatrist", None, True),
    ("OT", "Occupational Therapist", None, True),
    ("PARA", "Paramedic", None, True),
    ("MHP", "Mental Health Practitioner", "from 5", True),
    ("NA", "Nursing Associate", None, True),
    ("TNA", "Trainee Nursing Associate", None, True),
    ("AP", "Advanced Practitioner", "8a", True),
    ("GPA", "General Practice Assistant", "4", True),
    ("DTL", "Digital and Transformation Lead", None, True),
    ("GP", "General Practitioner", "not AfC", True),
    ("HCSW", "Healthcare Support Worker", "3", True),
    ("GPN5", "New to General Practice Nurse", "5", True),
    ("GPN6", "Experienced General Practice Nurse", "6", True),
    ("CNPC", "Consultant Nurse (Primary Care)", "8c", True),
    ("EPN", "Enhanced Practice Nurse", "7", True),
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

# Workforce checks beside the courses (INTERFACES.md): code, name, kind, default renewal months (0 = once, or no
# national re-check interval: an employer's policy may set one). A registration is verified against the register
# every 12 months; the register's own renewal date, written on the record, counts when it is earlier.
WORKFORCE_ITEMS: list[tuple[str, str, str, int]] = [
    ("REG-GMC", "GMC registration", "registration", 12),
    ("REG-NMC", "NMC registration", "registration", 12),
    ("REG-GPHC", "GPhC registration", "registration", 12),
    ("REG-HCPC", "HCPC registration", "registration", 12),
    ("REG-SWE", "Social Work England registration", "registration", 12),
    ("DBS-ENH", "Enhanced DBS check", "check", 0),
    ("DBS-STD", "Standard DBS check", "check", 0),
    ("RTW", "Right to work check", "check", 0),
    ("APPRAISAL", "Annual appraisal", "appraisal", 12),
]
REGULATOR_NAMES = {
    "REG-GMC": "General Medical Council",
    "REG-NMC": "Nursing and Midwifery Council",
    "REG-GPHC": "General Pharmaceutical Council",
    "REG-HCPC": "Health and Care Professions Council",
    "REG-SWE": "Social Work England",
}
REGULATOR_SHORT = {"REG-GMC": "GMC", "REG-NMC": "NMC", "REG-GPHC": "GPhC", "REG-HCPC": "HCPC", "REG-SWE": "SWE"}
# The regulator of each registered role (domain/arrs-roles.md; 2026/27 catalogue in docs/catalogue.md).
ROLE_REGISTRATION = {
    "CP": "REG-GPHC", "SCP": "REG-GPHC", "PT": "REG-GPHC",
    "FCP": "REG-HCPC", "DT": "REG-HCPC", "POD": "REG-HCPC", "OT": "REG-HCPC", "PARA": "REG-HCPC",
    "NA": "REG-NMC", "GPN5": "REG-NMC", "GPN6": "REG-NMC", "CNPC": "REG-NMC", "EPN": "REG-NMC",
    "GP": "REG-GMC", "PA": "REG-GMC",
}
# Who may be each role's named clinical supervisor, by profession (domain/supervision.md: NHS England's quick
# reference and the training hubs). A supervisor of another kind is allowed, with a warning.
_SENIOR_CLINICIANS = ("gp", "nurse", "pharmacist", "physiotherapist", "occupational therapist", "paramedic",
                      "dietitian", "podiatrist", "advanced practitioner")
SUPERVISOR_PROFESSIONS: dict[str, tuple[str, ...]] = {
    "SPLW": _SENIOR_CLINICIANS, "HWBC": _SENIOR_CLINICIANS, "CC": _SENIOR_CLINICIANS,
    "CP": ("pharmacist", "gp"), "SCP": ("pharmacist", "gp"), "PT": ("pharmacist", "gp"),
    "FCP": ("physiotherapist", "gp"), "PARA": ("paramedic", "gp"), "DT": ("dietitian", "gp"),
    "POD": ("podiatrist", "gp"), "OT": ("occupational therapist", "gp"),
    "AP": ("gp", "advanced practitioner", "consultant"), "PA": ("gp",),
    "NA": ("nurse", "gp"), "TNA": ("nurse", "gp"), "GPN5": ("nurse", "gp"), "GPN6": ("nurse", "gp"),
    "EPN": ("nurse", "gp"), "HCSW": ("nurse", "gp"),
    "MHP": ("mental health nurse", "occupational therapist", "social worker", "psychologist", "psychiatrist"),
}
NOT_PATIENT_FACING = {"DTL"}  # the digital and transformation lead: no enhanced DBS by default

# Infection prevention and moving and handling are for every role (real practice expects them of everyone).
EVERY_ROLE_COURSES = ["SG-L1", "SG-L2", "IG", "EDHR", "HSW", "FIRE", "PREVENT", "OMMT", "IPC", "MH"]
REGISTERED_CLINICIANS = {
    "CP", "SCP", "FCP", "PA", "PARA", "MHP", "AP", "GP", "GPN5", "GPN6", "CNPC", "EPN", "OT", "DT", "POD",
}
ROLE_EXTRA_COURSES = {"SPLW": ["VCSE-INTRO", "PCI-SP"], "HWBC": ["PCI-HC"]}


def default_role_courses(role_code: str) -> list[str]:
    courses = list(EVERY_ROLE_COURSES)
    if role_code in REGISTERED_CLINICIANS:
        courses = [("SG-L3" if c == "SG-L2" else c) for c in courses] + ["BLS"]
    return courses + ROLE_EXTRA_COURSES.get(role_code, [])


def default_role_checks(role_code: str) -> list[str]:
    """The workforce checks an ARRS role needs by default: its regulator's registration, an enhanced DBS where
    patient-facing, right to work and the annual appraisal."""
    checks = [ROLE_REGISTRATION[role_code]] if role_code in ROLE_REGISTRATION else []
    if role_code not in NOT_PATIENT_FACING:
        checks.append("DBS-ENH")
    return checks + ["RTW", "APPRAISAL"]


def default_role_items(role_code: str) -> list[str]:
    return default_role_courses(role_code) + default_role_checks(role_code)


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


# The 2026/27 changes to roles an older release wrote (docs/catalogue.md): (code, the old built-in name, the new
# name) and (code, the band cap to set where none was set).
RENAMED_ROLES = [
    ("PA", "Physician Associate", "Physician Assistant"),
    ("GP", "General Practitioner (within 2 years of qualifying)", "General Practitioner"),
]
BAND_CAPS_2026 = [("CP", "7-8a"), ("PT", "5"), ("AP", "8a")]
# Supervision rules built in: senior clinical pharmacists are supervised at least every 3 months.
BUILT_IN_SUPERVISION = [("SCP", 60, "clinical", True, 3)]


def load_catalogues() -> dict[str, int]:
    """Insert any built-in role, course, default requirement or topic that is missing; safe to repeat.

    Existing rows are left as administrators edited them.
    """
    with database.atomic():
        return _insert_missing()


def upgrade_to_2026_27() -> dict[str, int]:
    """Bring a database an older release made up to the 2026/27 catalogue, once (schema step 7): the new items
    and roles, the default requirements for them (and infection prevention and moving and handling for every
    role that lacks them), the renamed roles and the band caps, each where the administrators had not changed
    it. Inside the caller's transaction; one audit event says what was added."""
    from tracker.services import audit

    had_requirements = Requirement.select().exists()
    known_roles = {r.code for r in Role.select(Role.code)}
    added = _insert_missing()
    renamed = 0
    for code, old, new in RENAMED_ROLES:
        if not Role.select().where(Role.name == new).exists():
            renamed += Role.update(name=new).where((Role.code == code) & (Role.name == old)).execute()
    capped = 0
    for code, band in BAND_CAPS_2026:
        capped += Role.update(band_cap=band).where((Role.code == code) & Role.band_cap.is_null()).execute()
    Course.update(kind="course").where(Course.kind.is_null()).execute()
    extra = 0
    if had_requirements:  # a fresh database got every default from _insert_missing already
        course_ids: dict[str, int] = dict(Course.select(Course.code, Course.id).tuples())
        held = set(Requirement.select(Requirement.role, Requirement.course).where(Requirement.role.is_null(False))
                   .tuples())
        rows = []
        for role_code, role_id in Role.select(Role.code, Role.id).where(Role.is_arrs == True).tuples():  # noqa: E712
            wanted = default_role_items(role_code) if role_code not in known_roles else (
                default_role_checks(role_code) + ["IPC", "MH"]
            )
            rows += [{"course": course_ids[code], "role": role_id} for code in wanted
                     if code in course_ids and (role_id, course_ids[code]) not in held]
        if rows:
            Requirement.insert_many(rows).execute()
        extra = len(rows)
    summary = added | {"requirements": added["requirements"] + extra, "roles_renamed": renamed, "band_caps": capped}
    audit.record("upgrade", "catalogue_2026_27", "catalogue", None, None, summary)
    return summary


def _insert_missing() -> dict[str, int]:
    known_roles = {r.code for r in Role.select(Role.code)}
    roles = [
        {"code": code, "name": name, "band_cap": band, "is_arrs": arrs}
        for code, name, band, arrs in ROLES
        if code not in known_roles
    ]
    known_courses = {c.code for c in Course.select(Course.code)}
    courses = [
        {"code": code, "name": name, "strand": strand, "level": level, "default_renewal_months": renewal,
         "kind": "course"}
        for code, name, strand, level, renewal in COURSES
        if code not in known_courses
    ] + [
        {"code": code, "name": name, "strand": None, "level": None, "default_renewal_months": renewal,
         "kind": kind}
        for code, name, kind, renewal in WORKFORCE_ITEMS
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
            for code in default_role_items(role_code)
        ]
        Requirement.insert_many(requirements).execute()
    supervision = _add_built_in_supervision({r["code"] for r in roles})
    added = {
        "roles": len(roles),
        "courses": len(courses),
        "requirements": len(requirements),
        "policy_topics": len(topics),
        "supervision_rules": supervision,
    }
    return added


def _add_built_in_supervision(new_roles: set[str]) -> int:
    """The built-in supervision rules, for roles just added (an existing role keeps the rule it has or not)."""
    rows = []
    for code, minutes, kinds, group, period in BUILT_IN_SUPERVISION:
        if code in new_roles:
            role = Role.get(Role.code == code)
            if not SupervisionRule.select().where(SupervisionRule.role == role.id).exists():
                rows.append({"role": role.id, "min_minutes": minutes, "kinds": kinds, "group_counts": group,
                             "period_months": period})
    if rows:
        SupervisionRule.insert_many(rows).execute()
    return len(rows)
