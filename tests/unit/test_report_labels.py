"""Number formats and words of the report."""

from __future__ import annotations

import pytest

from warehouse.read.report.labels import TEXT, fmt_number, unit_label
from warehouse.read.report.page import _script_safe


@pytest.mark.parametrize(
    ("value", "digits", "lang", "signed", "shown"),
    [
        (304744.0, 0, "nl", False, "304.744"),
        (304744.0, 0, "en", False, "304,744"),
        (-12.4957, 1, "nl", True, "−12,5"),
        (10.7, 1, "en", True, "+10.7"),
        (1234567.891, 2, "nl", False, "1.234.567,89"),
        (None, 1, "nl", False, "–"),
    ],
)
def test_fmt_number(value, digits, lang, signed, shown) -> None:
    assert fmt_number(value, digits, lang, signed=signed) == shown


def test_both_languages_have_every_text() -> None:
    assert set(TEXT["nl"]) == set(TEXT["en"])


def test_units_in_dutch() -> None:
    assert unit_label("persons", "nl") == "personen"
    assert unit_label("persons", "en") == "persons"
    assert unit_label("%", "nl") == "%"


def test_nothing_inside_a_script_closes_it() -> None:
    assert _script_safe('x = "</script><b>"; y = "</SCRIPT >"') == (
        'x = "<\\/script><b>"; y = "<\\/SCRIPT >"'
    )
