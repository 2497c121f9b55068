"""The real Provincies in Cijfers export (../shared/reference/formats/), dropped into the VDAB
inbox, is checked, stored, loaded and built: Limburg's 2015 job-seekers rate comes out at 9.3,
derived from the municipal figures, never `modelled`. Skipped without ../shared.

The export starts in 2014: a refresh on it alone would lack the article's 2012 and 2013
points, which the golden check requires, so this test builds (load and dbt) without the
checks and reads the marts of the build file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from extract.live import extract_live
from extract.live_config import LiveConfig, inbox_dir
from tests.fixtures.shared import shared_format_file
from warehouse.build.dbt_project import required_raw_tables
from warehouse.build.dbt_runner import run_dbt_build
from warehouse.config import DataPaths
from warehouse.load.stage import load_build

PIC_EXPORT = "provincies_in_cijfers_export_werkloosheid_gemeenten.xlsx"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    export = shared_format_file(PIC_EXPORT)
    data = tmp_path_factory.mktemp("vdab") / "data"
    inbox = inbox_dir(data, "vdab_job_seekers")
    inbox.mkdir(parents=True)
    shutil.copy(export, inbox / export.name)
    extracted = extract_live(
        data,
        "pic",
        required_raw_tables=required_raw_tables(),
        config=LiveConfig.from_mapping({"sources": ["vdab_job_seekers"]}),
        echo=lambda _line: None,
    )
    (result,) = [r for r in extracted.results if r.source_id == "vdab_job_seekers"]
    assert result.outcome == "new" and not result.is_fault, result.describe()
    paths = DataPaths(data)
    paths.ensure()
    build = load_build(paths, "pic", extracted, echo=lambda _line: None)
    run_dbt_build(build.path, echo=lambda _line: None)
    return build.path


def _rate(db: Path, region: str, year: int) -> tuple[float, str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT value, obs_status, source_id FROM marts.fct_indicator_values "
            "WHERE indicator_id = 'job_seekers_rate_18_64' AND region_code = ? AND year = ?",
            [region, year],
        ).fetchone()
    finally:
        con.close()


def test_limburg_2015_comes_out_at_the_articles_rate(built: Path) -> None:
    value, status, source = _rate(built, "BE22", 2015)
    assert round(value, 1) == 9.3 and status == "derived" and source == "vdab_job_seekers"


def test_the_flemish_region_and_2024_agree_with_the_article(built: Path) -> None:
    assert round(_rate(built, "BE22", 2024)[0], 1) == 6.3
    value, status, _ = _rate(built, "BE2", 2024)
    assert round(value, 1) == 6.6 and status == "derived"


def test_every_municipality_reaches_its_province(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    try:
        unmapped = con.execute(
            "SELECT DISTINCT region_name FROM staging.stg_vdab__job_seekers AS v "
            "WHERE NOT EXISTS (SELECT 1 FROM seeds.refnis_municipalities AS m "
            "WHERE m.name_nl = v.region_name) ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert [name for (name,) in unmapped] == [
        "Buiten Vlaanderen en Brussel",
        "Niet te lokaliseren",
        "Niet te lokaliseren - Brussel",
        "Niet te lokaliseren - Vlaanderen",
    ]
