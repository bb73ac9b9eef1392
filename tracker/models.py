"""Peewee models: storage only. Rules live in compliance.py, writes in services/."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from tracker.clock import utc_now
from tracker.db import database
from tracker.vocabulary import (  # noqa: F401 (the models' columns hold these words; importers read them here)
    ABSENCE_REASONS,
    CONFIRMATION_STATES,
    EVIDENCE_STATES,
    ITEM_KINDS,
    ORGANISATION_KINDS,
    SESSION_FORMATS,
    SESSION_MODES,
    SUPERVISION_KINDS,
    USER_ROLES,
)

ONE_LEAD_SCOPE = "user_one_lead_scope"


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Organisation(BaseModel):
    name = CharField(unique=True)
    kind = CharField(default="other")
    created_at = DateTimeField(default=utc_now)


class Pcn(BaseModel):
    name = CharField(unique=True)
    organisation = ForeignKeyField(Organisation, null=True, backref="pcns", on_delete="RESTRICT")


class Role(BaseModel):
    code = CharField(unique=True)
    name = CharField(unique=True)
    band_cap = CharField(null=True)
    is_arrs = BooleanField(default=True)
    notes = TextField(default="")


class Person(BaseModel):
    staff_id = CharField(unique=True)
    first_name = CharField()
    last_name = CharField()
    email = CharField(null=True)
    profession = CharField(null=True)
    archived = BooleanField(default=False)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utc_now)

    @property
    def name(self) -> str:
        return full_name(self.first_name, self.last_name)


def full_name(first_name: str, last_name: str) -> str:
    """How a person's name is shown everywhere: given name then family name."""
    return f"{first_name} {last_name}".strip()


class Employment(BaseModel):
    person = ForeignKeyField(Person, backref="employments", on_delete="RESTRICT")
    role = ForeignKeyField(Role, backref="employments", on_delete="RESTRICT")
    employer = ForeignKeyField(Organisation, backref="employments", on_delete="RESTRICT")
    pcn = ForeignKeyField(Pcn, null=True, backref="employments", on_delete="RESTRICT")
    band = CharField(null=True)
    fte = FloatField(default=1.0)
    start_date = DateField(index=True)
    end_date = DateField(null=True, index=True)
    secondment = BooleanField(default=False)


class SupervisorAssignment(BaseModel):
    supervisor = ForeignKeyField(Person, backref="supervising", on_delete="RESTRICT")
    supervisee = ForeignKeyField(Person, backref="supervised_by", on_delete="RESTRICT")
    kind = CharField(default="clinical")
    start_date = DateField()
    end_date = DateField(null=True)
    first_contact = BooleanField(default=False)


class Absence(BaseModel):
    person = ForeignKeyField(Person, backref="absences", on_delete="RESTRICT")
    start_date = DateField()
    end_date = DateField()
    reason = CharField(default="other")


class Course(BaseModel):
    code = CharField(unique=True)
    name = CharField(unique=True)
    strand = CharField(null=True)
    level = IntegerField(null=True)
    default_renewal_months = IntegerField(default=36)
    kind = CharField(default="course")  # course | registration | check | appraisal (ITEM_KINDS)


class Requirement(BaseModel):
    """A course required by a role or by an employer (exactly one of the two)."""

    course = ForeignKeyField(Course, backref="requirements", on_delete="RESTRICT")
    role = ForeignKeyField(Role, null=True, backref="requirements", on_delete="RESTRICT")
    employer = ForeignKeyField(Organisation, null=True, backref="requirements", on_delete="RESTRICT")
    renewal_months = IntegerField(null=True)
    new_starter_days = IntegerField(null=True)

    class Meta:
        indexes = ((("course", "role", "employer"), True),)


class SupervisionRule(BaseModel):
    role = ForeignKeyField(Role, null=True, backref="supervision_rules", on_delete="RESTRICT")
    employer = ForeignKeyField(Organisation, null=True, backref="supervision_rules", on_delete="RESTRICT")
    min_minutes = IntegerField(default=60)
    kinds = CharField(default="clinical")  # ';'-separated
    group_counts = BooleanField(default=True)
    period_months = IntegerField(default=1)  # the minimum is per period of 1, 2, 3, 4, 6 or 12 calendar months

    class Meta:
        indexes = ((("role", "employer"), True),)


class TrainingRecord(BaseModel):
    person = ForeignKeyField(Person, backref="training", on_delete="RESTRICT")
    course = ForeignKeyField(Course, backref="records", on_delete="RESTRICT")
    completed_on = DateField()  # for a registration or check: the date it was last verified or issued
    provider = CharField(default="")  # for a registration: the regulator; for a check: the body that issued it
    reference = CharField(default="")  # a registration number, a DBS certificate number
    expires_on = DateField(null=True)  # the expiry printed on the record; the earlier of it and the rule's counts
    certificate_path = CharField(null=True)
    evidence_state = CharField(default="approved")  # pending evidence does not count until approved
    decided_by = CharField(null=True)
    recorded_at = DateTimeField(default=utc_now)

    class Meta:
        indexes = ((("person", "course", "completed_on"), True),)


class SupervisionSession(BaseModel):
    supervisor = ForeignKeyField(Person, backref="sessions_given", on_delete="RESTRICT")
    date = DateField(index=True)
    minutes = IntegerField()
    kind = CharField(default="clinical")
    format = CharField(default="one_to_one")
    mode = CharField(default="in_person")
    topics = TextField(default="")
    actions = TextField(default="")
    next_date = DateField(null=True)
    # Notes are sealed (tracker.note_crypto): the database and its backups hold ciphertext only. Each attendee's
    # private note is on SessionAttendee; a group session also has a summary shared by all of its parties.
    group_summary = TextField(default="")
    # A group session's notes written before per-person notes (before schema version 4): every attendee used to see them
    # under a "private" label, so they are kept for the supervisor who wrote them and shown to no one else.
    supervisor_notes = TextField(default="", column_name="private_notes")
    recorded_at = DateTimeField(default=utc_now)

    @property
    def is_group(self) -> bool:
        return self.format == "group"


class SessionAttendee(BaseModel):
    session = ForeignKeyField(SupervisionSession, backref="attendees", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="attended", on_delete="RESTRICT")
    confirmation = CharField(default="pending")
    confirmed_at = DateTimeField(null=True)
    query_text = TextField(default="")
    private_note = TextField(default="")  # sealed: this attendee's note with the supervisor, seen by those two only

    class Meta:
        indexes = ((("session", "person"), True),)


class PolicyTopic(BaseModel):
    name = CharField(unique=True)
    description = TextField(default="")


class EmployerPolicy(BaseModel):
    employer = ForeignKeyField(Organisation, backref="policies", on_delete="RESTRICT")
    topic = ForeignKeyField(PolicyTopic, backref="positions", on_delete="RESTRICT")
    statement = TextField(default="")
    document_url = CharField(null=True)
    version = CharField(default="1")
    owner = CharField(null=True)
    owner_email = CharField(null=True)
    review_date = DateField(null=True)
    requires_acknowledgement = BooleanField(default=False)

    class Meta:
        indexes = ((("employer", "topic"), True),)


class PolicyAdaptation(BaseModel):
    topic = ForeignKeyField(PolicyTopic, backref="adaptations", on_delete="RESTRICT")
    employers = TextField(default="")  # organisation ids, ';'-separated
    condition = TextField()
    agreed_by = CharField(default="")
    agreed_on = DateField(null=True)
    review_date = DateField(null=True)


class PolicyAcknowledgement(BaseModel):
    person = ForeignKeyField(Person, backref="acknowledgements", on_delete="RESTRICT")
    policy = ForeignKeyField(EmployerPolicy, backref="acknowledgements", on_delete="RESTRICT")
    version = CharField()
    acknowledged_on = DateField()

    class Meta:
        indexes = ((("person", "policy", "version"), True),)


class User(BaseModel):
    email = CharField(unique=True)
    password_hash = CharField()
    person = ForeignKeyField(Person, null=True, backref="users", on_delete="RESTRICT")
    roles = CharField(default="staff")  # ';'-separated USER_ROLES
    lead_employer = ForeignKeyField(Organisation, null=True, on_delete="RESTRICT")
    lead_pcn = ForeignKeyField(Pcn, null=True, on_delete="RESTRICT")
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)  # no longer used: sign-in is throttled by SignInAttempt
    locked_until = DateTimeField(null=True)  # no longer used
    created_at = DateTimeField(default=utc_now)
    # Raised whenever what a session may do changes (roles, scope, person, deactivation, a new password):
    # every page request and action compares it with the one its session began with.
    session_epoch = IntegerField(default=0)
    must_change_password = BooleanField(default=False)  # set by an administrator: change at next sign-in

    class Meta:
        # A lead sees one employer's people or one PCN's, never both (tracker.access.lead_scope).
        constraints = [Check("lead_employer_id IS NULL OR lead_pcn_id IS NULL", name=ONE_LEAD_SCOPE)]

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(";") if r)


class SignInAttempt(BaseModel):
    """One try at signing in, kept for a day to throttle by account and address together."""

    email = CharField()  # as typed (normalised), whether or not such an account exists
    address = CharField()  # the client's address (an IPv6 address's /64 network)
    at = DateTimeField(default=utc_now, index=True)
    succeeded = BooleanField(default=False)

    class Meta:
        indexes = ((("email", "address", "at"), False), (("address", "at"), False), (("email", "at"), False))


class AuditEvent(BaseModel):
    at = DateTimeField(default=utc_now, index=True)
    actor = CharField(default="system")
    action = CharField()
    entity = CharField()
    entity_id = CharField(null=True)
    before = TextField(null=True)  # JSON
    after = TextField(null=True)  # JSON


class ReminderLedger(BaseModel):
    """One row per reminder: the unique key means the same thing is never sent twice, across restarts."""

    key = CharField(unique=True)  # person:item:stage:period
    person = ForeignKeyField(Person, null=True, backref="reminders", on_delete="RESTRICT")
    recipient = CharField()  # email address, or "user:<id>" for in-app only
    item = CharField()
    stage = CharField()
    period = CharField()
    status = CharField(default="claimed")  # claimed | sent | failed | given_up
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    created_at = DateTimeField(default=utc_now)
    sent_at = DateTimeField(null=True)
    last_attempt_at = DateTimeField(null=True)
    next_attempt_at = DateTimeField(null=True)  # a failed one is tried again from then (growing waits)


class MailOutage(BaseModel):
    """A stretch of time with reminders failing to go, so administrators are told once, not per reminder."""

    open_key = CharField(null=True, unique=True)  # "open" while it lasts (so only one is open), NULL after
    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    first_error = TextField()
    last_error = TextField()
    failures = IntegerField(default=1)
    gave_up_told = BooleanField(default=False)


class InboxMessage(BaseModel):
    user = ForeignKeyField(User, backref="inbox", on_delete="RESTRICT")
    subject = CharField()
    body = TextField(default="")
    link = CharField(null=True)
    created_at = DateTimeField(default=utc_now)
    read_at = DateTimeField(null=True)


class JobRun(BaseModel):
    job_id = CharField(index=True)
    started_at = DateTimeField(default=utc_now)
    finished_at = DateTimeField(null=True)
    as_of = DateField(null=True)
    status = CharField(default="running")  # running | ok | failed
    count = IntegerField(default=0)
    errors = IntegerField(default=0)
    message = TextField(default="")


class ApiToken(BaseModel):
    """A per-user secret for the read-only API or a calendar feed; only its hash is kept."""

    user = ForeignKeyField(User, backref="tokens", on_delete="RESTRICT")
    purpose = CharField(default="api")  # api | calendar
    name = CharField(default="")
    token_hash = CharField(unique=True)
    created_at = DateTimeField(default=utc_now)
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


class RolePage(BaseModel):
    """An administrator's text for a role's page (without one, the built-in text in tracker/role_texts.py).

    Each part is plain text with a little markdown (paragraphs, "- " lists, [words](https://...) links), drawn as
    text by ui/role_text.py: never as HTML."""

    role = ForeignKeyField(Role, unique=True, backref="page", on_delete="RESTRICT")
    summary = TextField(default="")  # what the role does
    boundaries = TextField(default="")  # its boundaries of care
    requirements = TextField(default="")  # minimum role requirements (ARRS)
    supervision = TextField(default="")  # what the guidance says of its supervision and who may give it
    funding = TextField(default="")
    sources = TextField(default="")
    updated_at = DateTimeField(default=utc_now)
    updated_by = CharField(default="")


class TrainingEvent(BaseModel):
    """One course held for a team (an all-team session), done on its date or planned for it."""

    course = ForeignKeyField(Course, backref="events", on_delete="RESTRICT")
    date = DateField(index=True)
    provider = CharField(default="")  # provider or trainer
    minutes = IntegerField(null=True)  # duration
    planned = BooleanField(default=False)  # True: not held yet; the attendees are invited, no record written
    created_by = CharField(default="")
    created_at = DateTimeField(default=utc_now)


class TrainingEventAttendee(BaseModel):
    event = ForeignKeyField(TrainingEvent, backref="attendees", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="training_events", on_delete="RESTRICT")
    # The record the event wrote; None when the person already held that course on that date (nothing was
    # duplicated) or the event is only planned.
    record = ForeignKeyField(TrainingRecord, null=True, backref="event_attendance", on_delete="RESTRICT")
    already_held = BooleanField(default=False)

    class Meta:
        indexes = ((("event", "person"), True),)


class ImportMapping(BaseModel):
    """Remembered column mapping for a source of files (an HR or e-learning export)."""

    source = CharField()
    kind = CharField()
    mapping = TextField(default="{}")  # JSON: file header -> our column

    class Meta:
        indexes = ((("source", "kind"), True),)


class CourseAlias(BaseModel):
    """Another system's name for one of our catalogue items (an ESR competence, an e-learning course title)."""

    alias = CharField()  # as the other system writes it
    key = CharField(unique=True)  # tracker.course_names.alias_key(alias): case and spacing aside
    course = ForeignKeyField(Course, backref="aliases", on_delete="CASCADE")
    builtin = BooleanField(default=False)


ALL_MODELS: list[type[BaseModel]] = [
    Organisation,
    Pcn,
    Role,
    Person,
    Employment,
    SupervisorAssignment,
    Absence,
    Course,
    Requirement,
    SupervisionRule,
    TrainingRecord,
    SupervisionSession,
    SessionAttendee,
    PolicyTopic,
    EmployerPolicy,
    PolicyAdaptation,
    PolicyAcknowledgement,
    User,
    SignInAttempt,
    AuditEvent,
    ReminderLedger,
    InboxMessage,
    JobRun,
    ApiToken,
    ImportMapping,
    MailOutage,
    RolePage,
    TrainingEvent,
    TrainingEventAttendee,
    CourseAlias,
]
