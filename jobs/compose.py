"""One combined message per recipient: plain text and HTML, every line with a link back to the app."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from urllib.parse import urlsplit

from jobs.directory import Recipient
from jobs.mailer import OutgoingEmail
from jobs.notices import SECTION_TITLES, Notice
from tracker.dates import uk

NHS_BLUE = "#005EB8"
PRODUCT = "Workforce compliance tracker"


def absolute(base_url: str, link: str) -> str:
    return link if link.startswith(("http://", "https://")) else f"{base_url.rstrip('/')}{link}"


def subject_for(notices: Sequence[Notice]) -> str:
    if len(notices) == 1:
        text = notices[0].text.rstrip(".")
        return text if len(text) <= 120 else text[:119] + "…"
    return f"{len(notices)} compliance reminders need your attention"


def _sections(notices: Sequence[Notice]) -> list[tuple[str, list[Notice]]]:
    grouped: dict[str, list[Notice]] = {}
    for notice in notices:
        grouped.setdefault(notice.section, []).append(notice)
    return [(SECTION_TITLES[s], grouped[s]) for s in SECTION_TITLES if s in grouped]


def plain_text(recipient: Recipient, notices: Sequence[Notice], as_of: date, base_url: str) -> str:
    lines = [f"Dear {recipient.name},", "", f"As at {uk(as_of)}, these need your attention:", ""]
    for title, items in _sections(notices):
        lines.append(title)
        lines.append("-" * len(title))
        for notice in items:
            lines.append(f"* {notice.text}")
            lines += [f"    - {d}" for d in notice.details]
            lines.append(f"  {absolute(base_url, notice.link)}")
        lines.append("")
    lines += [
        f"Sign in at {base_url} to see everything that applies to you.",
        "",
        f"-- {PRODUCT}. You get this message because of your role in the team; "
        "reminders for the same thing are not repeated more than once a week.",
    ]
    return "\n".join(lines) + "\n"


def html_body(recipient: Recipient, notices: Sequence[Notice], as_of: date, base_url: str) -> str:
    parts = [
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{escape(subject_for(notices))}</title></head>",
        '<body style="font-family: Arial, sans-serif; color: #212B32; margin: 0;">',
        f'<div style="background: {NHS_BLUE}; color: #ffffff; padding: 12px 16px; font-weight: bold;">'
        f"{escape(PRODUCT)}</div>",
        '<div style="padding: 16px;">',
        f"<p>Dear {escape(recipient.name)},</p>",
        f"<p>As at {uk(as_of)}, these need your attention:</p>",
    ]
    for title, items in _sections(notices):
        parts.append(f'<h2 style="font-size: 18px; color: {NHS_BLUE};">{escape(title)}</h2><ul>')
        for notice in items:
            url = escape(absolute(base_url, notice.link), quote=True)
            label = "Confirm this session" if notice.section == "confirm" else "Open in the tracker"
            details = "".join(f"<li>{escape(d)}</li>" for d in notice.details)
            parts.append(
                f'<li style="margin-bottom: 8px;">{escape(notice.text)} '
                f'<a href="{url}" style="color: {NHS_BLUE};">{label}</a>'
                + (f"<ul>{details}</ul>" if details else "")
                + "</li>"
            )
        parts.append("</ul>")
    parts += [
        f'<p><a href="{escape(base_url, quote=True)}" style="color: {NHS_BLUE};">Sign in to the tracker</a> '
        "to see everything that applies to you.</p>",
        '<p style="color: #4C6272; font-size: 12px;">You get this message because of your role in the team; '
        "reminders for the same thing are not repeated more than once a week.</p>",
        "</div></body></html>",
    ]
    return "".join(parts)


def message_id(keys: Iterable[str], base_url: str) -> str:
    """The same Message-ID every time the same reminders go to the same person, so a copy sent again after a
    dropped connection is recognised as the same message. Named for this installation (the host of its
    address); the ledger keys are hashed, so the header tells nothing about whom the reminders concern."""
    digest = hashlib.sha256("\n".join(sorted(set(keys))).encode()).hexdigest()[:40]
    domain = urlsplit(base_url).hostname or "tracker.invalid"
    return f"<reminder.{digest}@{domain}>"


def email_for(recipient: Recipient, notices: Sequence[Notice], as_of: date, base_url: str) -> OutgoingEmail:
    assert recipient.email, "only a recipient with an email address gets an email"
    return OutgoingEmail(
        to=recipient.email,
        subject=subject_for(notices),
        text=plain_text(recipient, notices, as_of, base_url),
        html=html_body(recipient, notices, as_of, base_url),
        to_name=recipient.name,
        message_id=message_id((n.key for n in notices), base_url),
    )


def inbox_body(notices: Sequence[Notice]) -> str:
    lines = []
    for title, items in _sections(notices):
        lines.append(f"{title}:")
        for n in items:
            lines.append(f"- {n.text}")
            lines += [f"    - {d}" for d in n.details]
    return "\n".join(lines)


def inbox_link(notices: Sequence[Notice]) -> str:
    """The page an in-app message opens: the one its items share, else the recipient's own page."""
    links = {n.link for n in notices}
    if len(links) == 1:
        return next(iter(links))
    sections = {n.section for n in notices}
    if sections == {"team"}:
        return "/dashboard"
    return "/me"
