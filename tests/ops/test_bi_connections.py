"""A BI tool holding the published file open read-write (Superset without its `read_only`
engine parameter does this) takes DuckDB's lock: every other connection to that file fails,
read-only ones too. The nightly refresh and `limwh status` must work all the same, so neither
opens the published file; they read its record, kept beside it."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.duckdb_clients import run_client
from tests.ops.conftest import describe, run_limwh
from warehouse.config import DataPaths
from warehouse.files import file_sha256
from warehouse.meta import run_log

pytestmark = pytest.mark.e2e

HOLDER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])  # read-write: no read_only
    n = con.execute("SELECT count(*) FROM marts.fct_indicator_values").fetchall()[0][0]
    print("holding", duckdb.__version__, n, flush=True)
    sys.stdin.readline()
    con.close()
    """
)
PROBE = "import sys, duckdb; duckdb.connect(sys.argv[1], read_only=True)"


@pytest.fixture(scope="module")
def data(ops_env: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("held") / "data"
    first = run_limwh("refresh", "--data-dir", str(root), env=ops_env)
    assert first.returncode == 0, describe(first)
    return root


class Holder:
    def __init__(self, version: str, db_file: Path) -> None:
        self.proc = run_client(
            version,
            HOLDER,
            str(db_file),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.line = self.proc.stdout.readline().split()
        assert self.line[:1] == ["holding"], self.proc.stderr.read()

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            self.proc.communicate(timeout=120)


def _last(paths: DataPaths) -> dict:
    return list(run_log.read_run_log(run_log.run_log_path(paths)))[-1]


@pytest.mark.parametrize("client", ["1.1", "current"])
def test_a_refresh_publishes_while_a_bi_tool_holds_the_file_read_write(
    ops_env: dict, data: Path, client: str
) -> None:
    paths = DataPaths(data)
    before = file_sha256(paths.published)
    holder = Holder(client, paths.published)
    try:
        assert client == "current" or holder.line[1].startswith(client + ".")
        # The lock is real: a read-only connection from another process is refused.
        probe = run_client(
            "current", PROBE, str(paths.published), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        _out, err = probe.communicate(timeout=120)
        assert probe.returncode != 0 and "lock" in err, err

        status = run_limwh("status", "--data-dir", str(data), env=ops_env)
        assert status.returncode == 0, describe(status)
        assert "published values (fct_indicator_values)" in status.stdout
        assert "built by:   run" in status.stdout

        refresh = run_limwh("refresh", "--force", "--data-dir", str(data), env=ops_env)
        assert refresh.returncode == 0, describe(refresh)
        assert holder.proc.poll() is None, "the tool is still connected"
        published = _last(paths)
        assert published["outcome"] == "published"
        # The file changed by the publish only: it is the run's own build, byte for byte.
        after = file_sha256(paths.published)
        assert after != before and after == published["published_sha256"]

        check = run_limwh("status", "--check", "--data-dir", str(data), env=ops_env)
        assert check.returncode == 0, describe(check)
        status = run_limwh("status", "--data-dir", str(data), env=ops_env)
        assert f"built by:   run {published['run_id']}" in status.stdout, describe(status)
    finally:
        holder.release()
    # The tool's connection was on the replaced file: closing it changed nothing here.
    assert file_sha256(paths.published) == after


def test_the_record_names_the_published_file(data: Path) -> None:
    from warehouse.meta.published_record import current_record, record_columns

    paths = DataPaths(data)
    record = current_record(paths)
    assert record == paths.published_record
    columns = record_columns(record)
    assert ("marts", "fct_indicator_values", "obs_status") in columns


def test_an_out_of_date_record_and_a_held_file_stop_the_refresh_clearly(
    ops_env: dict, data: Path
) -> None:
    """Without a record that matches the file, nothing can be read while the file is held;
    the refresh says why and changes nothing."""
    paths = DataPaths(data)
    paths.published_record.unlink()
    before = file_sha256(paths.published)
    holder = Holder("current", paths.published)
    try:
        refresh = run_limwh("refresh", "--force", "--data-dir", str(data), env=ops_env)
        assert refresh.returncode == 1, describe(refresh)
        text = refresh.stdout + refresh.stderr
        assert "is holding it open read-write" in text, text
        assert "the published warehouse is unchanged" in text
        status = run_limwh("status", "--data-dir", str(data), env=ops_env)
        assert status.returncode == 1 and "read-only" in status.stderr, describe(status)
    finally:
        holder.release()
    assert file_sha256(paths.published) == before
    # Once the tool lets go, the next refresh writes the record again and publishes.
    refresh = run_limwh("refresh", "--force", "--data-dir", str(data), env=ops_env)
    assert refresh.returncode == 0, describe(refresh)
    assert _last(paths)["outcome"] == "published"
    assert paths.published_record.is_file()
