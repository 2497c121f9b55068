"""What the dbt project needs from the stages before it: the raw tables its sources read."""

from __future__ import annotations

from pathlib import Path

import yaml

from warehouse.config import DBT_PROJECT_DIR

RAW_SCHEMA = "raw"

__all__ = ["required_raw_tables"]


def required_raw_tables(project_dir: Path = DBT_PROJECT_DIR) -> set[str]:
    """Raw tables the dbt project reads (its sources over schema `raw`): a build cannot do
    without them. A staging model may read an absent table as empty (macro optional_source),
    but the checks then fail on the missing values: the build needs every one of them."""
    tables: set[str] = set()
    for path in (project_dir / "models").rglob("*.yml"):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for source in doc.get("sources") or []:
            if (
                isinstance(source, dict)
                and (source.get("schema") or source.get("name")) == RAW_SCHEMA
            ):
                tables.update(t["name"] for t in source.get("tables") or [] if "name" in t)
    tables.discard("source_files")
    return tables
