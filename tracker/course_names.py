"""Other systems' names for our catalogue items: how a name is compared, and the built-in aliases.

ESR's national competences are named `NHS|CSTF|<Subject> - <N> Year(s)|` (the Core Skills Training Framework;
the subject may carry a level, e.g. `Safeguarding Adults - Level 2`); `NHS|MAND|…` is a local mandatory one.
e-learning platforms (e-Learning for Healthcare's Statutory and Mandatory Training programme, which Learning Pool,
Skills for Health, Moodle and Totara sites often host too) title the same sessions `<Subject> - Level N`. A name
is compared case and spacing aside; an ESR name is also compared without its `NHS|CSTF|` wrapper and renewal
period, so `NHS|CSTF|Fire Safety - 1 Year|` and `- 2 Years|` both find the Fire Safety item.
"""

from __future__ import annotations

import re

_ESR = re.compile(r"^nhs\|(?:cstf|mand|local)\|(.*?)(?:\s*-\s*\d+\s*years?)?\|?$", re.I)


def alias_key(name: object) -> str:
    """'  NHS|CSTF|Fire Safety - 2 Years| ' -> 'nhs|cstf|fire safety - 2 years|' (case and spacing aside)."""
    return " ".join(str(name or "").split()).lower()


def esr_subject(key: str) -> str | None:
    """The subject of an ESR competence name ('nhs|cstf|fire safety - 2 years|' -> 'fire safety'), else None."""
    match = _ESR.match(key)
    return match.group(1).strip() if match and match.group(1).strip() else None


# subject (as ESR's CSTF and e-learning titles write it) -> our code
_SUBJECTS: dict[str, str] = {
    "Conflict Resolution": "CONFLICT",
    "Conflict Resolution - Level 1": "CONFLICT",
    "Equality, Diversity and Human Rights": "EDHR",
    "Equality, Diversity and Human Rights - Level 1": "EDHR",
    "Fire Safety - Level 1": "FIRE",
    "Fire Safety - Level 2": "FIRE",
    "Health, Safety and Welfare - Level 1": "HSW",
    "Infection Prevention and Control - Level 1": "IPC",
    "Infection Prevention and Control - Level 2": "IPC",
    "Information Governance and Data Security": "IG",
    "Information Governance and Data Security - Level 1": "IG",
    "Data Security Awareness": "IG",
    "Data Security Awareness - Level 1": "IG",
    "Moving and Handling - Level 1": "MH",
    "Moving and Handling - Level 2": "MH",
    "Preventing Radicalisation - Basic Prevent Awareness": "PREVENT",
    "Preventing Radicalisation - Prevent Awareness": "PREVENT",
    "Preventing Radicalisation - Level 1 & 2": "PREVENT",
    "Prevent Awareness": "PREVENT",
    "Resuscitation - Level 1": "BLS",
    "Resuscitation - Level 2 - Adult Basic Life Support": "BLS",
    "Resuscitation - Adult Basic Life Support": "BLS",
    "Adult Basic Life Support": "BLS",
    "Basic Life Support": "BLS",
    "Safeguarding Adults - Level 1": "SGA-L1",
    "Safeguarding Adults - Level 2": "SGA-L2",
    "Safeguarding Adults - Level 3": "SGA-L3",
    "Safeguarding Children - Level 1": "SGC-L1",
    "Safeguarding Children - Level 2": "SGC-L2",
    "Safeguarding Children - Level 3": "SGC-L3",
    "Oliver McGowan Mandatory Training on Learning Disability and Autism - Tier 1": "OMMT",
    "The Oliver McGowan Mandatory Training on Learning Disability and Autism": "OMMT",
    "The Oliver McGowan Mandatory Training on Learning Disability and Autism - Part 1 (e-learning)": "OMMT",
}

# The ESR competence names as ESR writes them, with the renewal periods of the CSTF.
_ESR_NAMES: list[tuple[str, str]] = [
    ("NHS|CSTF|Conflict Resolution - 3 Years|", "CONFLICT"),
    ("NHS|CSTF|Equality, Diversity and Human Rights - 3 Years|", "EDHR"),
    ("NHS|CSTF|Fire Safety - 1 Year|", "FIRE"),
    ("NHS|CSTF|Fire Safety - 2 Years|", "FIRE"),
    ("NHS|CSTF|Health, Safety and Welfare - 3 Years|", "HSW"),
    ("NHS|CSTF|Infection Prevention and Control - Level 1 - 3 Years|", "IPC"),
    ("NHS|CSTF|Infection Prevention and Control - Level 2 - 1 Year|", "IPC"),
    ("NHS|CSTF|Information Governance and Data Security - 1 Year|", "IG"),
    ("NHS|CSTF|Moving and Handling - Level 1 - 3 Years|", "MH"),
    ("NHS|CSTF|Moving and Handling - Level 2 - 2 Years|", "MH"),
    ("NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|", "PREVENT"),
    ("NHS|CSTF|Preventing Radicalisation - Level 1 & 2 - 3 Years|", "PREVENT"),
    ("NHS|CSTF|Resuscitation - Level 1 - 1 Year|", "BLS"),
    ("NHS|CSTF|Resuscitation - Level 2 - Adult Basic Life Support - 1 Year|", "BLS"),
    ("NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|", "SGA-L1"),
    ("NHS|CSTF|Safeguarding Adults - Level 2 - 3 Years|", "SGA-L2"),
    ("NHS|CSTF|Safeguarding Adults - Level 3 - 3 Years|", "SGA-L3"),
    ("NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|", "SGC-L1"),
    ("NHS|CSTF|Safeguarding Children - Level 2 - 3 Years|", "SGC-L2"),
    ("NHS|CSTF|Safeguarding Children - Level 3 - 3 Years|", "SGC-L3"),
    ("NHS|MAND|Oliver McGowan Mandatory Training on Learning Disability and Autism - Tier 1 - 3 Years|", "OMMT"),
]

BUILTIN_ALIASES: list[tuple[str, str]] = _ESR_NAMES + list(_SUBJECTS.items())
