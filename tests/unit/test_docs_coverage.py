"""Every dbt model, seed, source and column is described; the checker finds what is not.

The project is parsed once (`dbt parse` in-process, about 7 s); the checks read its manifest,
in which docs blocks are already rendered. The columns each table really has are compared in
tests/e2e/test_docs_site.py, against the published warehouse.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from warehouse.read.docs_coverage import (
    Gap,
    catalog_datasets,
    column_mismatches,
    counts,
    missing_descriptions,
    parse_project,
    source_catalog_mismatches,
)
from warehouse.read.report.data import MARTS

PROJECT = "limburg_warehouse"
# The marts `limwh report` reads.
REPORT_MARTS = set(MARTS)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return parse_project(tmp_path_factory.mktemp("dbt_parse"))


def _model(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return manifest["nodes"][f"model.{PROJECT}.{name}"]


def _marts(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("contract", {}).get("enforced")
    }


def test_every_model_seed_source_and_column_is_described(manifest):
    gaps = missing_descriptions(manifest)
    assert gaps == [], "undocumented:\n" + "\n".join(str(g) for g in gaps)
    seen = counts(manifest)
    # The marts contract (DESIGN.md) and the report's marts are all there, with their columns.
    assert set(_marts(manifest)) >= REPORT_MARTS
    assert seen["marts"] >= 17 and seen["model columns"] >= 400, seen


def test_every_mart_says_where_its_values_come_from_and_that_they_may_be_modelled(manifest):
    for name, node in _marts(manifest).items():
        text = node["description"]
        assert "modelled" in text, f"mart {name}: its description does not mention modelled values"
        assert "Source" in text or "seed" in text, f"mart {name}: no source in its description"
    fact = _model(manifest, "fct_indicator_values")
    for publisher_attribution in (
        "Source: NBB.Stat",
        "Source: Statbel",
        "Source: RSZ/ONSS (own processing)",
        "Source: VDAB",
        "Source: Eurostat",
    ):
        assert publisher_attribution in fact["description"]
    # Each provenance block renders as a paragraph of its own, not run into the text before it.
    assert "\n\n**Sources:**" in fact["description"]
    # Each source's own intermediate model names its source and the catalog's licence.
    vat = _model(manifest, "int_vat_enterprises__indicator_values")["description"]
    assert vat.count("\n\n**Source:**") == 1, vat
    assert vat.count("\n\n**Publisher:** Statbel") == 2, vat
    assert "**Licence:** CC BY 4.0" in vat
    status = fact["columns"]["obs_status"]["description"]
    assert "not an official statistic" in status and "weakest status" in status


def test_shared_definitions_come_from_docs_blocks(manifest):
    """obs_status, region_code and sector_code read the same wherever a docs block is used."""
    docs = {d["name"]: d["block_contents"] for d in manifest["docs"].values()}
    for block in ("col_obs_status", "col_region_code", "col_sector_code", "col_unit"):
        assert block in docs, f"docs block {block} missing"
    users = [
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model"
        and n["columns"].get("region_code", {}).get("description") == docs["col_region_code"]
    ]
    assert len(users) >= 5, users


def test_sources_carry_the_catalogs_publisher_and_licence(manifest):
    datasets = catalog_datasets()
    assert source_catalog_mismatches(manifest, datasets) == []
    raw_tables = {d["raw_table"] for d in datasets}
    with_meta = [s for s in manifest["sources"].values() if s["name"] in raw_tables]
    assert len(with_meta) == 8, [s["name"] for s in with_meta]
    rsz = next(s for s in with_meta if s["name"] == "rsz_establishments")
    assert rsz["meta"]["licence"].endswith("processed figures as own processing")


def test_exposures_name_the_report_and_the_exports(manifest):
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"article_report", "bi_exports"}
    report, exports = exposures["article_report"], exposures["bi_exports"]
    assert report["type"] in ("dashboard", "analysis") and exports["type"] == "application"
    assert report["owner"]["name"] and report["owner"]["email"]

    def refs(exposure):
        return {uid.rsplit(".", 1)[-1] for uid in exposure["depends_on"]["nodes"]}

    assert refs(report) == REPORT_MARTS
    assert refs(exports) == set(_marts(manifest)), "the exports write every mart"


def test_a_removed_description_is_reported_with_model_and_column(manifest):
    broken = copy.deepcopy(manifest)
    _model(broken, "article_table_2_employment_by_sector")["columns"]["change_pct"][
        "description"
    ] = "  "
    _model(broken, "dim_sector")["description"] = ""
    gaps = missing_descriptions(broken)
    assert gaps == [
        Gap("model article_table_2_employment_by_sector", "change_pct", "no description"),
        Gap("model dim_sector", None, "no description"),
    ]
    assert str(gaps[0]) == (
        "model article_table_2_employment_by_sector, column change_pct: no description"
    )


def test_a_mart_column_without_its_contract_type_is_reported(manifest):
    broken = copy.deepcopy(manifest)
    _model(broken, "fct_gap_to_region")["columns"]["gap_pct"]["data_type"] = None
    assert missing_descriptions(broken) == [
        Gap("model fct_gap_to_region", "gap_pct", "no data_type in the mart's contract")
    ]


def test_undocumented_and_phantom_columns_are_reported(manifest):
    actual = {
        (n["schema"], n["alias"]): list(n["columns"])
        for n in manifest["nodes"].values()
        if n["resource_type"] in ("model", "seed")
    }
    assert column_mismatches(manifest, actual) == []

    broken = copy.deepcopy(manifest)
    del _model(broken, "stg_vdab__job_seekers")["columns"]["labour_force"]
    actual[("marts", "fct_indicator_values")].remove("vintage")
    del actual[("intermediate", "int_vat_enterprises__indicator_values")]
    assert column_mismatches(broken, actual) == [
        Gap(
            "model fct_indicator_values",
            "vintage",
            "documented in its YAML but not in the table",
        ),
        Gap("model int_vat_enterprises__indicator_values", None, "no table intermediate."
            "int_vat_enterprises__indicator_values in the database"),
        Gap("model stg_vdab__job_seekers", "labour_force", "in the table but not documented "
            "in its YAML"),
    ]  # fmt: skip


def test_a_source_licence_that_disagrees_with_the_catalog_is_reported(manifest):
    broken = copy.deepcopy(manifest)
    source = next(s for s in broken["sources"].values() if s["name"] == "rsz_establishments")
    source["meta"]["licence"] = "RSZ/ONSS statistics - reuse with a clear mention of the source"
    gaps = source_catalog_mismatches(broken, catalog_datasets())
    assert len(gaps) == 1 and gaps[0].resource == "source rsz.rsz_establishments"
    assert "meta.licence" in gaps[0].problem and "own processing" in gaps[0].problem


def test_parse_failure_names_the_project(tmp_path: Path):
    from warehouse.read.docs_coverage import DocsCoverageError

    project = tmp_path / "proj"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: [unclosed\n")
    with pytest.raises(DocsCoverageError, match=r"dbt parse of .*proj failed"):
        parse_project(tmp_path / "target", project)
