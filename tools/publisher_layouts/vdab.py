"""VDAB's Excel exports: Arvastat's `Data` sheet and a Provincies in Cijfers export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tools.publisher_layouts.containers import workbook_bytes

PIC_RATE = "werkzoekendengraad (jaargemiddelde) [%]"
PIC_COUNT = "werkzoekenden zonder werk (jaargemiddelde) [aantal]"
PIC_OTHER = "werkzoekendengraad mannen (jaargemiddelde) [%]"
PIC_LEGEND = [
    ["Speciale waarden", "- Geen waarde"],
    ["x Verborgen waarde"],
    ["nvt Niet van toepassing"],
    ["? Ontbrekende waarde"],
    ["Bron", "VDAB | provincies.incijfers.be"],
    [],
    ["Datum export", "donderdag 21 mei 2026"],
]


def arvastat_bytes(
    years: Sequence[int],
    rows: Mapping[str, tuple[Sequence[int | str], Sequence[int | str]]],
    *,
    measure_labels: tuple[str, str] = ("Werkzoekenden zonder werk", "Beroepsbevolking"),
) -> bytes:
    """Sheet Data: title rows, a row of measures (each above its run of years), a row of
    years, one row per province and the 'Totaal' row; rows maps a name to (WZW per year,
    labour force per year), "-" for a suppressed count."""
    width = len(years)
    measures = ["", measure_labels[0], *[""] * (width - 1), measure_labels[1], *[""] * (width - 1)]
    out: list[list[object]] = [
        ["Werkzoekenden zonder werk (WZW) en beroepsbevolking, 18-64 jaar, jaargemiddelde"],
        ["Bron: VDAB Arvastat"],
        [],
        measures,
        ["Provincie", *years, *years],
    ]
    for name, (seekers, force) in rows.items():
        out.append([name, *seekers, *force])
    return workbook_bytes({"Data": out})


def pic_bytes(
    years: Sequence[int],
    rows: Mapping[str, tuple[Sequence[object], Sequence[object]]],
    *,
    rate_label: str = PIC_RATE,
    with_other_indicator: bool = True,
) -> bytes:
    """A Provincies in Cijfers export: the title, indicator labels above the last column of
    each run of years, the years (as text), one row per municipality: rows maps a name to
    (rate per year as a fraction, WZW per year), special values as text ("-", "x"). An export
    holds the indicators a user ticked: with_other_indicator puts a third one (a copy of the
    rate under another label) between the two the warehouse reads."""
    width = len(years)
    indicators = (
        [rate_label, PIC_OTHER, PIC_COUNT] if with_other_indicator else [rate_label, PIC_COUNT]
    )
    labels: list[object] = [""]
    for label in indicators:
        labels += [label] if width == 1 else ["", *[None] * (width - 2), label]
    year_row = ["", *[str(y) for y in years] * len(indicators)]
    out: list[list[object]] = [["Werkloosheid - gemeenten"], labels, year_row]
    for name, (rates, counts) in rows.items():
        out.append([name, *rates, *(rates if with_other_indicator else []), *counts])
    out += [[], *PIC_LEGEND]
    return workbook_bytes({"Werkloosheid gemeenten": out})
