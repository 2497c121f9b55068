"""Statbel's files as published: TF_VAT_NACE_EMPL in its minimal and complete layouts (ZIP of
TXT, or a workbook), and a be.STAT view result (JSON or CSV). Fixtures: tests/fixtures (where
each layout is shown publicly: tests/fixtures/README.md). Broken inputs fail with an error
that names the source, the file and the problem."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest

from extract.errors import SourceFormatError
from extract.formats.bestat import parse_bestat_vat_starters
from extract.formats.statbel_txt_zip import parse_statbel_vat_zip, year_in_name
from extract.snapshot import load_manifest
from tests.fixtures.publishers import (
    FIXTURE_CELL,
    bestat_starters,
    statbel_file,
    statbel_province_totals,
    statbel_rows,
)
from tools.publisher_layouts.containers import zip_bytes
from tools.publisher_layouts.statbel import (
    COMPLETE_COLUMNS,
    MINIMAL_COLUMNS,
    VatCell,
    bestat_csv,
    bestat_json,
    complete_rows,
    minimal_rows,
    vat_xlsx,
    vat_zip,
)

HTML = b"<!DOCTYPE html><html><head><title>Access denied</title></head><body>no</body></html>"
CELLS = [VatCell(71000, "00", "29100", 10, 1, 0), VatCell(24000, "01", "4120X", 5)]


def _error(parse, data: bytes, filename: str) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        parse(data, source_id="src", filename=filename)
    assert "'src'" in str(info.value) and filename in str(info.value)
    return info.value


def _parse(data: bytes, filename: str):
    return parse_statbel_vat_zip(data, source_id="src", filename=filename)


def _records(data: bytes, filename: str) -> list[dict]:
    return _parse(data, filename).records()


# --- TF_VAT_NACE_EMPL -----------------------------------------------------------------------


def test_minimal_layout_reads_districts_and_nace_bel_codes() -> None:
    data = vat_zip("TF_VAT_NACE_EMPL_2015.txt", minimal_rows(CELLS))
    rows = _records(data, "TF_VAT_NACE_EMPL_2015.zip")
    assert rows[0] == {
        "cd_year": 2015,  # from the file's name: the layout has no year column
        "cd_refnis": 71000,
        "refnis_level": "district",
        "cd_nace": "29100",
        "cd_nis_stat_unt_cls": "00",
        "ms_num_vat": 10,
        "ms_num_vat_start": 1,
        "ms_num_vat_stop": 0,
        "layout": "minimal",
    }
    assert rows[1]["cd_nace"] == "4120X" and rows[1]["ms_num_vat_start"] is None


def test_complete_layout_takes_the_district_of_its_two_geography_columns() -> None:
    rows = complete_rows(CELLS)
    assert len(rows[0]) == 35 and {"CD_ADM_DSTR_REFNIS", "CD_PROV_REFNIS"} <= set(rows[0])
    parsed = _records(vat_zip("TF_VAT_NACE_EMPL_2023.txt", rows), "TF_VAT_NACE_EMPL_2023.zip")
    assert [(r["cd_refnis"], r["refnis_level"], r["layout"]) for r in parsed] == [
        (71000, "district", "complete"),
        (24000, "district", "complete"),
    ]


def test_the_workbook_variant_reads_like_the_txt() -> None:
    rows = complete_rows(CELLS)
    as_txt = _records(vat_zip("TF_VAT_NACE_EMPL_2023.txt", rows), "TF_VAT_NACE_EMPL_2023.zip")
    as_xlsx = _records(vat_xlsx("TF_VAT_NACE_EMPL_2023", rows), "TF_VAT_NACE_EMPL_2023.xlsx")
    assert as_xlsx == as_txt
    # A ZIP that holds the workbook (some years) reads the same.
    inner = vat_xlsx("TF_VAT_NACE_EMPL_2023", rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("TF_VAT_NACE_EMPL_2023.xlsx", inner)
    assert _records(buffer.getvalue(), "TF_VAT_NACE_EMPL_2023.zip") == as_txt


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("TF_VAT_NACE_EMPL_2015.zip", 2015),
        ("TF_VAT_NACE_EMPL_SQ_2015.zip", 2015),
        ("VF_VAT_NACE_EMPL_2019.zip", 2019),
        ("TF_VAT_NACE_EMPL_2023.xlsx", 2023),
        ("ab/abcdef2019.zip", 2019),
        ("no-year.zip", None),
    ],
)
def test_the_year_comes_from_the_name(name: str, year: int | None) -> None:
    assert year_in_name(name) == year


def test_a_file_without_a_year_in_its_name_is_refused() -> None:
    data = vat_zip("data.txt", minimal_rows(CELLS))
    assert "no year" in _error(parse_statbel_vat_zip, data, "download.zip").problem


def test_every_fixture_year_adds_up_to_the_published_province_figures() -> None:
    """The fixtures spread the real province figures over districts and NACE-BEL codes: what
    the parser reads sums back to them (C = food + motor vehicles), per layout and name."""
    for year in (2013, 2015, 2019, 2023):
        name, data = statbel_file(year)
        parsed = _parse(data, name)
        by_district = Counter()
        for r in parsed.records():
            by_district[r["cd_refnis"]] += r["ms_num_vat"]
        published = statbel_province_totals(year)
        assert by_district[71000] == published[(70000, "ALL")], year
        assert by_district[23000] == published[(20001, "ALL")], year
    name, data = statbel_file(2024)
    limburg = sum(r["ms_num_vat"] for r in _parse(data, name).records() if r["cd_refnis"] == 71000)
    assert limburg == statbel_province_totals(2024)[(70000, "ALL")] + FIXTURE_CELL.vat


@pytest.mark.parametrize(
    ("layout", "old", "new"),
    [
        ("minimal", "MS_NUM_VAT", "MS_NUM_VAT_ENT"),
        ("minimal", "CD_REFNIS", "CD_REFNIS_DSTR"),
        ("complete", "CD_NACE", "CD_NACE_BEL"),
        ("complete", "CD_NIS_STAT_UNT_CLS", "CD_CLS"),
    ],
)
def test_a_renamed_column_is_named(layout: str, old: str, new: str) -> None:
    rows = statbel_rows(2015, layout)
    rows[0] = [new if c == old else c for c in rows[0]]
    error = _error(parse_statbel_vat_zip, vat_zip("TF_VAT_NACE_EMPL_2015.txt", rows), "f_2015.zip")
    assert old in error.problem or "geography" in error.problem
    assert error.location.endswith("line 1")


def test_a_complete_file_without_its_district_column_reads_provinces_only() -> None:
    """Renaming CD_ADM_DSTR_REFNIS leaves CD_PROV_REFNIS: the file is read at province level,
    which the intermediate model maps; the layout column says which it was."""
    rows = complete_rows(CELLS)
    rows[0] = ["CD_DSTR" if c == "CD_ADM_DSTR_REFNIS" else c for c in rows[0]]
    parsed = _records(vat_zip("TF_VAT_NACE_EMPL_2023.txt", rows), "TF_VAT_NACE_EMPL_2023.zip")
    assert {(r["refnis_level"], r["layout"]) for r in parsed} == {("province", "province")}
    assert {r["cd_refnis"] for r in parsed} == {70000, 20001}


def test_a_truncated_last_line_is_named() -> None:
    text = "\r\n".join("|".join(r) for r in minimal_rows(CELLS))
    data = zip_bytes({"TF_VAT_NACE_EMPL_2015.txt": text.rsplit("|", 2)[0].encode()})
    assert "may be truncated" in _error(parse_statbel_vat_zip, data, "x_2015.zip").problem


def test_an_html_page_and_a_broken_archive_are_refused() -> None:
    assert "HTML" in _error(parse_statbel_vat_zip, HTML, "TF_VAT_NACE_EMPL_2015.zip").problem
    data = vat_zip("TF_VAT_NACE_EMPL_2015.txt", minimal_rows(CELLS))
    _error(parse_statbel_vat_zip, data[: len(data) // 2], "TF_VAT_NACE_EMPL_2015.zip")


def test_a_non_numeric_count_is_named() -> None:
    rows = minimal_rows(CELLS)
    rows[1][MINIMAL_COLUMNS.index("MS_NUM_VAT")] = "n.b."
    error = _error(parse_statbel_vat_zip, vat_zip("T_2015.txt", rows), "T_2015.zip")
    assert "MS_NUM_VAT" in error.problem and error.location == "T_2015.txt line 2"


def test_the_embedded_province_file_reads_the_published_figures() -> None:
    snapshot = load_manifest()
    (entry,) = [e for e in snapshot.entries("statbel_vat_enterprises") if "2013" in e.path]
    parsed = _parse(snapshot.read_bytes(entry), entry.published_name)
    limburg_all = sum(
        r["ms_num_vat"]
        for r in parsed.records()
        if r["cd_refnis"] == 70000 and r["cd_nace"] == "ALL"
    )
    assert limburg_all == 64070  # the article's Table 1, to the unit
    assert {r["layout"] for r in parsed.records()} == {"province"}
    assert len(COMPLETE_COLUMNS) == 35


# --- be.STAT view results -------------------------------------------------------------------

FACTS = [
    {"Jaar": "2023", "Provincie": "Provincie Limburg", "Sectie": "C Industrie",
     "Aantal oprichtingen": 412},
    {"Jaar": "2023", "Provincie": "Provincie Limburg", "Sectie": None, "Aantal oprichtingen": 8000},
    {"Jaar": 2023, "Provincie": None, "Sectie": "Onbekende economische activiteit",
     "Aantal oprichtingen": 3},
]  # fmt: skip


def _starters(data: bytes, filename: str = "view.json") -> list[dict]:
    return parse_bestat_vat_starters(data, source_id="src", filename=filename).records()


def test_bestat_json_maps_labels_to_codes() -> None:
    rows = _starters(bestat_json(FACTS))
    assert [
        (r["cd_refnis"], r["refnis_level"], r["cd_nace"], r["ms_num_vat_start"]) for r in rows
    ] == [
        (70000, "province", "C", 412),
        (70000, "province", "ALL", 8000),  # a null Sectie is all activities
        (1000, "country", "X", 3),  # a null Provincie is all of Belgium
    ]
    assert all(r["ms_num_vat_stop"] is None for r in rows)  # stoppers are another view


def test_bestat_csv_reads_like_the_json() -> None:
    assert _starters(bestat_csv(FACTS), "view.csv") == _starters(bestat_json(FACTS))


def test_bestat_stoppers_view_fills_the_other_measure() -> None:
    facts = [{"Jaar": "2023", "Gewest": "Vlaams Gewest", "Sectie": None, "Aantal schrappingen": 9}]
    (row,) = _starters(bestat_json(facts))
    assert (row["cd_refnis"], row["refnis_level"], row["ms_num_vat_stop"]) == (2000, "region", 9)
    assert row["ms_num_vat_start"] is None


@pytest.mark.parametrize(
    ("fact", "problem"),
    [
        ({"Provincie": "Provincie Atlantis"}, "not a Belgian region or province"),
        ({"Sectie": "Industrie"}, "does not start with a NACE section letter"),
        ({"Aantal oprichtingen": "veel"}, "is not a whole number"),
    ],
)
def test_bestat_bad_cells_are_named(fact: dict, problem: str) -> None:
    facts = [dict(FACTS[0], **fact)]
    error = _error(parse_bestat_vat_starters, bestat_json(facts), "view.json")
    assert problem in error.problem and error.location == "facts[0]"


def test_bestat_a_renamed_measure_is_named() -> None:
    facts = [{("Aantal" if k.startswith("Aantal") else k): v for k, v in f.items()} for f in FACTS]
    error = _error(parse_bestat_vat_starters, bestat_json(facts), "view.json")
    assert "Aantal oprichtingen" in error.problem and "Jaar" in error.problem


def test_bestat_refuses_html_and_json_without_facts() -> None:
    assert "HTML" in _error(parse_bestat_vat_starters, HTML, "view.json").problem
    problem = _error(parse_bestat_vat_starters, b'{"error": "view not found"}', "v.json").problem
    assert "facts" in problem


def test_the_starters_fixture_and_snapshot_carry_the_published_growth() -> None:
    """Limburg's starters grow 9.2% a year over 2013-2018 (the article), in the fixture the
    fake publisher serves and in the embedded snapshot alike."""
    snapshot = load_manifest()
    (entry,) = snapshot.entries("statbel_vat_starters")
    for data in (bestat_starters(), snapshot.read_bytes(entry)):
        total = {
            r["cd_year"]: r["ms_num_vat_start"]
            for r in _starters(data)
            if r["cd_refnis"] == 70000 and r["cd_nace"] == "ALL"
        }
        cagr = 100 * ((total[2018] / total[2013]) ** (1 / 5) - 1)
        assert round(cagr, 1) == 9.2
