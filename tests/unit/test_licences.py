"""The catalog is the one source of licence and attribution texts: the snapshot agrees with it.

A file of the embedded snapshot reaches `raw.source_files` with its manifest's licence and
attribution, a fetched file with the catalog's; the dbt sources' meta repeat the catalog's
(tests/unit/test_docs_coverage.py). All of them must say the same.
"""

from __future__ import annotations

from extract.catalog import load_catalog
from extract.snapshot import load_manifest


def test_every_snapshot_file_carries_its_catalog_datasets_licence_and_attribution():
    catalog = load_catalog()
    entries = list(load_manifest().files)
    assert {e.source_id for e in entries} >= {"nbb_regaca38", "rsz_establishments"}
    differing = [
        f"{e.path}: licence {e.licence!r} / attribution {e.attribution!r}, catalog "
        f"{catalog.get(e.source_id).licence!r} / {catalog.get(e.source_id).attribution!r}"
        for e in entries
        if (e.licence, e.attribution)
        != (catalog.get(e.source_id).licence, catalog.get(e.source_id).attribution)
    ]
    assert differing == [], "extract/snapshot/manifest.json differs from extract/catalog.yaml"
