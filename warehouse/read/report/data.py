"""What the report shows, read from a published warehouse file (read-only) in one go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from warehouse.meta import read as meta_read

REFERENCE_REGION = "BE2"  # the Flemish Region
MARTS = (
    "article_table_1_key_figures",
    "article_table_2_employment_by_sector",
    "article_table_3_manufacturing_subsectors",
    "article_figure_1_employment_vs_salk",
    "article_figure_2_labour_market_rates",
    "article_figure_3_manufacturing_share_by_province",
    "dim_region",
)

Row = dict[str, Any]


class ReportDataError(ValueError):
    """The warehouse file cannot feed the report (missing mart, unknown region)."""


@dataclass
class ReportData:
    db_file: Path
    region_code: str
    regions: dict[str, Row]  # region_code -> dim_region row, the provinces and BE2
    table_1: list[Row]
    table_2: list[Row]
    table_3: list[Row]
    figure_1: list[Row]
    figure_2: list[Row]  # the focus region's rows and BE2's
    figure_3: list[Row]  # every province and BE2
    vintages: list[Row]
    run: Row | None
    publishers: dict[str, Row] = field(default_factory=dict)  # source_id -> catalog entry

    def region_name(self, code: str, lang: str) -> str:
        return str(self.regions[code][f"name_{lang}"])


def read_report_data(db_file: Path, region_code: str) -> ReportData:
    db_file = Path(db_file)
    if not db_file.is_file():
        raise ReportDataError(f"no warehouse file at {db_file} (run `limwh refresh`)")
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        present = {r[0] for r in _rows_raw(con, _TABLES_SQL, ["marts"])}
        missing = [m for m in MARTS if m not in present]
        if missing:
            raise ReportDataError(
                f"{db_file}: the report needs marts.{', marts.'.join(missing)}, "
                "which this file lacks (built by an older version? run `limwh refresh --force`)"
            )
        regions = {
            r["region_code"]: r
            for r in _rows(
                con,
                "SELECT * FROM marts.dim_region WHERE is_flemish_province OR region_code = ? "
                "ORDER BY sort_order",
                [REFERENCE_REGION],
            )
        }
        provinces = [c for c, r in regions.items() if r["is_flemish_province"]]
        if region_code not in provinces:
            raise ReportDataError(
                f"region {region_code!r} is not a Flemish province; choose one of "
                + ", ".join(f"{c} ({regions[c]['name_nl']})" for c in provinces)
            )
        focus = [region_code]
        focus_and_flanders = [region_code, REFERENCE_REGION]
        data = ReportData(
            db_file=db_file,
            region_code=region_code,
            regions=regions,
            table_1=_mart(con, "article_table_1_key_figures", focus),
            table_2=_mart(con, "article_table_2_employment_by_sector", focus),
            table_3=_mart(con, "article_table_3_manufacturing_subsectors", focus),
            figure_1=_mart(con, "article_figure_1_employment_vs_salk", focus),
            figure_2=_mart(con, "article_figure_2_labour_market_rates", focus_and_flanders),
            figure_3=_mart(con, "article_figure_3_manufacturing_share_by_province", list(regions)),
            vintages=_vintages(con),
            run=meta_read.last_run_of(con),
        )
    finally:
        con.close()
    for name in ("table_1", "table_2", "table_3", "figure_1", "figure_2", "figure_3"):
        if not getattr(data, name):
            raise ReportDataError(f"{db_file}: no rows for {region_code} behind {name}")
    data.publishers = _catalog_entries()
    return data


_TABLES_SQL = (
    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
    "AND schema_name = ?"
)


def _mart(con: duckdb.DuckDBPyConnection, mart: str, regions: list[str]) -> list[Row]:
    order = "year, " if mart.startswith("article_figure") else ""
    return _rows(
        con,
        f'SELECT * FROM marts."{mart}" WHERE list_contains(?, region_code) '
        f"ORDER BY region_code, {order}row_order",
        [regions],
    )


def _vintages(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every source version this build loaded; without meta.source_vintages, raw.source_files."""
    versions = meta_read.loaded_source_versions(con)
    if versions is not None:
        return versions
    return _rows(
        con,
        "SELECT source_id, CAST(max(retrieved_at) AS DATE) AS vintage, "
        "max(retrieved_at) AS retrieved_at, any_value(licence) AS licence, "
        "any_value(attribution) AS attribution, count(*) AS files, min(sha256) AS sha256, "
        "true AS is_current, "
        "false AS is_stale, NULL AS fault FROM raw.source_files GROUP BY source_id "
        "ORDER BY source_id",
    )


def _catalog_entries() -> dict[str, Row]:
    from extract.catalog import load_catalog

    return {
        d.id: {"publisher": d.publisher, "title": d.title, "dataset_id": d.dataset_id}
        for d in load_catalog().datasets
    }


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[Row]:
    cur = con.cursor()
    try:
        cur.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        cur.close()


def _rows_raw(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[tuple]:
    cur = con.cursor()
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()
