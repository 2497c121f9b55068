"""The in-process dbt runner on a tiny project: failures named, file format kept, file released."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.build.dbt_runner import DbtBuildError, run_dbt_build
from warehouse.config import DataPaths
from warehouse.files import new_build_file as new_build
from warehouse.files import storage_version

PROFILES = """
limburg_warehouse:
  target: build
  outputs:
    build:
      type: duckdb
      path: "{{ env_var('LIMWH_BUILD_PATH') }}"
      threads: 1
"""
PROJECT = """
name: tiny
version: "1.0"
config-version: 2
profile: limburg_warehouse
models:
  tiny:
    +materialized: table
"""
SCHEMA = """
models:
  - name: doubled
    columns:
      - name: b
        data_tests:
          - accepted_values:
              arguments:
                values: {values}
"""


def tiny_project(root: Path, accepted: list[str]) -> Path:
    (root / "models").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "profiles.yml").write_text(PROFILES)
    (root / "dbt_project.yml").write_text(PROJECT)
    (root / "seeds" / "letters.csv").write_text("a,b\n1,x\n2,y\n")
    (root / "models" / "doubled.sql").write_text("select a * 2 as a2, b from {{ ref('letters') }}")
    (root / "models" / "schema.yml").write_text(SCHEMA.format(values=accepted))
    return root


def test_build_keeps_storage_version_and_releases_the_file(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    build_file = new_build(paths, "r1")
    lines: list[str] = []
    result = run_dbt_build(
        build_file, project_dir=tiny_project(tmp_path / "p", ["x", "y"]), echo=lines.append
    )
    assert result.nodes == 3
    assert (result.target_path / "run_results.json").exists()
    assert any("model doubled" in line for line in lines)
    # dbt-duckdb's connection is closed: this process can open the file for writing again.
    con = duckdb.connect(str(build_file))
    assert con.execute("select sum(a2) from main.doubled").fetchall() == [(6,)]
    con.close()
    assert storage_version(build_file) == "v1.0.0"


def test_failing_test_is_named(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    build_file = new_build(paths, "r1")
    with pytest.raises(DbtBuildError) as info:
        run_dbt_build(
            build_file, project_dir=tiny_project(tmp_path / "p", ["x"]), echo=lambda _: None
        )
    (failure,) = info.value.failures
    assert failure.unique_id.startswith("test.tiny.accepted_values_doubled_b")
    assert failure.status == "fail"
    assert "accepted_values_doubled_b" in str(info.value)
    duckdb.connect(str(build_file)).close()  # released after a failure too
