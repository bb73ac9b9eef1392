"""Every problem of a refused form at once: each message at its field (the field's error state), and a summary at
the top of the form that a screen reader announces (role="alert"), each line a button that takes the focus to its
field. Messages reach the page as element text and the field's error value, never in a props string."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from tracker.errors import Problem, field_label
from ui.actions import sentence
from ui.components import text


class FormProblems:
    """Drawn where the summary goes (the top of the form); then `field(name, element, label)` for each field a
    service names, in the form's order. `show(problems)` after a refusal, `clear()` before each try."""

    def __init__(self) -> None:
        self.box = ui.element("div").classes("w-full").props('role="alert"').mark("problems")
        self.fields: dict[str, tuple[str, ui.element]] = {}

    def field(self, name: str, element: ui.element, label: str | None = None) -> ui.element:
        """`element` shows the problems of the service's field `name`, called `label` (default: the app's words)."""
        self.fields[name] = (label or field_label(name), element)
        return element

    @property
    def labels(self) -> dict[str, str]:
        return {name: label for name, (label, _) in self.fields.items()}

    def clear(self) -> None:
        self.box.clear()
        for _, element in self.fields.values():
            if isinstance(element, ValidationElement):
                if element.validation is not None:
                    element.validate(return_result=False)  # its own check says again what it says while typed
                else:
                    element.error = None

    def show(self, problems: Iterable[Problem], extra: Mapping[str, str] | None = None) -> None:
        """Each problem at its field and in the summary, in the form's order. `extra`: messages the page found
        itself (field -> message), shown in place of a service's for the same field."""
        found: dict[str | None, str] = {}
        found.update(extra or {})
        for problem in problems:
            found.setdefault(problem.field, problem.message)
        order = list(self.fields)
        ranked = sorted(found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        self.clear()
        if not ranked:
            return
        labels = self.labels
        for name, message in ranked:
            element = self.fields[name][1] if name in self.fields else None
            if isinstance(element, ValidationElement):
                element.error = sentence(message)
        with self.box, ui.element("div").classes("problem-summary w-full p-3 mb-2"):
            count = len(ranked)
            text("h2", "There is a problem" if count == 1 else f"There are {count} problems").classes(
                "text-lg font-semibold")
            text("p", "Nothing was saved. Correct these and save again:")
            with ui.element("ul").classes("list-disc pl-6 m-0"):
                for name, message in ranked:
                    line = Problem(name, message).text(labels)
                    with ui.element("li"):
                        if name in self.fields:
                            target = self.fields[name][1]
                            ui.button(line, on_click=lambda target=target: target.run_method("focus")).props(
                                "flat dense no-caps align=left").classes("problem-link").mark(f"problem-{name}")
                        else:
                            text("span", line)
