"""Where extract's own files live: the catalog and the embedded snapshot."""

from __future__ import annotations

from pathlib import Path

EXTRACT_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = EXTRACT_DIR.parent
CATALOG_PATH = EXTRACT_DIR / "catalog.yaml"
SNAPSHOT_DIR = EXTRACT_DIR / "snapshot"
