"""The documented columns are the published tables' columns, and `make docs` writes one page.

Uses the session's `limwh refresh` (tests/e2e/conftest.py). The docs site is built from a copy
of the published file in a folder of its own, so the session's data directory is untouched.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Refresh
from warehouse.config import PUBLISHED_BASENAME, DataPaths
from warehouse.read.docs_coverage import (
    column_mismatches,
    database_columns,
    missing_descriptions,
    parse_project,
)
from warehouse.read.docs_site import build_docs_site, remote_assets

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path) -> Path:
    assert good_run.returncode == 0, good_run.describe()
    return DataPaths.resolve(data_dir).published


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return parse_project(tmp_path_factory.mktemp("dbt_parse"))


def test_every_table_column_is_documented_and_every_documented_column_exists(published, manifest):
    actual = database_columns(published)
    gaps = column_mismatches(manifest, actual)
    assert gaps == [], "\n".join(str(g) for g in gaps)
    marts = [t for (schema, t) in actual if schema == "marts"]
    documented_marts = [
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "marts"
    ]
    assert sorted(marts) == sorted(documented_marts)
    assert missing_descriptions(manifest) == []


def test_docs_site_is_one_offline_page_with_manifest_and_catalog(published, tmp_path: Path):
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    shutil.copy2(published, paths.root / PUBLISHED_BASENAME)
    before = (paths.root / PUBLISHED_BASENAME).read_bytes()
    lines: list[str] = []

    site = build_docs_site(paths, echo=lines.append)

    assert site == paths.root / "docs" / "index.html"
    html = site.read_text(encoding="utf-8")
    assert remote_assets(html) == []
    # The manifest and the catalog are inlined: the page needs no server and no other file.
    assert "MANIFEST.JSON INLINE DATA" not in html and "CATALOG.JSON INLINE DATA" not in html
    assert "fct_indicator_values" in html and "Source: NBB.Stat" in html
    assert re.search(r'"model\.limburg_warehouse\.dim_region":\s*\{"metadata"', html), "no catalog"
    assert '"send_anonymous_usage_stats": true' not in html
    catalog = json.loads((paths.root / "docs" / "work" / "target" / "catalog.json").read_text())
    assert "model.limburg_warehouse.article_table_1_key_figures" in catalog["nodes"]
    # The published file is only read (a copy is what dbt opens).
    assert (paths.root / PUBLISHED_BASENAME).read_bytes() == before
    assert not (paths.root / "docs" / "work" / PUBLISHED_BASENAME).exists()


def test_docs_site_without_a_published_warehouse_says_what_to_run(tmp_path: Path):
    from warehouse.read.docs_site import DocsError

    with pytest.raises(DocsError, match=r"no published warehouse at .*limwh refresh"):
        build_docs_site(DataPaths(tmp_path), echo=lambda _line: None)
