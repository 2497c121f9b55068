"""RSZ's decentralised-statistics workbook as published (localunit-val-nl-YYYYQ.xlsx): sheets
tabelN, six title rows, the header in row 7, provinces in column A and their arrondissements
in column B, sectors as columns. Fixture: tests/fixtures (layout evidence in its README)."""

from __future__ import annotations

import dataclasses

import pytest

from extract.errors import SourceFormatError
from extract.formats.rsz_xlsx import parse_rsz_establishments, period_of
from extract.snapshot import load_manifest
from tests.fixtures.publishers import RSZ_LIMBURG, rsz_file, rsz_workbook
from tools.publisher_layouts.containers import workbook_bytes
from tools.publisher_layouts.rsz import RszRow, RszWorkbook, rsz_workbook_bytes

HTML = b"<!DOCTYPE html><html><head><title>Login</title></head><body>no</body></html>"


def _records(data: bytes, name: str) -> list[dict]:
    return parse_rsz_establishments(data, source_id="rsz", filename=name).records()


def _error(data: bytes, name: str) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        parse_rsz_establishments(data, source_id="rsz", filename=name)
    assert "'rsz'" in str(info.value) and name in str(info.value)
    return info.value


def test_the_establishments_sheet_is_read_by_province_and_arrondissement() -> None:
    name, data = rsz_file(2024)
    rows = _records(data, name)
    limburg = {r["nace_section"]: r["establishments"] for r in rows if r["nis_code"] == "70000"}
    # tabel1 counts jobs (nine times more here): the parser picks tabel2 by its title.
    assert limburg == {**RSZ_LIMBURG, "TOTAL": sum(RSZ_LIMBURG.values())}
    hasselt = [r for r in rows if r["region_name"] == "Hasselt"]
    assert {(r["geo_level"], r["province_name"], r["nis_code"]) for r in hasselt} == {
        ("arrondissement", "Limburg", None)
    }
    region = {r["nace_section"]: r["establishments"] for r in rows if r["nis_code"] == "02000"}
    assert region["TOTAL"] == 77000
    assert {(r["year"], r["quarter"]) for r in rows} == {(2024, 4)}


@pytest.mark.parametrize(
    ("name", "title", "period"),
    [
        ("localunit-val-nl-20244.xlsx", "", (2024, 4)),
        ("localunit-val-fr-2021-4.xlsx", "", (2021, 4)),
        ("rsz.xlsx", "RSZ - Gedecentraliseerde statistiek - 2de kwartaal 2019", (2019, 2)),
        ("rsz.xlsx", "Toestand op 31 december 2018", (2018, 4)),
        ("rsz.xlsx", "Gedecentraliseerde statistiek", None),
    ],
)
def test_the_period_comes_from_the_name_else_the_title(name, title, period) -> None:
    assert period_of(name, title) == period


def test_a_workbook_with_another_name_takes_the_period_from_its_title() -> None:
    _, data = rsz_file(2019)
    rows = _records(data, "download (3).xlsx")
    assert {(r["year"], r["quarter"]) for r in rows} == {(2019, 4)}


def test_a_moved_header_row_is_named() -> None:
    _, data = rsz_file(2024, header_row=9)
    error = _error(data, "localunit-val-nl-20244.xlsx")
    assert "row 7 is not the header" in error.problem and "row 9" in error.problem


def test_a_renamed_sector_column_is_named() -> None:
    book = dataclasses.replace(rsz_workbook(2024), relabel={"F": "Bouw en renovatie"})
    error = _error(rsz_workbook_bytes(book), book.file_name())
    assert "'Bouw en renovatie'" in error.problem and "neither a NACE section" in error.problem
    assert error.location.endswith("row 7")


def test_an_unknown_province_is_named() -> None:
    book = RszWorkbook(2024, 4, [RszRow("Limburgia", {"C": 1}, 1)], sections=["C"])
    error = _error(rsz_workbook_bytes(book), book.file_name())
    assert "Limburgia" in error.problem and "not a Belgian province" in error.problem


def test_an_html_page_and_a_workbook_without_establishments_are_refused() -> None:
    assert "HTML" in _error(HTML, "localunit-val-nl-20244.xlsx").problem
    jobs_only = workbook_bytes({"tabel1": [["Aantal arbeidsplaatsen"], [], [], [], [], [], []]})
    assert "vestigingseenheden" in _error(jobs_only, "localunit-val-nl-20244.xlsx").problem


def test_the_embedded_workbooks_read_in_the_same_layout() -> None:
    snapshot = load_manifest()
    entries = snapshot.entries("rsz_establishments")
    assert len(entries) == 17  # one workbook per year, 2008-2024, fourth quarter
    entry = next(e for e in entries if e.published_name == "localunit-val-nl-20134.xlsx")
    rows = _records(snapshot.read_bytes(entry), entry.published_name)
    limburg = {r["nace_section"]: r["establishments"] for r in rows if r["nis_code"] == "70000"}
    assert (limburg["TOTAL"], limburg["C"]) == (20700, 1698)  # the article's Table 1
