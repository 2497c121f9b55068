"""Where the generator reads and writes: the dbt seeds it calibrates against (the article's
figures, its sector labels) and the embedded snapshot it writes."""

from __future__ import annotations

from extract.paths import PROJECT_ROOT, SNAPSHOT_DIR

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
FACTS_DIR = PROJECT_ROOT / "tools" / "snapshot_generator" / "facts"

__all__ = ["DBT_PROJECT_DIR", "FACTS_DIR", "SNAPSHOT_DIR"]
