"""The "never" arrows of ARCHITECTURE.md, checked from the code's imports so they cannot come back.

Never: the domain (tracker/) imports ui/, jobs/ or reports/; ui/ imports storage (peewee, tracker.models,
tracker.db); jobs/ or reports/ import ui/; the rules engine (tracker/compliance.py) imports storage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORAGE = ("peewee", "playhouse", "tracker.models", "tracker.db")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (function-level imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _hits(imported: set[str], forbidden: tuple[str, ...]) -> list[str]:
    """The forbidden modules (or packages) among those imported, each named once."""
    return sorted({f for m in imported for f in forbidden if m == f or m.startswith(f + ".")})


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


RULES = [
    ("tracker", ("ui", "jobs", "reports")),
    ("ui", STORAGE),
    ("jobs", ("ui",)),
    ("reports", ("ui",)),
]


def violations() -> list[str]:
    found: list[str] = []
    for package, forbidden in RULES:
        for path in _files(package):
            for module in _hits(_imports(path), forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    engine = ROOT / "tracker" / "compliance.py"
    for module in _hits(_imports(engine), STORAGE):
        found.append(f"tracker/compliance.py imports {module}")
    return found


@pytest.mark.parametrize("package, forbidden", RULES, ids=[r[0] for r in RULES])
def test_never_arrows(package: str, forbidden: tuple[str, ...]) -> None:
    bad = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _files(package)
        for module in _hits(_imports(path), forbidden)
    ]
    assert bad == []


# What ui/ may use of the domain: reads (views), writes (services), the access rules and errors, and small pure
# helpers (dates, ids, settings, clock, the vocabulary of fixed words, the engine's status types the views return,
# password rules, the import kinds' columns, the signing key of the session cookie and the notes key the app
# hands its pages, the parts of a role page's text and the safe reading of its markdown).
UI_MAY_IMPORT = (
    "tracker.views", "tracker.services", "tracker.access", "tracker.errors", "tracker.dates", "tracker.ids",
    "tracker.settings", "tracker.clock", "tracker.vocabulary", "tracker.compliance", "tracker.passwords",
    "tracker.importers", "tracker.signing", "tracker.note_crypto", "tracker.role_texts", "tracker.plain_markdown",
)


def test_ui_uses_only_views_services_and_pure_helpers_of_the_domain() -> None:
    def allowed(module: str) -> bool:
        return any(module == a or module.startswith(a + ".") for a in UI_MAY_IMPORT)

    bad = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _files("ui")
        for module in _imports(path)
        if (module == "tracker" or module.startswith("tracker.")) and module != "tracker" and not allowed(module)
    )
    assert bad == []


# Settings come down from the composition root (cli.py / main.py read the environment): on the Page a page is
# given, from the request's app in a plain route, as an argument to every job, to the signing and notes keys'
# makers. Nowhere below reads them itself, and there is no settings global to read them from.
SETTINGS_GETTERS = ("current_settings", "use_settings", "from_env", "environ", "getenv")
NO_SETTINGS_GLOBAL = ("tracker", "ui", "jobs", "reports")
# tracker/settings.py defines from_env and reads os.environ: the one place that may.
SETTINGS_READER = "tracker/settings.py"


def _names_used(path: Path) -> set[str]:
    """Every name and attribute a file mentions or imports (a call, a reference, an import of the name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(alias.name.rsplit(".", 1)[-1] for alias in node.names)
    return found


def settings_reads(places: tuple[str, ...] = NO_SETTINGS_GLOBAL) -> list[str]:
    paths = [p for place in places for p in ([ROOT / place] if place.endswith(".py") else _files(place))]
    return sorted(
        f"{path.relative_to(ROOT)} uses {name}"
        for path in paths
        if path.relative_to(ROOT).as_posix() != SETTINGS_READER
        for name in sorted(_names_used(path) & set(SETTINGS_GETTERS))
    )


def test_the_domain_ui_jobs_and_reports_are_given_settings_and_never_read_them() -> None:
    assert settings_reads() == []


def settings_globals(path: Path) -> list[str]:
    """Module-level names that hold (or are declared to hold) a Settings object, and the old global's functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in SETTINGS_GETTERS:
            found.append(f"def {node.name}")
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            typed = ast.unparse(node.annotation) if isinstance(node, ast.AnnAssign) else ""
            value = ast.unparse(node.value) if node.value is not None else ""
            if "Settings" in typed or "Settings(" in value or "from_env(" in value:
                found += [ast.unparse(t) for t in targets]
    return found


def test_settings_have_no_global_to_read_them_from() -> None:
    assert settings_globals(ROOT / SETTINGS_READER) == []


def test_the_globals_check_sees_a_settings_global(tmp_path: Path) -> None:
    sample = tmp_path / "settings.py"
    sample.write_text("_current: Settings | None = None\n\n\ndef current_settings():\n    return _current\n",
                      encoding="utf-8")
    assert settings_globals(sample) == ["_current", "def current_settings"]


@pytest.mark.parametrize("package", ["tracker", "ui", "jobs", "reports"])
def test_the_settings_check_sees_a_read_of_the_environment_or_a_global(package: str) -> None:
    sample = ROOT / package / "_settings_probe.py"
    sample.write_text("def f():\n    from tracker import settings\n    return settings.current_settings().base_url\n\n\n"
                      "def g():\n    from tracker.settings import Settings\n    return Settings.from_env()\n",
                      encoding="utf-8")
    try:
        assert settings_reads((package,)) == [f"{package}/_settings_probe.py uses current_settings",
                                              f"{package}/_settings_probe.py uses from_env"]
    finally:
        sample.unlink()


def test_the_rules_engine_touches_no_storage() -> None:
    assert _hits(_imports(ROOT / "tracker" / "compliance.py"), STORAGE) == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The walker finds imports inside functions and relative ones, so the test above can fail."""
    sample = ROOT / "ui" / "_architecture_probe.py"
    sample.write_text("def f():\n    from tracker.models import Person\n    import peewee\n", encoding="utf-8")
    try:
        assert _hits(_imports(sample), STORAGE) == ["peewee", "tracker.models"]
    finally:
        sample.unlink()


if __name__ == "__main__":
    for line in violations():
        print(line)
