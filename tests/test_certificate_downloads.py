"""Certificates are downloads, never pages: an HTML or SVG file dressed as a certificate (a PDF or PNG header in
front of markup, sent under an .html or .svg name) or stored by hand under such a name, comes back as an
attachment with a plain name, nosniff and a sandbox policy, so a browser never runs it as part of this site."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests.data_tables import sees
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker.errors import ValidationError
from tracker.models import Course, TrainingRecord, User
from tracker.services import evidence
from tracker.settings import Settings
from tracker.views.access_facts import viewer_for_user

pytestmark = pytest.mark.usefixtures("ui_database")

SCRIPT = b"<script>document.title='pwned'</script>"
HTML_IN_A_PDF = b"%PDF-1.4\n<html><body><img src=x onerror=\"document.title='pwned'\">" + SCRIPT + b"</body></html>"
SVG_IN_A_PNG = b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert(1)\">" + SCRIPT + b"</svg>"
PLAIN_SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert(1)\"/>"


def assert_download_only(response: httpx.Response, name: str, media_type: str) -> None:
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"


async def test_an_html_file_sent_as_a_certificate_comes_back_as_an_attachment(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    user.find(marker="course").elements.pop().value = "FIRE"
    uploader = user.find(ui.upload).elements.pop()
    # named .pdf, sent as text/html: the browser's own check of the name is passed, the type is not trusted
    await uploader.handle_uploads([ui.upload.SmallFileUpload("certificate.pdf", "text/html", HTML_IN_A_PDF)])
    user.find(marker="send-certificate").click()
    await sees(user, "Waiting for approval", "records", retries=40)
    record = TrainingRecord.get()
    assert record.certificate_path.endswith(".pdf")  # named by what it starts with, not by what it was called
    response = await user.http_client.get(f"/files/certificates/{record.id}")
    assert_download_only(response, f"certificate-{record.id}.pdf", "application/pdf")
    assert response.content == HTML_IN_A_PDF  # the bytes are kept; only the browser is told not to draw them


async def test_an_svg_behind_a_png_header_and_files_stored_under_html_or_svg_names_are_attachments(
    user: Visitor, tmp_path: Path
) -> None:
    team = build_team()
    asha = User.get(User.email == "asha@example.nhs.uk")
    viewer = viewer_for_user(asha.id)
    assert viewer is not None
    png = evidence.upload_certificate(viewer, Settings.from_env(), team.asha.id, "FIRE", "01/05/2025", "", SVG_IN_A_PNG)
    with pytest.raises(ValidationError, match="must be a PDF, JPEG or PNG"):
        evidence.upload_certificate(viewer, Settings.from_env(), team.asha.id, "IG", "01/05/2025", "", PLAIN_SVG)
    planted = {}
    for ext, content in (("html", SCRIPT), ("svg", PLAIN_SVG), ('svg"; filename="x.html', PLAIN_SVG)):
        # as a restored backup or an older version could have left them in the uploads folder
        folder = tmp_path / "data" / "uploads" / str(team.asha.id)
        (folder / f"old.{ext}").write_bytes(content)
        planted[ext] = TrainingRecord.create(
            person=team.asha, course=Course.get(Course.code == "BLS"), completed_on=f"2024-0{len(planted) + 1}-01",
            evidence_state="pending", certificate_path=f"{team.asha.id}/old.{ext}",
        ).id
    await sign_in(user, "asha@example.nhs.uk")
    assert_download_only(await user.http_client.get(f"/files/certificates/{png.id}"),
                         f"certificate-{png.id}.png", "image/png")
    for record_id in planted.values():
        response = await user.http_client.get(f"/files/certificates/{record_id}")
        assert_download_only(response, f"certificate-{record_id}.bin", "application/octet-stream")
