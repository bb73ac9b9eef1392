"""The grid's own encoding of printable ASCII gives exactly the bytes reportlab's subset encoding gives."""

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
