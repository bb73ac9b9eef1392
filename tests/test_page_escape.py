"""A page's elements are escaped into its HTML exactly as NiceGUI's own table escapes them (ui/page_escape.py),
hostile text included, and a served page carries no markup from data."""

from __future__ import annotations

import pytest
from nicegui import client
from nicegui.testing import User as Visitor

from tests.hostile import PAYLOADS
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker.models import Person
from ui import page_escape

pytestmark = pytest.mark.usefixtures("ui_database")

TEXTS = [
    *(template.format(t="x") for template in PAYLOADS.values()),
    "&amp; already an entity &lt;b&gt; &#96; &#36;",
    "every one: & < > ` $ and again &<>`$",
    "Zoë O'Brien — café £5 🙂 <\u2028>",
    "",
    "plain words, nothing to escape",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_replacements_give_what_nicegui_s_table_gives(text: str) -> None:
    assert page_escape.escaped(text) == text.translate(client.HTML_ESCAPE_TABLE)


@pytest.mark.parametrize("text", TEXTS)
def test_the_client_s_json_escapes_as_nicegui_does_and_reads_back(text: str) -> None:
    page_escape.install()
    made = client.json.dumps({"name": text})
    assert made.translate(client.HTML_ESCAPE_TABLE) == made.translate(str.maketrans(dict(client.HTML_ESCAPE_TABLE)))
    assert client.json.loads(str(made)) == {"name": text}
    assert made.translate({ord("a"): "b"}) == str(made).translate({ord("a"): "b"})  # any other table: as str's


async def test_a_served_page_carries_a_hostile_name_escaped(user: Visitor) -> None:
    team = build_team()
    hostile = PAYLOADS["img onerror"].format(t="esc")
    Person.update(first_name=hostile).where(Person.id == team.asha.id).execute()
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/directory")
    page = (await user.http_client.get(f"/people/{team.asha.id}")).text
    assert "<img src=x" not in page
    assert "&lt;img src=x data-pwn=1 onerror=" in page
