"""Hostile text for the injection sweep: payloads that would run as code if any page treated data as markup, a
props string, a Vue template or a link, and a small world that carries them in every text a user or an import
can set.

Each planted text is a payload with a tag naming the field and the payload (`fn3`: first name, payload 3). A
payload that runs sets `window.__pwned` to its tag; one that injects an attribute leaves `data-pwn` behind.

People, employers, PCNs and roles arrive through the people import (the way HR files bring them); the rest
through the services a person uses. Two texts are written straight to the database because the services refuse
them now: a `javascript:` policy address and inbox link, as an older version or a restored backup may hold.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tests.ui_fixtures import login_user
from tracker import clock
from tracker.access import Viewer
from tracker.importers import import_bytes
from tracker.models import EmployerPolicy, InboxMessage, Organisation, Person, PolicyTopic, User
from tracker.note_crypto import note_key
from tracker.services import (
    catalogue_admin,
    evidence,
    inbox,
    policies,
    role_pages,
    rules,
    supervision,
    tokens,
    training_events,
)
from tracker.services.confirmations import confirmation_url
from tracker.settings import Settings
from tracker.views.access_facts import viewer_for_user

ACTOR = "sweep@example.nhs.uk"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# name -> template; `{t}` becomes the tag. Each is short enough for the shortest field it goes in (80).
PAYLOADS: dict[str, str] = {
    "double-quote prop": 'x" :data-pwn="window.__pwned=\'{t}\'" y="',
    "single-quote prop": "x' :data-pwn='window.__pwned=\"{t}\"' y='",
    "unquoted prop": "x :data-pwn=window.__pwned='{t}' y",
    "backtick template": "`${{document.title=window.__pwned='{t}'}}`",
    "Vue template": "{{{{ 7*191 }}}} {{{{ constructor.constructor(\"window.__pwned='{t}'\")() }}}}",
    "img onerror": "<img src=x data-pwn=1 onerror=\"window.__pwned='{t}';alert(1)\">",
    "script end": "</script><script>window.__pwned='{t}'</script>",
    "javascript: URL": "javascript:window.__pwned='{t}'",
}
KINDS = list(PAYLOADS)
# Where the payloads go: tag -> the text a user or an import sets (see build_world and the sweep's uploads).
FIELDS = {
    "fn": "first name (people import)", "ln": "last name (people import)", "gfn": "supervisor's first name",
    "gln": "supervisor's last name", "emp": "employer (people import)", "pcn": "PCN (people import)",
    "role": "role name", "rnote": "role notes", "course": "course name", "prov": "training provider",
    "rprov": "provider of a rejected certificate", "why": "reason a certificate was rejected",
    "ref": "registration or certificate number", "rref": "number on a rejected certificate",
    "top": "supervision topics", "act": "agreed actions", "note": "private notes", "pnote": "another attendee's note",
    "sum": "group session summary", "qry": "query of a record",
    "topic": "policy topic", "desc": "topic description", "stmt": "policy statement", "own": "policy owner",
    "cond": "adaptation condition", "agr": "adaptation agreed by", "url": "policy document address",
    "sub": "inbox subject", "body": "inbox message", "link": "inbox link", "tok": "API token name",
    "file": "import file name", "bak": "backup file name", "cert": "uploaded certificate file name",
    "hdr": "column name in an import file", "ifn": "first name in an import preview",
    "iemp": "employer in an import preview", "icell": "a left-out cell in an import preview",
    "typed": "an address typed into a form and refused (echoed in the message)",
    "rpg": "role page: what the role does", "rbl": "role page: boundaries of care (a list)",
    "rsup": "role page: supervision text", "rfund": "role page: funding", "rsrc": "role page: sources",
    "mdl": "role page: a markdown link to a javascript: address", "eprov": "team training event's provider",
    "pprov": "planned team training event's provider",
    "alias": "course alias (course-aliases import)",
}
NO_SLASH = [k for k in KINDS if "/" not in PAYLOADS[k].format(t="")]  # usable in file names
START = date(2024, 1, 1)

LOGINS = {
    "staff": "staff@example.nhs.uk",
    "supervisor": "supervisor@example.nhs.uk",
    "lead": "lead@example.nhs.uk",
    "admin": "admin@example.nhs.uk",
}


def hostile(field_name: str, k: int) -> str:
    return PAYLOADS[KINDS[k]].format(t=f"{field_name}{k}")


def every(field_name: str) -> list[str]:
    return [hostile(field_name, k) for k in range(len(KINDS))]


@dataclass
class World:
    staff: Person  # S0, the staff viewer: in every session, every cohort's policies and courses
    supervisor: Person  # supervises S0..S7
    people: list[Person]  # S0..S7, one per payload, each at its own employer with its own role
    employers: list[Organisation]
    topics: list[PolicyTopic]
    users: dict[str, User]
    confirm_path: str  # a pending confirmation link of S0's
    events: list[int] = dataclasses.field(default_factory=list)  # team training events S0 attended (E0..E7)

    def viewer(self, role: str) -> Viewer:
        found = viewer_for_user(self.users[role].id)
        assert found is not None
        return found


def people_file() -> bytes:
    """The HR file: S0..S7 in the lead's PCN (whose name is hostile too), Y1..Y7 in PCNs of their own."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["staff_id", "first_name", "last_name", "email", "role", "employer", "employer_type", "pcn",
                     "band", "start_date", "supervisor_staff_id"])
    writer.writerow(["G0", hostile("gfn", 0), hostile("gln", 5), "", "GPP", hostile("emp", 0), "vcse",
                     hostile("pcn", 0), "", START.isoformat(), ""])
    for k in range(len(KINDS)):
        writer.writerow([f"S{k}", hostile("fn", k), hostile("ln", k), "", f"XR{k}", hostile("emp", k), "vcse",
                         hostile("pcn", 0), "", START.isoformat(), "G0"])
    for k in range(1, len(KINDS)):
        writer.writerow([f"Y{k}", "Yan", f"Other {k}", "", f"XR{k}", hostile("emp", k), "", hostile("pcn", k), "",
                         START.isoformat(), ""])
    return out.getvalue().encode("utf-8-sig")


def preview_file() -> bytes:
    """A file for the import page: a hostile column name and hostile cells, previewed but never imported."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["staff_id", "first_name", "last_name", "role", "employer", "start_date", hostile("hdr", 0)])
    writer.writerow(["Z1", hostile("ifn", 0), hostile("iln", 5), "SPLW", hostile("iemp", 4), "01/02/2025",
                     hostile("icell", 6)])
    return out.getvalue().encode("utf-8")


def _catalogue() -> None:
    for k in range(len(KINDS)):
        catalogue_admin.add_role(ACTOR, f"XR{k}", hostile("role", k), notes=hostile("rnote", k))
        catalogue_admin.add_course(ACTOR, f"XC{k}", hostile("course", k), 12)


def aliases_file() -> bytes:
    """Other systems' names for the hostile courses, as an administrator imports them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["alias", "course"])
    for k in range(len(KINDS)):
        writer.writerow([hostile("alias", k), f"XC{k}"])
    return out.getvalue().encode("utf-8")


def _requirements(employer: Organisation) -> None:
    for k in range(len(KINDS)):
        rules.set_requirement(ACTOR, "role", f"XR{k}", f"XC{k}")
        if k:
            rules.set_requirement(ACTOR, "employer", employer.name, f"XC{k}")


def _logins(staff: Person, supervisor: Person) -> dict[str, User]:
    pcn = Person.get_by_id(staff.id).employments.get().pcn
    return {
        "staff": login_user(LOGINS["staff"], "staff", staff),
        "supervisor": login_user(LOGINS["supervisor"], "staff;supervisor", supervisor),
        "lead": login_user(LOGINS["lead"], "lead", lead_pcn=pcn),
        "admin": login_user(LOGINS["admin"], "admin"),
    }


def _evidence(world: World, settings: Settings, today: date) -> None:
    admin = world.viewer("admin")
    for k, person in enumerate(world.people):
        evidence.upload_certificate(admin, settings, person.id, f"XC{k}", today - timedelta(days=5),
                                    hostile("prov", k), PDF, reference=hostile("ref", k), today=today)
        rejected = evidence.upload_certificate(admin, settings, world.staff.id, f"XC{k}",
                                               today - timedelta(days=20 + k), hostile("rprov", k), PDF,
                                               reference=hostile("rref", k), today=today)
        evidence.reject(admin, rejected.id, hostile("why", k), today=today)


def _sessions(world: World, settings: Settings, today: date) -> str:
    """S0 with the supervisor alone (payload 0) and with each other cohort (a group); the others query theirs."""
    confirm = ""
    for k, person in enumerate(world.people):
        attendees = [world.staff.id] + ([person.id] if k else [])
        notes: str | dict[int, str] = {world.staff.id: hostile("note", k), person.id: hostile("pnote", k)} if k else (
            hostile("note", k))
        session = supervision.log_session(
            ACTOR, world.supervisor.id, today - timedelta(days=k + 1), 60, "clinical", "group" if k else "one_to_one",
            "in_person", attendees, hostile("top", k), hostile("act", k), None, notes,
            hostile("sum", k) if k else "", today=today, notes_key=note_key(settings),
        )
        if k:
            supervision.query_attendance(ACTOR, session.id, person.id, hostile("qry", k))
        if k == 1:
            confirm = confirmation_url(settings, session.id, world.staff.id)
        elif k == 0:
            supervision.query_attendance(ACTOR, session.id, world.staff.id, hostile("qry", 0))
    return confirm


def _policies(world: World) -> None:
    admin = world.viewer("admin")
    first = world.employers[0]
    for k in range(len(KINDS)):
        topic = policies.add_topic(admin, hostile("topic", k), hostile("desc", k))
        world.topics.append(topic)
        policies.set_position(admin, first.id, topic.id, statement=hostile("stmt", k), version="1",
                              document_url="https://example.org/policy.pdf", owner=hostile("own", k),
                              requires_acknowledgement=True)
        if k:
            policies.set_position(admin, world.employers[k].id, topic.id, statement=hostile("stmt", k) + " (2)",
                                  version="2")
            policies.save_adaptation(admin, topic.id, [first.id, world.employers[k].id], hostile("cond", k),
                                     agreed_by=hostile("agr", k))
    url_kind = KINDS.index("javascript: URL")
    EmployerPolicy.update(document_url=hostile("url", url_kind)).where(
        (EmployerPolicy.employer == first.id) & (EmployerPolicy.topic == world.topics[url_kind].id)
    ).execute()


def _messages_and_tokens(world: World) -> None:
    url_kind = KINDS.index("javascript: URL")
    for user in world.users.values():
        for k in range(len(KINDS)):
            inbox.notify(user.id, hostile("sub", k), hostile("body", k), "/me")
            tokens.create(user.id, "api", hostile("tok", k), ACTOR)
        InboxMessage.create(user=user.id, subject="A link", body="", link=hostile("link", url_kind))


def _role_pages(world: World) -> None:
    """XR0's page carries every payload in each part, and a markdown link to a javascript: address."""
    markdown_link = "[see the guidance](" + hostile("mdl", KINDS.index("javascript: URL")) + ")"
    role_pages.save_role_page(world.viewer("admin"), "XR0", {
        "summary": "\n\n".join(every("rpg")),
        "boundaries": "\n".join("- " + words for words in every("rbl")),
        "requirements": markdown_link,
        "supervision": "\n\n".join(every("rsup")),
        "funding": "\n\n".join(every("rfund")),
        "sources": "\n".join("- " + words for words in every("rsrc")),
    })


def _training_events(world: World, today: date) -> None:
    """S0 attended an event for each payload, with that payload as provider; and is invited to one. The course is
    one no planted role requires, so the records change nothing the reminder preview shows."""
    admin = world.viewer("admin")
    for k, person in enumerate(world.people):
        attendees = [world.staff.id] + ([person.id] if k else [])
        world.events.append(training_events.record_event(
            admin, course="MH", on=today - timedelta(days=3 + k), provider=hostile("eprov", k), minutes=60,
            attendees=attendees, today=today).event_id)
    training_events.record_event(admin, course="XC5", on=today + timedelta(days=10), provider=hostile("pprov", 5),
                                 minutes=30, attendees=[world.staff.id], today=today, planned=True)


def hostile_backups(settings: Settings) -> list[str]:
    """Files in the backup folder whose names are payloads (anyone with the folder can name a file)."""
    from jobs.backup_job import backup_folder

    folder = backup_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    names = [hostile("bak", KINDS.index(k)) + ".db" for k in NO_SLASH]
    for name in names:
        (folder / name).write_bytes(b"SQLite format 3\x00")
    return names


def build_world(data_dir: Path) -> World:
    """Everything planted at once (a second or two), before the server starts, with the server's data folder
    (its secret for links and its key for private notes)."""
    return _plant(dataclasses.replace(Settings.from_env(), data_dir=data_dir), clock.today())


def _plant(settings: Settings, today: date) -> World:
    _catalogue()
    import_bytes("people", people_file(), hostile("file", 0) + ".csv", ACTOR, today=today)
    import_bytes("course-aliases", aliases_file(), "aliases.csv", ACTOR, today=today)
    people = [Person.get(Person.staff_id == f"S{k}") for k in range(len(KINDS))]
    supervisor = Person.get(Person.staff_id == "G0")
    employers = [p.employments.get().employer for p in people]
    _requirements(employers[0])
    world = World(people[0], supervisor, people, employers, [], _logins(people[0], supervisor), "")
    _evidence(world, settings, today)
    world.confirm_path = "/confirm/" + _sessions(world, settings, today).rsplit("/confirm/", 1)[1]
    _policies(world)
    _role_pages(world)
    _training_events(world, today)
    _messages_and_tokens(world)
    hostile_backups(settings)
    return world
