"""No data ever becomes markup, a props string, a template or code: the rule read from every call in ui/, the
helper that sets attributes from data, and the page that first gave way (a token name run as script)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import login_user, sign_in, ui_database  # noqa: F401
from tracker.services import tokens
from ui.attrs import attrs, safe_href

UI = Path(__file__).resolve().parent.parent / "ui"
# calls whose text argument is markup, a template or code: only literals (or module constants) may go in
CODE_SINKS = {"props", "add_head_html", "add_body_html", "run_javascript", "add_css", "add_scss", "add_sass"}
NEVER = {"html", "markdown", "mermaid", "restructured_text", "interactive_image", "aggrid"}
HOSTILE = 'x" :data-pwn="window.__pwned=1" y="'


def _constants(tree: ast.Module) -> set[str]:
    """Module-level strings written in the source: literals, and f-strings of such (the theme's CSS)."""
    found: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        value = node.value
        plain = isinstance(value, ast.Constant) and isinstance(value.value, str)
        built = isinstance(value, ast.JoinedStr) and all(
            isinstance(v, ast.Constant)
            or (isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and v.value.id in found)
            for v in value.values
        )
        if plain or built:
            found |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return found


def _literal(node: ast.expr, constants: set[str]) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or (
        isinstance(node, ast.Name) and node.id in constants
    )


def _json_code(node: ast.expr) -> bool:
    """'literal code' + json.dumps(value): a value written into code as a JavaScript string, never as code."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _json_code(node.left) and _json_code(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "dumps" and isinstance(node.func.value, ast.Name) and node.func.value.id == "json"
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def offences(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    constants = _constants(tree)
    found = []
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            owner = node.func.value
            if name in CODE_SINKS and not all(_literal(a, constants) for a in node.args):
                found.append(f"{line}: {name}() given something other than a literal: {ast.unparse(node)[:80]}")
            if name == "add_slot" and len(node.args) > 1 and not _literal(node.args[1], constants):
                found.append(f"{line}: a slot template built from data: {ast.unparse(node)[:80]}")
            if name in NEVER and isinstance(owner, ast.Name) and owner.id == "ui":
                found.append(f"{line}: ui.{name} renders markup or templates; use text elements or data_table")
            for keyword in node.keywords:
                if keyword.arg == "js_handler" and not _literal(keyword.value, constants):
                    found.append(f"{line}: a js_handler built from data")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                key = target.slice if isinstance(target, ast.Subscript) else None
                if (
                    isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.startswith(":")
                    and not _json_code(node.value)
                ):
                    found.append(f"{line}: the code of {key.value} must be literal, data only through json.dumps")
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and str(k.value).startswith(":") and not _literal(v, constants):
                    found.append(f"{line}: the code of option {k.value} is not literal")
    return found


def test_no_module_in_ui_puts_data_into_markup_props_templates_or_code() -> None:
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 30
    found = [o for m in modules for o in offences(m.read_text(), str(m.relative_to(UI.parent)))]
    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        "b.props(f'aria-label=\"Revoke {name}\"')",
        "b.props('flat ' + label)",
        "b.props('aria-label=\"{}\"'.format(name))",
        "ui.html(f'<b>{name}</b>')",
        "ui.markdown(text)",
        "table.add_slot('body-cell', template)",
        "ui.run_javascript(f'show({x})')",
        "e.on('click', js_handler=f'() => {x}')",
        "picker.props[':options'] = f'd => d <= {day}'",
        "ui.echart({':formatter': code})",
    ],
)
def test_the_rule_catches_each_way_data_could_reach_code(line: str) -> None:
    assert offences(line, "example") != []


def test_the_rule_lets_literals_and_json_written_values_through() -> None:
    source = "\n".join([
        "SCRIPT = '<script>fix()</script>'",
        "b.props('flat dense no-caps')",
        "ui.add_body_html(SCRIPT)",
        "picker.props[':options'] = 'd => d <= ' + json.dumps(day)",
        "ui.echart({':valueFormatter': '(v) => v'})",
    ])
    assert offences(source, "example") == []


@pytest.mark.usefixtures("ui_database")
async def test_attrs_keeps_each_value_whole_and_never_makes_a_bound_prop(user: Visitor) -> None:
    await user.open("/login")
    with user:
        button = ui.element("button")
        attrs(button, aria_label=f"Revoke {HOSTILE}", data_token=7, disable=True, title=None)
        assert button.props["aria-label"] == f"Revoke {HOSTILE}"
        assert button.props["data-token"] == "7" and button.props["disable"] is True
        assert not any(key.startswith(":") or "pwn" in key for key in button.props)
        attrs(button, disable=False)
        assert "disable" not in button.props
        for name in ("onclick", "on_error", "v_html", "Aria", "x__y"):
            with pytest.raises(ValueError, match="plain attributes"):
                attrs(button, **{name: "x"})
        link = ui.element("a")
        attrs(link, href="javascript:alert(1)")
        assert "href" not in link.props  # a link from data that is not an address we follow is dropped
        attrs(link, href="/reports/ready/abc")
        assert link.props["href"] == "/reports/ready/abc"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/people/3", True),
        ("https://example.org/policy.pdf", True),
        ("http://intranet.example/p", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("/\\evil.example", False),
        ("https://", False),
        ("https://@evil.example", False),
        ("vbscript:x", False),
        ("", False),
    ],
)
def test_only_site_paths_and_web_addresses_become_links(url: str, kept: bool) -> None:
    assert (safe_href(url) == url) is kept


@pytest.mark.usefixtures("ui_database")
async def test_a_token_named_to_break_out_of_its_label_is_one_label_on_the_admins_page(user: Visitor) -> None:
    """The reported attack: a staff member's token name ran as script on the administrator's page."""
    staff = login_user("asha@example.nhs.uk", person=f.person())
    admin = login_user("admin@example.nhs.uk", "admin")
    tokens.create(staff.id, "api", HOSTILE)
    await sign_in(user, admin.email, then="/me/connections")
    await user.should_see(HOSTILE)
    buttons = [b for b in user.find(ui.button).elements if str(b.props.get("aria-label", "")).startswith("Revoke")]
    assert [b.props["aria-label"] for b in buttons] == [f"Revoke {HOSTILE}"]
    assert not any(key.startswith(":") or "pwn" in key for b in buttons for key in b.props)
