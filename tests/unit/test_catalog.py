"""The dataset catalog: the real extract/catalog.yaml, and invalid catalogs' errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from extract.catalog import (
    ACCESS,
    FORMATS,
    PUBLISHERS,
    REQUIRED_FIELDS,
    Catalog,
    CatalogError,
    load_catalog,
)
from extract.paths import CATALOG_PATH, PROJECT_ROOT, SNAPSHOT_DIR

EXPECTED_IDS = {
    "nbb_regaca38",
    "nbb_regaca10",
    "statbel_vat_enterprises",
    "statbel_vat_starters",
    "statbel_lfs_employment_rate",
    "eurostat_employment_rate",
    "eurostat_gdp_per_inhabitant",
    "eurostat_employment_by_industry",
    "rsz_establishments",
    "vdab_job_seekers",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def raw_catalog() -> dict[str, Any]:
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


def write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_catalog_loads_every_dataset(catalog: Catalog) -> None:
    assert {d.id for d in catalog} == EXPECTED_IDS
    assert len(catalog) == len(EXPECTED_IDS)


def test_every_publisher_is_present(catalog: Catalog) -> None:
    assert set(catalog.publishers()) == set(PUBLISHERS)
    for publisher in PUBLISHERS:
        assert catalog.by_publisher(publisher), publisher


def test_every_field_is_filled(catalog: Catalog) -> None:
    for dataset in catalog:
        for name in REQUIRED_FIELDS:
            value = getattr(dataset, name)
            if name == "snapshot":
                assert value is None or isinstance(value, str)
            else:
                assert value, f"{dataset.id}.{name} is empty"
        assert dataset.format in FORMATS
        assert dataset.access in ACCESS
        assert dataset.url_template.startswith("https://")


def test_attribution_per_publisher(catalog: Catalog) -> None:
    for dataset in catalog:
        expected = {
            "NBB": "Source: NBB.Stat",
            "Statbel": "Source: Statbel",
            "Eurostat": "Source: Eurostat",
            "VDAB": "Source: VDAB",
            "RSZ": "RSZ/ONSS",
        }[dataset.publisher]
        assert expected in dataset.attribution, dataset.id
    for dataset in catalog.by_publisher("Statbel"):
        assert dataset.licence == "CC BY 4.0"
    for dataset in catalog.by_publisher("Eurostat"):
        assert "CC BY 4.0" in dataset.licence


def test_nbb_regaca38_entry(catalog: Catalog) -> None:
    nbb = catalog.get("nbb_regaca38")
    assert nbb.dataset_id == "BE2,DF_REGACA38,1.0"
    assert nbb.format == "sdmx-json-2.0"
    assert nbb.access == "api"
    assert nbb.raw_table == "nbb_regaca38"
    assert nbb.dimensions == ("FREQ", "ITEM", "NUTS", "BRANCH", "UNIT", "SECTOR")
    assert nbb.snapshot == "nbb/BE2_DF_REGACA38_1.0.json"
    assert nbb.url().startswith(
        "https://nsidisseminate-stat.nbb.be/rest/data/BE2,DF_REGACA38,1.0/"
        "A.EMPLOY+HRWEMP+HRWTOT+B1G000+B1QCAP+POPULA.000+200+210+220+230+240+250.TOT+C+"
    )
    assert nbb.url().endswith(
        ".NP+AB+CU+EU.S1+_Z?startPeriod=2003&endPeriod=2023&dimensionAtObservation=TIME_PERIOD"
    )
    # One key part per dimension.
    assert len(nbb.parameters["key"].split(".")) == len(nbb.dimensions)
    assert "endPeriod=2024" in nbb.url(end_period="2024")


def test_access_modes(catalog: Catalog) -> None:
    access = {d.id: d.access for d in catalog}
    assert access["eurostat_employment_rate"] == "api"
    assert access["statbel_vat_enterprises"] == "file"
    assert access["rsz_establishments"] == "manual"
    assert access["vdab_job_seekers"] == "manual"
    assert access["statbel_vat_starters"] == "api"  # be.STAT's view API


def test_url_with_missing_placeholder_is_an_error(catalog: Catalog) -> None:
    vat = catalog.get("statbel_vat_enterprises")
    with pytest.raises(CatalogError, match=r"statbel_vat_enterprises.*year"):
        vat.url()
    assert vat.url(year="2023").endswith("TF_VAT_NACE_EMPL_2023.zip")


def test_snapshot_section(catalog: Catalog) -> None:
    assert catalog.snapshot.manifest == "extract/snapshot/manifest.json"
    assert catalog.snapshot.manifest_path == SNAPSHOT_DIR / "manifest.json"


def test_unknown_dataset_is_named(catalog: Catalog) -> None:
    with pytest.raises(CatalogError, match="no dataset 'nbb_nope'"):
        catalog.get("nbb_nope")


def test_catalog_matches_the_embedded_manifest(catalog: Catalog) -> None:
    manifest = SNAPSHOT_DIR / "manifest.json"
    if not manifest.exists():
        pytest.skip("the embedded snapshot has no manifest yet")
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    for entry in files:
        dataset = catalog.get(entry["source_id"])
        assert entry["format"] == dataset.format
        if dataset.id == "nbb_regaca38":
            assert entry["url"] == dataset.url()
    embedded = {(e["source_id"], e["path"]) for e in files}
    for dataset in catalog:
        if dataset.snapshot is not None:
            assert (dataset.id, dataset.snapshot) in embedded, dataset.id


# --- invalid catalogs ---------------------------------------------------------------------


def _error(tmp_path: Path, raw: Any) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(write(tmp_path, raw))
    return str(info.value)


def test_a_copy_of_the_real_catalog_is_valid(tmp_path: Path, raw_catalog: dict) -> None:
    assert len(load_catalog(write(tmp_path, raw_catalog))) == len(EXPECTED_IDS)


def test_missing_field_names_dataset_and_field(tmp_path: Path, raw_catalog: dict) -> None:
    del raw_catalog["datasets"][2]["licence"]
    message = _error(tmp_path, raw_catalog)
    assert "'statbel_vat_enterprises'" in message
    assert "licence" in message


def test_bad_format_names_dataset_field_and_allowed(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"][0]["format"] = "sdmx-xml"
    message = _error(tmp_path, raw_catalog)
    assert "'nbb_regaca38'" in message
    assert "'format'" in message
    assert "sdmx-json-2.0" in message


def test_bad_access_and_publisher(tmp_path: Path, raw_catalog: dict) -> None:
    broken = copy.deepcopy(raw_catalog)
    broken["datasets"][0]["access"] = "scrape"
    assert "'access'" in _error(tmp_path, broken)
    broken = copy.deepcopy(raw_catalog)
    broken["datasets"][0]["publisher"] = "ECB"
    assert "'publisher'" in _error(tmp_path, broken)


def test_duplicate_id(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"].append(copy.deepcopy(raw_catalog["datasets"][0]))
    message = _error(tmp_path, raw_catalog)
    assert "'nbb_regaca38'" in message
    assert "not unique" in message


def test_unknown_field_is_rejected(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"][1]["licnece"] = "typo"
    message = _error(tmp_path, raw_catalog)
    assert "'nbb_regaca10'" in message
    assert "licnece" in message


def test_unknown_indicator(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"][0]["indicators"].append("employes")
    assert "employes" in _error(tmp_path, raw_catalog)


def test_snapshot_path_must_be_relative(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"][0]["snapshot"] = "../../etc/passwd"
    assert "relative" in _error(tmp_path, raw_catalog)


def test_url_must_be_https(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"][0]["url_template"] = "http://example.org/{key}"
    assert "https" in _error(tmp_path, raw_catalog)


def test_missing_snapshot_section(tmp_path: Path, raw_catalog: dict) -> None:
    del raw_catalog["snapshot"]
    assert "snapshot" in _error(tmp_path, raw_catalog)


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("datasets: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog not found"):
        load_catalog(tmp_path / "nope.yaml")


def test_sdmx_key_must_have_one_part_per_dimension(tmp_path: Path, raw_catalog: dict) -> None:
    raw_catalog["datasets"][0]["parameters"]["key"] = "A.EMPLOY.220.."
    message = _error(tmp_path, raw_catalog)
    assert "'nbb_regaca38'" in message
    assert "5 parts" in message


def _dataset(raw_catalog: dict, dataset_id: str) -> dict:
    return next(d for d in raw_catalog["datasets"] if d["id"] == dataset_id)


def test_statbel_files_have_their_other_names_in_order(catalog: Catalog) -> None:
    urls = catalog.get("statbel_vat_enterprises").urls(year="2019")
    assert [u.rsplit("/", 1)[-1] for u in urls] == [
        "TF_VAT_NACE_EMPL_2019.zip",
        "TF_VAT_NACE_EMPL_SQ_2019.zip",
        "VF_VAT_NACE_EMPL_2019.zip",
        "TF_VAT_NACE_EMPL_2019.xlsx",
    ]


def test_an_alternative_url_must_be_https_without_new_placeholders(
    tmp_path: Path, raw_catalog: dict
) -> None:
    dataset = _dataset(raw_catalog, "statbel_vat_enterprises")
    dataset["url_alternatives"] = ["https://statbel.fgov.be/{year}/{month}.zip"]
    message = _error(tmp_path, raw_catalog)
    assert "'statbel_vat_enterprises'" in message and "url_alternatives" in message


def test_inbox_mode_is_for_manual_sources_and_named(tmp_path: Path, raw_catalog: dict) -> None:
    assert load_catalog().get("rsz_establishments").inbox == "each"
    assert load_catalog().get("vdab_job_seekers").inbox == "newest"
    _dataset(raw_catalog, "rsz_establishments")["inbox"] = "all"
    assert "'inbox' is 'all'" in _error(tmp_path, raw_catalog)
    _dataset(raw_catalog, "rsz_establishments")["inbox"] = "each"
    _dataset(raw_catalog, "nbb_regaca38")["inbox"] = "each"
    assert "manual sources only" in _error(tmp_path, raw_catalog)


def test_nbb_key_asks_only_for_what_the_warehouse_reads(catalog: Catalog) -> None:
    freq, _, _, branches, units, sectors = catalog.get("nbb_regaca38").parameters["key"].split(".")
    assert (freq, units, sectors) == ("A", "NP+AB+CU+EU", "S1+_Z")
    seed = (PROJECT_ROOT / "dbt_project" / "seeds" / "nbb_branches.csv").read_text()
    codes = {line.split(",")[0] for line in seed.splitlines()[1:]}
    assert set(branches.split("+")) == codes | {"_Z"}
