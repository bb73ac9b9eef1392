"""A viewer's team in words, for a page heading."""

from __future__ import annotations

from tracker.access import Viewer
from tracker.models import Organisation, Pcn


def scope_name(viewer: Viewer) -> str:
    """What the viewer's team is, in words (reads one row; call off the event loop)."""
    if viewer.is_admin:
        return "Everyone, all employers"
    if viewer.lead_employer_id is not None:
        org = Organisation.get_or_none(Organisation.id == viewer.lead_employer_id)
        return org.name if org else "Your employer"
    pcn = Pcn.get_or_none(Pcn.id == viewer.lead_pcn_id)
    return f"{pcn.name} (whole PCN)" if pcn else "Your PCN"
