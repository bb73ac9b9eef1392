"""The grid's own encoding (printable ASCII, and characters already given a code in the first subset) gives exactly
the bytes reportlab's subset encoding gives."""

from __future__ import annotations

from io import BytesIO

import pytest
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from reports.grid import Ink
from reports.style import fonts

LINES = ["Expired 01/06/2026", "Żaneta Kowalska", "a (b) \\ c", "Ok ~`!@#$%^&*()_+{}|:\"<>?", "Smith-Jones",
         "Café", "", "O'Brien (locum)", "tab\there"]


@pytest.mark.parametrize("font_name", [fonts().regular, fonts().narrow_bold])
def test_ascii_lines_are_encoded_as_reportlab_encodes_them(font_name: str) -> None:
    doc = Canvas(BytesIO())._doc
    font = pdfmetrics.getFont(font_name)
    for line in LINES:
        ours = Ink._encode(font, font_name, line, doc)
        theirs = [(font.getSubsetInternalName(subset, doc), f"({escapePDF(chars)}) Tj")
                  for subset, chars in font.splitString(line, doc)]
        assert ours == theirs, line


@pytest.mark.parametrize("font_name", [fonts().regular, fonts().narrow])
def test_lines_of_characters_already_coded_are_encoded_as_reportlab_encodes_them(font_name: str) -> None:
    """Second time round every character has its code: the lines take the grid's tables, not splitString, and
    new lines mixing those characters (a bullet, an accent, a dash) give reportlab's bytes too."""
    doc = Canvas(BytesIO())._doc
    font = pdfmetrics.getFont(font_name)
    mixed = ["• Café – Żaneta", "• Expired 01/06/2026", "–", "Żaneta (Café) • \\"]
    for line in LINES + mixed + LINES + mixed:
        ours = Ink._encode(font, font_name, line, doc)
        theirs = [(font.getSubsetInternalName(subset, doc), f"({escapePDF(chars)}) Tj")
                  for subset, chars in font.splitString(line, doc)]
        assert ours == theirs, line
    escaped, known = Ink._tables[doc][font_name]
    assert ord("•") in known and ord("Ż") in known and escaped[ord("a")] == "a"


def test_a_line_in_a_later_subset_keeps_reportlabs_pieces() -> None:
    """Past 256 codes a character falls in a second subset: such a line is never taken from the tables."""
    font_name = fonts().regular
    doc = Canvas(BytesIO())._doc
    font = pdfmetrics.getFont(font_name)
    many = "".join(chr(c) for c in range(0x100, 0x100 + 300) if chr(c).isprintable())
    Ink._encode(font, font_name, many, doc)
    late = many[-5:]
    ours = Ink._encode(font, font_name, late, doc)
    theirs = [(font.getSubsetInternalName(subset, doc), f"({escapePDF(chars)}) Tj")
              for subset, chars in font.splitString(late, doc)]
    assert ours == theirs and ours[0][0] != font.getSubsetInternalName(0, doc)
