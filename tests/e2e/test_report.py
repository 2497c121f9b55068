"""`limwh report` on the session's published warehouse: the tables show the marts' values with
their status, the sources and vintages are listed, and a failed report keeps the last one."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.e2e.conftest import Refresh
from warehouse.config import DataPaths
from warehouse.read.report.labels import fmt_number

pytestmark = pytest.mark.e2e


class Tables(HTMLParser):
    """Every <table id=...> as rows of (text, data-status) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._status: str | None = None
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id")
            self.tables[self._table or ""] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag == "td" and self._table is not None:
            self._cell, self._status = [], a.get("data-status")
        elif tag == "abbr":
            self._in_mark = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(("".join(self._cell), self._status))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "abbr":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._in_mark:
            self._cell.append(data)


def parse(page: Path) -> dict[str, list[list[tuple[str, str | None]]]]:
    parser = Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return {k: [r for r in rows if r] for k, rows in parser.tables.items()}


def mart_rows(db: Path, sql: str, params: list) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path) -> Path:
    assert good_run.returncode == 0, good_run.describe()
    return DataPaths(data_dir).published


@pytest.mark.parametrize(("region", "lang"), [("BE22", "nl"), ("BE24", "en")])
def test_table_2_shows_the_mart_with_each_status(
    published: Path, data_dir: Path, tmp_path: Path, region: str, lang: str
) -> None:
    out = tmp_path / "report"
    args = ["report", "--data-dir", str(data_dir), "--region", region, "--lang", lang]
    assert main([*args, "--out", str(out), "--no-png"]) == 0
    shown = parse(out / "index.html")["table-2"]
    rows = mart_rows(
        published,
        "SELECT * FROM marts.article_table_2_employment_by_sector WHERE region_code = ? "
        "ORDER BY row_order",
        [region],
    )
    assert len(shown) == len(rows) == 19
    for cells, row in zip(shown, rows, strict=True):
        assert cells[0][0] == row[f"label_{lang}"]
        assert cells[2] == (fmt_number(row["employees_end"], 0, lang), row["employees_end_status"])
        assert cells[4] == (
            fmt_number(row["change_pct"], 1, lang, signed=True),
            row["change_status"],
        )


def test_limburg_report_reproduces_the_articles_key_figures(published: Path) -> None:
    page = published.parent / "report" / "BE22_nl" / "index.html"
    tables = parse(page)
    by_label = {cells[0][0]: cells for cells in tables["table-1"]}
    # Article, Table 1: employees 2013-2023 +10.7% (Flanders +12.3%), VAT-liable
    # enterprises +44.6% (official Statbel figures), productivity gap -10.6% -> -14.3%.
    assert by_label["Werknemers"][5] == ("+29.529 (+10,7%)", "modelled")
    assert by_label["Werknemers"][6] == ("+12,3%", "modelled")
    assert by_label["Btw-plichtige ondernemingen"][5] == ("+28.602 (+44,6%)", "official")
    assert by_label["Toegevoegde waarde per gewerkt uur"][7] == ("−10,6% → −14,3%", "modelled")
    assert len(tables["table-1"]) == 13
    assert len(tables["table-3"]) == 10


def test_every_modelled_value_is_marked(published: Path) -> None:
    page = published.parent / "report" / "BE22_nl" / "index.html"
    html = page.read_text(encoding="utf-8")
    modelled_cells = html.count('data-status="modelled"')
    marks = html.count('<abbr class="mark" title="gemodelleerd">M</abbr>')
    assert modelled_cells > 100
    assert marks == modelled_cells
    assert 'id="status-banner"' in html and "gemodelleerd (M)" in html


def test_the_refresh_says_how_many_report_values_are_real(
    published: Path, good_run: Refresh
) -> None:
    """`make run` prints how many of the Limburg report's values are real and how many
    modelled: the tables' cells and the figures' points, each counted once."""
    import re

    from warehouse.read.report.charts import figure_specs
    from warehouse.read.report.data import read_report_data

    line = re.search(
        r"report values: (\d+) real \((.*?)\), (\d+) modelled, of (\d+) values", good_run.stdout
    )
    assert line, good_run.stdout
    real, detail, modelled, total = line.groups()
    assert int(real) + int(modelled) == int(total)
    assert int(real) == sum(int(n) for n in re.findall(r"(\d+) \w+", detail))
    page = (published.parent / "report" / "BE22_nl" / "index.html").read_text(encoding="utf-8")
    cells = len(re.findall(r'data-status="\w+"', page))
    specs = figure_specs(read_report_data(published, "BE22"), "nl")
    points = sum(
        1
        for spec in specs.values()
        for rows in spec["datasets"].values()
        for row in rows
        if row.get("value") is not None
    )
    assert int(total) == cells + points
    assert int(modelled) > 0  # the embedded snapshot models the NBB series


def test_figure_2_credits_the_labour_force_survey(published: Path) -> None:
    """The article credits Statbel's Labour Force Survey for the employment rate, whichever
    publisher served the figures (Eurostat here)."""
    page = published.parent / "report" / "BE22_nl" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "Source: Eurostat (werkzaamheidsgraad: Enqu" in html
    assert "arbeidskrachten, Statbel)" in html


def test_sources_and_vintages_are_listed(published: Path) -> None:
    page = published.parent / "report" / "BE22_nl" / "index.html"
    sources = parse(page)["sources"]
    vintages = mart_rows(
        published,
        "SELECT DISTINCT source_id, vintage, attribution FROM meta.source_vintages WHERE loaded",
        [],
    )
    listed = {(cells[1][0].rsplit("(", 1)[1].rstrip(")"), cells[2][0]) for cells in sources}
    assert listed == {(v["source_id"], str(v["vintage"])) for v in vintages}
    attributions = {cells[5][0] for cells in sources}
    assert {"Source: NBB.Stat", "Source: Statbel", "Source: Eurostat"} <= attributions


def test_a_failed_report_keeps_the_previous_one(
    published: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    args = ["report", "--data-dir", str(data_dir), "--out", str(out)]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == [
        ".limwh-report",  # marks the folder as a report's own, so a later --out may replace it
        "figure_1.png",
        "figure_2.png",
        "figure_3.png",
        "index.html",
    ]

    import vl_convert

    def broken(*_args, **_kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(vl_convert, "vegalite_to_png", broken)
    assert main(args) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no half-written folder left


def test_report_errors_are_clear(
    published: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--data-dir", str(data_dir), "--region", "BE2"]) == 2
    assert "not a Flemish province; choose one of BE21 (Antwerpen)" in capsys.readouterr().err
    assert main(["report", "--data-dir", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert "no published warehouse at" in err and "limwh refresh" in err


def test_status_names_the_nightly_report_and_its_run(
    published: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warehouse.meta.read import published_run_id
    from warehouse.read.report import report_run_id

    page = published.parent / "report" / "BE22_nl" / "index.html"
    assert report_run_id(page) == published_run_id(published)
    assert main(["status", "--data-dir", str(data_dir)]) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("report:")]
    assert lines == [f"report:     {page}"]
