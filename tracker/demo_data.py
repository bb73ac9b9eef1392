"""The fixed facts of the demo data set: an invented neighbourhood team (no real person or organisation).

Dates are not stored here: every date is built relative to the day the demo is loaded, so the demo always
shows two years of history up to "today". Months are counted back from the month of that day.
"""

from __future__ import annotations

SEED = 20261122
PCN_NAME = "Riverside North PCN"

# key, name, kind, email domain
EMPLOYERS: list[tuple[str, str, str, str]] = [
    ("practice", "Riverside Medical Practice", "gp_practice", "riversidemedical.example"),
    ("charity", "Riverside Community Connections", "vcse", "riversideconnections.example"),
    ("council", "Riverside Borough Council Family Services", "local_authority", "riverside-council.example"),
    ("trust", "Eastbrook Mental Health NHS Foundation Trust", "nhs_trust", "eastbrook-mh.example"),
]
LEAD_PRACTICE = "practice"  # the PCN's lead practice hosts it

# Team training events (courses no demo story depends on): course, days from the demo's today, provider, people from each employer, planned
TEAM_EVENTS: list[tuple[str, int, str, int, bool]] = [
    ("CONFLICT", -21, "Eastbrook Mental Health NHS Foundation Trust training team", 4, False),
    ("MH", 14, "Riverside Community Connections", 3, True),
]

# key, first name, last name, role code, employer key, clinical supervisor (key), months in post, profession
PEOPLE: list[tuple[str, str, str, str, str, str, int, str | None]] = [
    # Riverside Medical Practice: the lead practice, clinical director, PCN manager and practice-based roles.
    ("okafor", "Adaeze", "Okafor", "GPP", "practice", "llewellyn", 96, "GP"),
    ("llewellyn", "Rhys", "Llewellyn", "GPP", "practice", "okafor", 84, "GP"),
    ("whitaker", "Hannah", "Whitaker", "PCNM", "practice", "okafor", 40, "PCN manager"),
    ("siddiqui", "Farah", "Siddiqui", "SC", "practice", "okafor", 50, "pharmacist"),
    ("fraser", "Callum", "Fraser", "SC", "practice", "okafor", 44, "physiotherapist"),
    ("mensah", "Grace", "Mensah", "SC", "practice", "llewellyn", 62, "nurse"),
    ("raman", "Priya", "Raman", "CP", "practice", "siddiqui", 30, "pharmacist"),
    ("cohen", "Daniel", "Cohen", "CP", "practice", "siddiqui", 26, "pharmacist"),
    ("eze", "Chidi", "Eze", "SCP", "practice", "siddiqui", 14, "pharmacist"),
    ("hughes", "Megan", "Hughes", "CP", "practice", "siddiqui", 30, "pharmacist"),
    ("nowak", "Bartosz", "Nowak", "PT", "practice", "siddiqui", 20, "pharmacy technician"),
    ("begum", "Aisha", "Begum", "PT", "practice", "siddiqui", 11, "pharmacy technician"),
    ("oconnor", "Liam", "O'Connor", "FCP", "practice", "fraser", 22, "physiotherapist"),
    ("chen", "Mei", "Chen", "FCP", "practice", "fraser", 18, "physiotherapist"),
    ("clarke", "Jordan", "Clarke", "PARA", "practice", "okafor", 25, "paramedic"),
    ("gallagher", "Niamh", "Gallagher", "PARA", "practice", "okafor", 16, "paramedic"),
    ("asante", "Kwame", "Asante", "AP", "practice", "okafor", 28, "nurse"),
    ("robinson", "Leah", "Robinson", "GPA", "practice", "mensah", 13, None),
    ("kaur", "Harpreet", "Kaur", "GPA", "practice", "mensah", 9, None),
    ("bennett", "Sophie", "Bennett", "CC", "practice", "mensah", 34, None),
    ("ali", "Yusuf", "Ali", "CC", "practice", "mensah", 19, None),
    # Riverside Community Connections: a VCSE charity employing link workers and health and wellbeing coaches.
    ("morgan", "Bethan", "Morgan", "OPM", "charity", "llewellyn", 70, "social worker"),
    ("pritchard", "Siân", "Pritchard", "SPLW", "charity", "llewellyn", 27, None),
    ("kowalczyk", "Żaneta", "Kowalczyk", "SPLW", "charity", "llewellyn", 31, None),
    ("adeyemi", "Oluwaseun", "Adeyemi", "SPLW", "charity", "llewellyn", 23, None),
    ("goldberg", "Rachel", "Goldberg", "SPLW", "charity", "llewellyn", 36, None),
    ("wisniewski", "Tomasz", "Wiśniewski", "SPLW", "charity", "llewellyn", 20, None),
    ("thompson", "Ellie", "Thompson", "HWBC", "charity", "llewellyn", 15, None),
    ("hassan", "Amir", "Hassan", "HWBC", "charity", "llewellyn", 0, None),
    ("evans", "Chloe", "Evans", "SPLW", "charity", "llewellyn", 19, None),
    # Riverside Borough Council: care coordinators and children and young people's link workers.
    ("macleod", "Fiona", "MacLeod", "SC", "council", "llewellyn", 58, "occupational therapist"),
    ("campbell", "Marcus", "Campbell", "CC", "council", "macleod", 29, None),
    ("hussain", "Zainab", "Hussain", "CC", "council", "macleod", 21, None),
    ("zielinska", "Ewa", "Zielińska", "CC", "council", "macleod", 7, None),
    ("doyle", "Kieran", "Doyle", "SPLW", "council", "macleod", 17, None),
    ("williams", "Jade", "Williams", "SPLW", "council", "macleod", 12, None),
    # Eastbrook Mental Health NHS Foundation Trust: mental health practitioners seconded into the PCN.
    ("osei", "Samuel", "Osei", "SC", "trust", "okafor", 48, "mental health nurse"),
    ("davies", "Ffion", "Davies", "MHP", "trust", "osei", 26, "mental health nurse"),
    ("mehta", "Arjun", "Mehta", "MHP", "trust", "osei", 20, "occupational therapist"),
    ("sinclair", "Olivia", "Sinclair", "MHP", "trust", "osei", 15, "social worker"),
    ("mahmood", "Tariq", "Mahmood", "MHP", "trust", "osei", 10, "mental health nurse"),
    ("fletcher", "Lucy", "Fletcher", "MHP", "trust", "osei", 40, "mental health nurse"),
]

# fmt: off
PART_TIME = {"llewellyn": 0.8, "pritchard": 0.8, "goldberg": 0.6, "thompson": 0.6, "cohen": 0.8, "chen": 0.8,
             "williams": 0.6, "sinclair": 0.8, "kaur": 0.6}  # FTE; everyone else full time
SECONDED_ROLES = {"MHP"}  # the trust's mental health practitioners are seconded into the PCN
CLINICAL_PROFESSIONS = {"GP", "pharmacist", "physiotherapist", "nurse", "occupational therapist",
                        "mental health nurse"}
BANDS: dict[str, str | None] = {
    "SPLW": "5", "HWBC": "5", "CC": "4", "CP": "7", "SCP": "8a", "PT": "5", "FCP": "7", "PARA": "7", "AP": "8a",
    "GPA": "3", "MHP": "6", "SC": "8a", "PCNM": "8b", "OPM": "7", "GPP": None,
}
# fmt: on

# Life events. Leavers: months ago their employment ended (the record is kept).
LEAVERS = {"hughes": 7, "evans": 4, "fletcher": 13}
NEW_STARTER_DAYS_AGO = {"hassan": 40}
NEW_STARTER_COURSES_DONE = ["SG-L1", "IG", "FIRE", "EDHR"]
# key, earlier role, months ago the new role started (on the 1st of that month)
ROLE_CHANGES = [("wisniewski", "HWBC", 8)]
# key, reason, (months back from this month, day) the absence starts, (months ahead, day) it ends
ABSENCES = [("goldberg", "maternity", (4, 12), (5, 3))]

# Supervision. Months skipped (0 = this month, 1 = last month...): gaps in the record.
SKIPPED_MONTHS: dict[str, list[int]] = {  # fmt: skip
    "robinson": [1, 6], "adeyemi": [1], "oconnor": [0], "cohen": [5], "nowak": [7, 8], "hussain": [3],
    "williams": [5], "gallagher": [9], "mehta": [4],
    "eze": [1],  # a senior clinical pharmacist: seen every 3 months is enough, so last month's gap is not missed
}
SESSION_KIND = {"whitaker": "practice"}  # the PCN manager's monthly supervision is line management
# supervisor, kind, every n months, months where month index % n equals this, day, replaces one-to-ones, roles
GROUPS: list[tuple[str, str, int, int, int, bool, set[str] | None]] = [
    ("siddiqui", "educational", 3, 0, 12, False, None),  # pharmacy team learning set
    ("llewellyn", "clinical", 3, 1, 20, False, {"SPLW", "HWBC"}),  # link workers' peer group
    ("osei", "clinical", 3, 2, 9, True, None),  # reflective practice group
    ("macleod", "clinical", 2, 0, 10, True, None),  # council team group supervision
]
GROUP_MUST_INCLUDE = {("llewellyn", 1): ["adeyemi"]}  # last month he had the peer group and no one-to-one
# supervisor, supervisee, kind, minutes, every n months
EXTRA_SUPERVISION: list[tuple[str, str, str, int, int]] = [
    ("llewellyn", "clarke", "practice", 30, 2),  # duty GP debriefs for paramedics
    ("llewellyn", "gallagher", "practice", 30, 2),
    ("okafor", "asante", "educational", 60, 2),  # advanced practice portfolio
    ("siddiqui", "begum", "educational", 45, 1),
]

# Training. How a person's latest completion of a course differs from "done, not due for a while":
# ("expires_in", days) negative = expired; ("months_ago", n); ("never",); ("as", other course).
TRAINING_EXCEPTIONS: dict[str, dict[str, tuple[str, int | str] | tuple[str]]] = {
    "clarke": {"BLS": ("expires_in", -35)},
    "chen": {"IPC": ("expires_in", 40)},
    "goldberg": {"FIRE": ("expires_in", 30)},
    "kowalczyk": {"SG-L2": ("months_ago", 14)},
    "pritchard": {"SG-L2": ("months_ago", 5)},
    "campbell": {"OMMT": ("never",)},
    "doyle": {"SG-L2": ("as", "SG-L3"), "SG-L1": ("never",)},
    # Safeguarding recorded as two subjects, adults and children Level 3: together they meet SG-L1 and SG-L2.
    "bennett": {"SG-L2": ("as", "SGA-L3+SGC-L3"), "SG-L1": ("never",)},
    # GPhC registration checked three months ago; the register's renewal date is in 20 days.
    "raman": {"BLS": ("expires_in", 25), "REG-GPHC": ("printed_expiry_in", 20)},
}
PENDING_EVIDENCE = [("clarke", "BLS", 3)]  # key, course, days ago: uploaded, waiting for approval
PROVIDERS = {
    "BLS": "Resuscitation training (face to face)",
    "PCI-SP": "Personalised Care Institute",
    "PCI-HC": "Personalised Care Institute",
    "VCSE-INTRO": "Riverside Community Connections",
}
DEFAULT_PROVIDER = "e-Learning for Healthcare"

# The charity's policies differ: safeguarding level 2 every year, 90 minutes of one-to-one supervision.
EMPLOYER_REQUIREMENTS = [("charity", "SG-L2", 12)]
EMPLOYER_SUPERVISION = [("charity", 90, "clinical;practice", False)]
ROLE_SUPERVISION = [("PCNM", 60, "practice", True)]

SESSION_TOPICS = [
    "Caseload review", "Safeguarding concern", "Complex referral", "Wellbeing and workload",
    "Boundaries and lone working", "Learning from an incident", "Community groups and referral pathways",
    "Medication review cases", "Frailty and falls", "Portfolio and competencies", "Difficult conversations",
]
SESSION_ACTIONS = [
    "Follow up with the practice safeguarding lead", "Book refresher training", "Update the referral log",
    "Shadow a colleague in clinic", "Review the case at the next MDT", "Read the updated local pathway", "",
]
PRIVATE_NOTE = "Talked about workload and wellbeing; check in again next month."
QUERY = "I think this was 45 minutes, not 60."

# Policies of each employer: topic, version, owner (person key), review in months from today (negative =
# overdue), whether staff must acknowledge it, and the statement.
# fmt: off
POLICIES: dict[str, list[tuple[str, str, str, int, bool, str]]] = {
    "practice": [
        ("Home visits", "3", "okafor", 9, False,
         "Clinicians visit patients at home after triage by the duty GP; every visit is logged."),
        ("Lone working", "2", "whitaker", 14, False,
         "Buddy system: text reception on arrival and on leaving; no visits after 18:00."),
        ("Supervision", "1", "okafor", 6, False,
         "At least 60 minutes of clinical supervision a month with a named supervisor; groups count."),
        ("Mandatory training renewal", "4", "whitaker", 11, False,
         "Core Skills Training Framework: safeguarding every 3 years; fire, information governance, "
         "infection control and basic life support every year."),
        ("Sickness and absence reporting", "3", "whitaker", -2, False,
         "Phone the practice manager before 08:00 on the first day."),
        ("Information sharing and record access", "5", "okafor", 18, True,
         "Role-based access to the clinical record under the PCN data sharing agreement; no access to the "
         "records of people you do not care for."),
    ],
    "charity": [
        ("Home visits", "2", "morgan", 8, True,
         "Staff do not visit clients at home. Meet in surgeries, community venues, by phone or by video."),
        ("Lone working", "3", "morgan", 10, True,
         "Lone working only in public venues during opening hours, checking in and out with the app."),
        ("Supervision", "2", "morgan", 12, False,
         "At least 90 minutes of one-to-one supervision a month, clinical or practice; peer group "
         "sessions are welcome but do not count."),
        ("Mandatory training renewal", "2", "morgan", 12, False,
         "Safeguarding Level 2 is renewed every 12 months; other courses as the PCN."),
        ("Safeguarding reporting route", "1", "morgan", 5, False,
         "Tell the charity's designated safeguarding lead the same day, and the practice safeguarding lead."),
        ("DBS checks and re-checks", "1", "morgan", 20, False,
         "Enhanced DBS with the Update Service, checked every 3 years."),
    ],
    "council": [
        ("Home visits", "2", "macleod", 7, False,
         "Home visits after a risk assessment; first visits are made in pairs."),
        ("Lone working", "4", "macleod", 15, False,
         "Carry the council's lone-worker device; log every visit in the team diary."),
        ("Supervision", "1", "macleod", 9, False,
         "Monthly clinical supervision with a senior practitioner; group supervision counts."),
        ("Safeguarding reporting route", "2", "macleod", 13, True,
         "Report through the council's Children's Front Door or the adult social care contact centre, "
         "then tell your supervisor."),
        ("DBS checks and re-checks", "2", "macleod", 16, False,
         "Enhanced DBS with both barred lists, renewed every 3 years."),
    ],
    "trust": [
        ("Home visits", "5", "osei", 10, False,
         "Home visits after the trust's risk assessment; staff may accompany colleagues of partner "
         "organisations."),
        ("Lone working", "4", "osei", 23, True,
         "Trust lone-working device on every visit; check in with the duty desk every two hours."),
        ("Supervision", "3", "osei", 8, False,
         "Monthly clinical supervision of at least 60 minutes; reflective practice groups count."),
        ("Safeguarding reporting route", "3", "osei", 4, False,
         "Report to the trust safeguarding team through the incident system, and tell the practice "
         "safeguarding lead."),
        ("Professional registration checks", "2", "osei", 19, False,
         "NMC and HCPC registration checked every month by the trust."),
    ],
}
# fmt: on
# A policy version issued recently, and who has not acknowledged it yet (they acknowledged the one before).
NEW_VERSIONS = {("trust", "Lone working"): 21}  # days ago the current version was issued
# The demo staff user (raman) has one of each thing a staff member acts on: a policy to acknowledge, and her
# latest supervision session waiting for her confirmation (CONFIRMATION_PENDING), so every journey can be tried.
NOT_YET_ACKNOWLEDGED = {
    ("davies", "trust", "Lone working"), ("raman", "practice", "Information sharing and record access"),
}
CONFIRMATION_PENDING = {"raman"}  # their latest session attended is still pending
ADAPTATION = (
    "Home visits",
    ["charity", "trust"],
    "A Riverside Community Connections link worker may see a client at home when an Eastbrook mental health "
    "practitioner, whose trust's policy permits home visits, goes too.",
    "Riverside North PCN operational group",
)

# Users: email, roles, linked person key (or None), leads: ("employer", key) or ("pcn", None)
USERS: list[tuple[str, str, str | None, tuple[str, str | None] | None]] = [
    ("admin@demo.example", "admin", None, None),
    ("pcn.lead@demo.example", "staff;lead", "whitaker", ("pcn", None)),
    ("charity.lead@demo.example", "staff;lead", "morgan", ("employer", "charity")),
    ("supervisor@demo.example", "staff;supervisor", "siddiqui", None),
    ("staff@demo.example", "staff", "raman", None),
]
