"""The built-in text of the ARRS roles' pages, written only from ../shared/domain/ and ../shared/seeds/.

Nothing here is invented: where the sources say nothing of a part (most roles have no description in them), the
part is left empty and the page says an administrator may write it. An administrator's text (RolePage) replaces
the built-in text of that role. The training and supervision minimums a page shows are not written here: they
come from the rules the engine uses (tracker.compliance.Rules).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleText:
    summary: str = ""  # what the role does
    boundaries: str = ""  # boundaries of care
    requirements: str = ""  # minimum role requirements
    supervision: str = ""  # what the guidance says of supervision, and who may supervise
    funding: str = ""
    sources: str = ""

    PARTS = ("summary", "boundaries", "requirements", "supervision", "funding", "sources")


ARRS = (
    "- Additional Roles Reimbursement Scheme facts gathered from NHS England pages, training hubs, LMCs and the "
    "trade press (the Network Contract DES Annex B itself was not available)"
)
SUPERVISION = (
    "- Supervision guidance for primary care network multidisciplinary teams (NHS England, May 2023)"
)
DES_2026_27 = "- Network Contract DES 2026/27: changes to the Additional Roles Reimbursement Scheme (NHS England)"
ADDITIONS_2024_25 = "- Additional Roles Reimbursement Scheme additions for 2024/25 (NHS England)"
QUICK_REFERENCE = "- NHS England's quick reference on additional roles (supervision)"
TRAINING_HUBS = "- Training hubs' guidance on supervision of advanced practitioners"
NEW_NURSING_RULE = (
    "Cannot be reimbursed for someone the PCN or a member practice employed in the previous 12 months (unless the "
    "move is to a more senior nursing post)."
)


def _sources(*lines: str) -> str:
    return "\n".join((ARRS, *lines))


SPLW = RoleText(
    summary=(
        "Social Prescribing Link Workers (SPLW) give people time over several sessions to offer a person-centred "
        "conversation based around asking, \u201cwhat matters to you?\u201d. They provide support to tackle issues "
        "caused by the wider determinants of health, alongside colleagues providing conventional medical "
        "interventions (NHSE, 2023).\n\n"
        "Link workers:\n\n"
        "- are part of an all-age, whole population social prescribing approach and work with people who are "
        "lonely, have complex social needs, low level mental health needs and long-term conditions\n"
        "- help people to identify issues that affect their health and wellbeing, and co-produce a simple "
        "personalised care and support plan\n"
        "- support people by connecting them to non-medical community-based activities, groups and services that "
        "meet practical, social and emotional needs, including specialist advice services and the arts, physical "
        "activity, and nature\n"
        "- use coaching and motivational interviewing techniques to support people to take control of their own "
        "health and wellbeing\n"
        "- support accessible and sustainable community offers by working with VCSE organisations, local "
        "authorities and others to identify gaps in provision and deliver activities and groups to meet "
        "population needs"
    ),
    boundaries=(
        "SPLWs provide support to tackle issues caused by the wider determinants of health, alongside colleagues "
        "providing conventional medical interventions."
    ),
    requirements=(
        "Where a PCN employs or engages a SPLW under the Additional Roles Reimbursement Scheme, the PCN must ensure "
        "that the SPLW meets the \u2018Minimum Role Requirements\u2019 stipulated in Annex B of the Network DES. "
        "Accredited social prescribing learning for link workers is the ARRS minimum requirement.\n\n"
        "Link workers may be employed by a variety of host organisations:\n\n"
        "- VCSE organisations including faith organisations\n"
        "- local authorities\n"
        "- PCNs\n"
        "- other organisations, such as hospitals and agencies supporting discharge from hospital"
    ),
    supervision=(
        "All SPLWs need supervision, which should be provided by their employer. Whichever host organisation "
        "employs the SPLW, if the role is funded through the Network Contract DES the PCN's contractual "
        "obligations regarding supervision are the same.\n\n"
        "- Recommended minimum: a 1-hour supervision meeting monthly (NHSE supervision guidance, 2023).\n"
        "- Employers should have a named first point of contact for general advice and support.\n"
        "- Access to an appropriate named individual in the PCN with the relevant competencies, as described in "
        "the career framework, e.g. GP, senior clinician/professional including advanced practitioner."
    ),
    funding=(
        "Agenda for Change band up to 5. May be employed by a VCSE host; the PCN can claim an extra \u00a32,400 per "
        "WTE a year towards a supplier's overheads. 2023/24 maximum reimbursement \u00a340,159."
    ),
    sources=_sources(
        "- Social Prescribing Link Worker: role, training and supervision (the link-worker role page)",
        SUPERVISION,
        "- NHS England \u00bb Workforce development framework: social prescribing link workers",
        "- Personalised Care Institute: ARRS roles information page",
        QUICK_REFERENCE,
    ),
)


def _registered(regulator: str, **more: str) -> RoleText:
    return RoleText(requirements=f"Registered with the {regulator}.", sources=_sources(SUPERVISION), **more)


BUILT_IN: dict[str, RoleText] = {
    "SPLW": SPLW,
    "HWBC": RoleText(
        requirements="Must be undertaking or have completed 4-day accredited health-coaching training.",
        sources=_sources(SUPERVISION),
    ),
    "CC": RoleText(
        funding="Agenda for Change band up to 4. 2023/24 maximum reimbursement \u00a333,396.",
        sources=_sources(SUPERVISION),
    ),
    "CP": RoleText(
        requirements=(
            "Enrolled in, or qualified from, an approved 18-month primary-care education pathway. Registered "
            "with the GPhC."
        ),
        supervision=(
            "At least monthly, from a senior or advanced pharmacist, with a GP available. Senior clinical "
            "pharmacists at least every 3 months."
        ),
        funding="2023/24 maximum reimbursement \u00a362,340.",
        sources=_sources(SUPERVISION, QUICK_REFERENCE),
    ),
    "PT": RoleText(
        requirements="Registered with the GPhC.",
        supervision="Monthly, from a pharmacist or a GP.",
        funding="2023/24 maximum reimbursement \u00a340,159.",
        sources=_sources(SUPERVISION, QUICK_REFERENCE),
    ),
    "FCP": _registered("HCPC", funding="2023/24 maximum reimbursement \u00a362,340."),
    "PA": RoleText(
        summary="Always works under a named senior doctor.",
        requirements="Now regulated by the GMC.",
        supervision="A named GP clinical supervisor, and an educational supervisor during preceptorship.",
        sources=_sources(SUPERVISION),
    ),
    "DT": _registered("HCPC"),
    "POD": _registered("HCPC"),
    "OT": _registered("HCPC"),
    "PARA": _registered("HCPC", funding="Added to the scheme in April 2021."),
    "MHP": RoleText(
        summary="Employed by the NHS mental-health trust and wholly deployed to the PCN.",
        supervision="Takes supervision and clinical governance from the employing trust.",
        funding="Agenda for Change band from 5. The PCN funds 50%.",
        sources=_sources(SUPERVISION),
    ),
    "NA": _registered("NMC"),
    "TNA": RoleText(sources=_sources(SUPERVISION)),
    "AP": RoleText(
        requirements="At most 3 per PCN (6 with a list of 100,000 or more) from April 2023.",
        supervision="Monthly, from a GP, an experienced advanced practitioner or a consultant practitioner.",
        sources=_sources(SUPERVISION, TRAINING_HUBS),
    ),
    "GPA": RoleText(
        funding="Agenda for Change band up to 4. Added to the scheme in October 2022.",
        sources=_sources(SUPERVISION),
    ),
    "DTL": RoleText(
        requirements="At most 1 per PCN. Added to the scheme in October 2022.",
        sources=_sources(SUPERVISION),
    ),
    "GP": RoleText(
        summary="A General Practitioner. Until 31 March 2026 only GPs within 2 years of qualifying could be "
                "reimbursed; from 1 April 2026 that limit is lifted.",
        funding="Not on Agenda for Change. Reimbursable from 1 October 2024; 2025/26 maximum \u00a3105,882.",
        sources=_sources(SUPERVISION, DES_2026_27),
    ),
    "SCP": RoleText(
        requirements="Registered with the GPhC.",
        supervision="At least every 3 months, from a senior or advanced pharmacist, with a GP available.",
        sources=_sources(SUPERVISION, QUICK_REFERENCE),
    ),
    "EPN": RoleText(
        requirements="Registered with the NMC.",
        funding="Agenda for Change band 7. Added to the scheme in April 2024.",
        sources=_sources(SUPERVISION, ADDITIONS_2024_25),
    ),
    "HCSW": RoleText(
        requirements=NEW_NURSING_RULE,
        funding="Agenda for Change band up to 3. New in 2025/26.",
        sources=_sources(SUPERVISION),
    ),
    "GPN5": RoleText(
        requirements=NEW_NURSING_RULE,
        funding="Agenda for Change band 5. New in 2025/26.",
        sources=_sources(SUPERVISION),
    ),
    "GPN6": RoleText(
        requirements=NEW_NURSING_RULE,
        funding="Agenda for Change band 6. New in 2025/26.",
        sources=_sources(SUPERVISION),
    ),
    "CNPC": RoleText(
        requirements=NEW_NURSING_RULE,
        funding="Agenda for Change band 8c. New in 2025/26, up to \u00a3102,683.",
        sources=_sources(SUPERVISION),
    ),
}


def built_in(code: str) -> RoleText:
    """The built-in text of a role (empty for a role the sources say nothing of)."""
    return BUILT_IN.get(code, RoleText())
