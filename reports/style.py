"""Fonts, palette, paragraph styles and the page template every report shares.

Every page carries a header band, a footer naming the report, its scope, the as-at date and when and by whom it
was generated, and "Page N of M" (drawn when the document is saved, once the page count is known).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate
from reportlab.platypus.tables import CellStyle

log = logging.getLogger(__name__)

# Streams are compressed; ASCII85 on top only makes them a quarter bigger and slower to write.
rl_config.useA85 = 0

# DejaVu Sans ships inside the package (reports/fonts, with its licence), so an installed copy has it wherever
# it runs; every font a report names is embedded (subset), none is left for the reader to find.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
DOCUMENT_LANGUAGE = "en-GB"
PRODUCER = "Compliance tracker"

# NHS identity colours (https://www.england.nhs.uk/nhsidentity/identity-guidelines/colours/)
NHS_BLUE = colors.HexColor("#005EB8")
NHS_DARK_BLUE = colors.HexColor("#003087")
NHS_DARK_GREY = colors.HexColor("#425563")
NHS_MID_GREY = colors.HexColor("#768692")
NHS_PALE_GREY = colors.HexColor("#E8EDEE")
NHS_GREEN = colors.HexColor("#007F3B")
NHS_WARM_YELLOW = colors.HexColor("#FFB81C")
NHS_RED = colors.HexColor("#DA291C")
WHITE = colors.white
BLACK = colors.HexColor("#212B32")


@dataclass(frozen=True)
class StatusLook:
    label: str
    fill: colors.Color  # cell background: a tint, so dark text stays readable on paper and screen
    ink: colors.Color


_GREEN_LOOK = (colors.HexColor("#CCE5D8"), colors.HexColor("#00401E"))
_AMBER_LOOK = (colors.HexColor("#FFEAB8"), colors.HexColor("#5C3D00"))
_RED_LOOK = (colors.HexColor("#F7D4D1"), colors.HexColor("#7A1010"))
_GREY_LOOK = (NHS_PALE_GREY, NHS_DARK_GREY)
_BLUE_LOOK = (colors.HexColor("#D2E3F5"), NHS_DARK_BLUE)

STATUS: dict[str, StatusLook] = {
    # courses
    "compliant": StatusLook("Compliant", *_GREEN_LOOK),
    "due_soon": StatusLook("Due soon", *_AMBER_LOOK),
    "due": StatusLook("Due (new)", *_AMBER_LOOK),
    "expired": StatusLook("Expired", *_RED_LOOK),
    "missing": StatusLook("Missing", *_RED_LOOK),
    # supervision months
    "met": StatusLook("Met", *_GREEN_LOOK),
    "in_progress": StatusLook("In progress", *_BLUE_LOOK),
    "paused": StatusLook("Paused", *_GREY_LOOK),
    "missed": StatusLook("Missed", *_RED_LOOK),
    # people
    "green": StatusLook("Green", *_GREEN_LOOK),
    "amber": StatusLook("Amber", *_AMBER_LOOK),
    "red": StatusLook("Red", *_RED_LOOK),
}

RAG_COLOURS = {"green": NHS_GREEN, "amber": NHS_WARM_YELLOW, "red": NHS_RED}


def look(status: str) -> StatusLook:
    return STATUS.get(status, StatusLook(status.replace("_", " ").capitalize(), *_GREY_LOOK))


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    narrow: str  # condensed, for the dense matrices
    narrow_bold: str


FONT_FILES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSansCondensed": "DejaVuSansCondensed.ttf",
    "DejaVuSansCondensed-Bold": "DejaVuSansCondensed-Bold.ttf",
}


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """DejaVu Sans (draws names such as "Żaneta"); Helvetica, with a warning, where it is not installed."""
    return load_fonts(FONT_DIR)


def load_fonts(folder: Path) -> Fonts:
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        log.warning(
            "DejaVu Sans not found in %s (Debian package fonts-dejavu-core; missing %s): reports fall back to "
            "Helvetica, which cannot draw some letters in names",
            folder, ", ".join(missing),
        )
        return Fonts("Helvetica", "Helvetica-Bold", "Helvetica", "Helvetica-Bold")
    for name, file in FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
    # A reportlab Table sets each cell's font before drawing its flowables, Helvetica unless told otherwise: the
    # PDF would name a font it never embeds, and no cell of ours is drawn in it.
    CellStyle.fontname = "DejaVuSans"
    return Fonts("DejaVuSans", "DejaVuSans-Bold", "DejaVuSansCondensed", "DejaVuSansCondensed-Bold")


@lru_cache(maxsize=50_000)
def text_width(text: str, font: str, size: float) -> float:
    """stringWidth, remembered: the same labels, dates and roles recur thousands of times in a report."""
    return float(pdfmetrics.stringWidth(text, font, size))


def fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis where it would overrun `width` points (plain table cells never wrap)."""
    if text_width(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    figure: ParagraphStyle
    figure_label: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    f = fonts()

    def style(name: str, size: float, font: str = f.regular, colour: Any = BLACK, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=kw.pop("leading", size * 1.25), textColor=colour,
            alignment=TA_LEFT, **kw,
        )

    return Styles(
        title=style("title", 26, f.bold, NHS_BLUE, leading=32, spaceAfter=6 * mm),
        subtitle=style("subtitle", 14, f.regular, NHS_DARK_GREY, leading=19, spaceAfter=2 * mm),
        h1=style("h1", 16, f.bold, NHS_BLUE, spaceBefore=2 * mm, spaceAfter=3 * mm, keepWithNext=1),
        h2=style("h2", 11.5, f.bold, NHS_DARK_BLUE, spaceBefore=4 * mm, spaceAfter=2 * mm),
        body=style("body", 9.5, spaceAfter=2 * mm),
        small=style("small", 8, colour=NHS_DARK_GREY, spaceAfter=1.5 * mm),
        cell=style("cell", 7.5, leading=9.2),
        cell_bold=style("cell_bold", 7.5, f.bold, leading=9.2),
        figure=style("figure", 22, f.bold, NHS_BLUE, leading=26),
        figure_label=style("figure_label", 8.5, colour=NHS_DARK_GREY, leading=10.5),
    )


PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 14 * mm
HEADER_HEIGHT = 11 * mm
FOOTER_HEIGHT = 9 * mm


@dataclass(frozen=True)
class PageFrame:
    """The words on every page: the header band and the footer line."""

    header: str
    footer: str
    footnote: str = ""  # a second, smaller footer line (who generated the report, and when)


def _page_furniture(frame: PageFrame) -> Callable[[canvas.Canvas, SimpleDocTemplate], None]:
    """Draws the header band and the footer on each page, as a few literal operators (reportlab's drawString
    builds a text object and formats every number for each of them: a tenth of a long report's time)."""
    from reports.grid import Ink  # the grid's writer draws on style's fonts and palette

    f = fonts()
    fitted: dict[float, str] = {}

    def draw(canv: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        width, height = doc.pagesize
        footer = fitted.get(width)
        if footer is None:
            footer = fitted[width] = fit(frame.footer, f.regular, 7.5, width - 2 * MARGIN - 70)
        ink = Ink(canv)
        ink.fill(NHS_BLUE)
        ink.box(0, height - HEADER_HEIGHT, width, HEADER_HEIGHT)
        ink.text(f.bold, 10, WHITE, [(MARGIN, height - HEADER_HEIGHT + 3.8 * mm, frame.header)])
        ink.rules([(MARGIN, FOOTER_HEIGHT + 2 * mm, width - MARGIN, FOOTER_HEIGHT + 2 * mm)], NHS_MID_GREY, 0.4)
        ink.text(f.regular, 7.5, NHS_DARK_GREY, [(MARGIN, FOOTER_HEIGHT - 1 * mm, footer)])
        if frame.footnote:
            ink.text(f.regular, 6.5, NHS_DARK_GREY, [(MARGIN, FOOTER_HEIGHT - 4.5 * mm, frame.footnote)])
        ink.done()

    return draw


class _NumberedCanvas(canvas.Canvas):
    """Keeps every page until save, then writes "Page N of M" on each. The document says its language, opens
    with its outline showing, and starts each page in DejaVu Sans (reportlab would name an unembedded Helvetica)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["lang"] = kwargs.get("lang") or DOCUMENT_LANGUAGE  # platypus passes None for both
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts().regular
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._page_bookmarks: list[tuple[str, dict[str, Any]]] = []
        self.showOutline()

    def bookmarkPage(self, key: str, **where: Any) -> None:  # noqa: N802 (reportlab's name)
        """Kept with its page: the pages reach the document only at save, and a bookmark names the page it is
        made on (made now, every bookmark would point at the first page)."""
        self._page_bookmarks.append((key, where))

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._page_bookmarks = []
        self._startPage()

    def save(self) -> None:
        from reports.grid import Ink

        total = len(self._pages)
        font = fonts().regular
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            width = self._pagesize[0]
            label = f"Page {number} of {total}"
            ink = Ink(self)
            ink.text(font, 7.5, NHS_DARK_GREY, [(width - MARGIN - text_width(label, font, 7.5), FOOTER_HEIGHT - 1 * mm,
                                                 label)])
            ink.done()
            for key, where in state["_page_bookmarks"]:
                super().bookmarkPage(key, **where)
            super().showPage()
        super().save()


# Outline (bookmark) level of each heading style; a person's entry (grid rows) goes under its section.
OUTLINE_LEVELS = {"title": 0, "h1": 0, "h2": 1}


class OutlinedDoc(SimpleDocTemplate):
    """A SimpleDocTemplate whose headings become the PDF's outline: the title and each h1 at the top level, each
    h2 under the h1 before it; GridPage rows with a bookmark (a person) go under their section too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries = 0
        self._last_top = 0.0
        self.outline_level = -1  # the level of the last entry; an entry may go at most one deeper

    def add_outline_entry(self, title: str, level: int, y: float | None = None) -> None:
        """An outline entry for `title` at the current frame position (or height `y` in the flowable's space)."""
        level = max(0, min(level, self.outline_level + 1))
        self._entries += 1
        key = f"outline-{self._entries}"
        if y is None:
            self.canv.bookmarkPage(key, fit="XYZ", top=self._last_top)
        else:
            self.canv.bookmarkHorizontal(key, 0, y)
        self.canv.addOutlineEntry(title, key, level=level, closed=level >= 1)
        self.outline_level = level

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        frame = getattr(self, "frame", None)
        if frame is not None:
            self._last_top = frame._y + float(getattr(flowable, "height", 0) or 0)
        if isinstance(flowable, Paragraph) and flowable.style.name in OUTLINE_LEVELS:
            title = " ".join(flowable.getPlainText().split())
            if title:
                self.add_outline_entry(title, OUTLINE_LEVELS[flowable.style.name])


def document_author(requested_by: str) -> str:
    """The PDF's Author: the app, and the person (or command-line user) who asked for the report."""
    return f"{PRODUCER}, for {requested_by}" if requested_by else PRODUCER


def render(
    story: Sequence[Flowable],
    *,
    pagesize: tuple[float, float],
    frame: PageFrame,
    title: str,
    subject: str,
    author: str,
) -> bytes:
    """Lay out the story on A4 pages with the shared header, footer and page numbers; return the PDF."""
    buffer = io.BytesIO()
    doc = OutlinedDoc(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=HEADER_HEIGHT + 6 * mm,
        bottomMargin=FOOTER_HEIGHT + 5 * mm,
        title=title,
        subject=subject,
        author=document_author(author),
        creator=PRODUCER,
        lang=DOCUMENT_LANGUAGE,
    )
    furniture = _page_furniture(frame)
    doc.build(list(story), onFirstPage=furniture, onLaterPages=furniture, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def usable_width(pagesize: tuple[float, float]) -> float:
    return pagesize[0] - 2 * MARGIN


def usable_height(pagesize: tuple[float, float]) -> float:
    return pagesize[1] - (HEADER_HEIGHT + 6 * mm) - (FOOTER_HEIGHT + 5 * mm)
