"""The joined selects several views start from, so that a job always comes with its role, employer and PCN,
and a rule with whose it is, in one query (never one more per row)."""

from __future__ import annotations

from typing import Any

from peewee import JOIN

from tracker.models import Course, Employment, Organisation, Pcn, Requirement, Role, SupervisionRule


def jobs() -> Any:
    """Employments with their role, employer and PCN (a job may have no PCN)."""
    return (
        Employment.select(Employment, Role, Organisation, Pcn)
        .join(Role)
        .switch(Employment)
        .join(Organisation)
        .switch(Employment)
        .join(Pcn, JOIN.LEFT_OUTER)
    )


def requirements() -> Any:
    """Requirements with their course and their owner: a role, or an employer whose own rule overrides."""
    return (
        Requirement.select(Requirement, Course, Role, Organisation)
        .join(Course)
        .switch(Requirement)
        .join(Role, JOIN.LEFT_OUTER)
        .switch(Requirement)
        .join(Organisation, JOIN.LEFT_OUTER)
    )


def supervision_rules() -> Any:
    """Supervision rules with their owner: a role, or an employer."""
    return (
        SupervisionRule.select(SupervisionRule, Role, Organisation)
        .join(Role, JOIN.LEFT_OUTER)
        .switch(SupervisionRule)
        .join(Organisation, JOIN.LEFT_OUTER)
    )
