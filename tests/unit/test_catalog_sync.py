"""Dataset metadata is written once, in extract/catalog.yaml: the dbt docs block, the raw
sources' meta and freshness, and the indicators seed's attribution are generated from it, and
a stale copy fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from extract.catalog import load_catalog, parse_catalog
from extract.paths import CATALOG_PATH
from warehouse.build import catalog_sync
from warehouse.config import DBT_PROJECT_DIR


def test_the_committed_files_are_what_the_catalog_generates() -> None:
    assert catalog_sync.stale_files() == [], "run `make catalog-sync`"


def _catalog_with(dataset_id: str, **fields: str):
    raw = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    for dataset in raw["datasets"]:
        if dataset["id"] == dataset_id:
            dataset.update(fields)
    return parse_catalog(raw, CATALOG_PATH)


def test_a_changed_attribution_reaches_the_sources_the_docs_and_the_seed() -> None:
    catalog = _catalog_with("vdab_job_seekers", attribution="Bron: VDAB Arvastat (bewerking)")
    files = {f.path.as_posix(): f.text for f in catalog_sync.generated_files(catalog=catalog)}
    assert '"Bron: VDAB Arvastat (bewerking)"' in files["models/staging/vdab/_vdab__sources.yml"]
    assert "Bron: VDAB Arvastat (bewerking)" in files["models/docs/_catalog.md"]
    seed = files["seeds/indicators.csv"]
    row = next(line for line in seed.splitlines() if line.startswith("job_seekers_rate_18_64,"))
    assert "Bron: VDAB Arvastat (bewerking)" in row
    # Every other source file is unchanged.
    nbb = (DBT_PROJECT_DIR / "models/staging/nbb/_nbb__sources.yml").read_text(encoding="utf-8")
    assert files["models/staging/nbb/_nbb__sources.yml"] == nbb


def test_the_cadence_sets_the_freshness_that_status_also_uses() -> None:
    catalog = _catalog_with("rsz_establishments", release_cadence="annual")
    files = {f.path.as_posix(): f.text for f in catalog_sync.generated_files(catalog=catalog)}
    text = files["models/staging/rsz/_rsz__sources.yml"]
    assert "warn_after: {count: 365, period: day}" in text
    assert "error_after: {count: 425, period: day}" in text
    assert load_catalog().get("rsz_establishments").freshness_days == (92, 122)


def test_check_mode_names_a_stale_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    sources = project / "models/staging/rsz/_rsz__sources.yml"
    stale = sources.read_text(encoding="utf-8").replace(
        '"Source: RSZ/ONSS (own processing)"', '"Source: RSZ"'
    )
    sources.write_text(stale, encoding="utf-8")
    assert catalog_sync.main(["--check", "--project-dir", str(project)]) == 1
    assert "_rsz__sources.yml" in capsys.readouterr().err
    assert sources.read_text(encoding="utf-8") == stale
    assert catalog_sync.main(["--project-dir", str(project)]) == 0
    assert catalog_sync.main(["--check", "--project-dir", str(project)]) == 0


def test_a_marker_for_an_unknown_dataset_is_an_error(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    sources = project / "models/staging/vdab/_vdab__sources.yml"
    text = sources.read_text(encoding="utf-8").replace(
        "# catalog: vdab_job_seekers", "# catalog: vdab_job_seekers_typo"
    )
    sources.write_text(text, encoding="utf-8")
    with pytest.raises(catalog_sync.CatalogSyncError, match="vdab_job_seekers_typo"):
        catalog_sync.generated_files(project)
