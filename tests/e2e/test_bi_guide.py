"""The BI guide's SQL is what a BI user types: every query in docs/bi-connections.md runs on the
published file as written (tables as `marts.<table>`, no database name) and answers it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import Refresh
from warehouse.config import PROJECT_ROOT, DataPaths

pytestmark = pytest.mark.e2e

GUIDE = PROJECT_ROOT / "docs" / "bi-connections.md"


def guide_queries() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```sql\n(.*?)^```", text, re.S | re.M)
    queries = [q.strip() for block in blocks for q in block.split(";") if _code(q)]
    assert len(queries) >= 5
    return queries


def _code(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))


QUERIES = guide_queries()


@pytest.fixture(scope="module")
def con(good_run: Refresh, data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    assert good_run.returncode == 0, good_run.describe()
    # Under another file name: a query naming the database would break here.
    copy = tmp_path_factory.mktemp("bi_guide") / "renamed_copy.duckdb"
    copy.write_bytes(DataPaths(data_dir).published.read_bytes())
    connection = duckdb.connect(str(copy), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("sql", QUERIES, ids=[f"query{i + 1}" for i in range(len(QUERIES))])
def test_every_guide_query_runs_on_a_copy_under_another_name(con, sql: str) -> None:
    assert "warehouse.marts" not in sql
    assert con.execute(sql).fetchall()


def test_the_guides_sector_total_adds_up_to_the_total(con) -> None:
    (sector_query,) = [q for q in QUERIES if "table_2_cluster" in q]
    rows = con.execute(sector_query).fetchall()
    total = con.execute(
        "SELECT value FROM marts.fct_indicator_values WHERE indicator_id = 'employees' "
        "AND region_code = 'BE22' AND year = 2023 AND sector_code = 'TOTAL'"
    ).fetchone()[0]
    assert sum(value for _, value, _ in rows) == pytest.approx(total)


def test_the_guides_python_runs_as_written(good_run: Refresh, data_dir: Path) -> None:
    """The Python block (DuckDB, pandas, pyarrow, polars), run as a user would, on the data
    directory the guide's LIMWH_DATA_DIR names."""
    text = GUIDE.read_text(encoding="utf-8")
    (block,) = re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)
    check = block + (
        "\nprint(len(limburg), len(values), regions.height, table.num_rows,"
        " limburg['obs_status'].iloc[0])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "LIMWH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=data_dir.parent,
    )
    assert proc.returncode == 0, proc.stderr
    limburg, values, regions, table, status = proc.stdout.split()
    assert int(limburg) >= 20 and int(values) > 1000 and int(regions) >= 10 and int(table) > 0
    assert status in {"official", "provisional", "derived", "modelled"}
