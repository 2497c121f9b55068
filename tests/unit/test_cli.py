"""`limwh`: help texts, exit codes, one-line failures, status and summary of a published file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.cli import EXIT_FAILED, EXIT_LOCKED, build_parser, main
from warehouse.config import DataPaths
from warehouse.files import file_sha256, new_build_file
from warehouse.meta import record, run_log
from warehouse.publish.swap import publish


@pytest.mark.parametrize(
    "argv", [["--help"], ["refresh", "--help"], ["status", "--help"], ["summary", "--help"]]
)
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: limwh" in out
    if argv == ["--help"]:
        for command in ("refresh", "status", "summary"):
            assert command in out
    if argv[0] == "refresh":
        for option in ("--data-dir", "--snapshot", "--snapshot-dir", "--verbose"):
            assert option in out


def test_console_script_help() -> None:
    script = Path(sys.executable).with_name("limwh")
    if not script.exists():
        pytest.skip("limwh console script not installed in this environment")
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "refresh" in proc.stdout


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert build_parser().prog == "limwh"


def test_status_without_published_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--data-dir", str(tmp_path)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("limwh: error: no published warehouse at")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_summary_without_published_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--data-dir", str(tmp_path)]) == EXIT_FAILED
    assert "no published warehouse" in capsys.readouterr().err


def test_refresh_without_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["refresh", "--data-dir", str(tmp_path / "d"), "--snapshot-dir", str(tmp_path)])
    assert code == EXIT_FAILED
    err = capsys.readouterr().err
    assert "no manifest.json" in err and "Traceback" not in err


def test_refresh_refused_while_another_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    snapshot = tmp_path / "snap"
    snapshot.mkdir()
    (snapshot / "manifest.json").write_text('{"snapshot_id": "x", "files": []}')
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from warehouse.config import DataPaths
        from warehouse.publish.lock import run_lock
        with run_lock(DataPaths(Path({str(paths.root)!r})), run_id="cron-run"):
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        exit_code = main(
            ["refresh", "--data-dir", str(paths.root), "--snapshot-dir", str(snapshot)]
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    assert exit_code == EXIT_LOCKED
    err = capsys.readouterr().err
    assert f"pid={holder.pid}" in err and "cron-run" in err
    assert len(err.strip().splitlines()) == 1


def _publish_table_2(paths: DataPaths) -> None:
    build_file = new_build_file(paths, "20261127T000000Z_abcdef")
    con = duckdb.connect(str(build_file))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        """
        CREATE TABLE marts.article_table_2_employment_by_sector AS
        SELECT * FROM (VALUES
            ('BE22', 1, 'logistics', 'Logistiek', 2013, 2023, 21243.0, 6086.0, 40.2, 14.4,
             'official', 'modelled', 'official'),
            ('BE22', 2, 'automotive', 'Automobielindustrie', 2013, 2023, 1000.0, -9000.0,
             -90.0, -20.0, 'official', 'official', 'official'),
            ('BE21', 1, 'logistics', 'Logistiek', 2013, 2023, 1.0, 1.0, 1.0, 1.0, 'official',
             'official', 'official')
        ) v(region_code, row_order, sector_code, label_nl, base_year, end_year,
            employees_end, change_abs, change_pct, flemish_change_pct, employees_end_status,
            change_status, flemish_change_status)
        """
    )
    con.close()
    run = run_log.RunInfo(
        run_id="20261127T000000Z_abcdef",
        started_at=datetime.now(UTC),
        data_dir=str(paths.root),
        git_sha="deadbeef",
    )
    run.stages.append(run_log.StageTiming("load", run.started_at, run.started_at, "ok"))
    record.write_run_meta(build_file, run, previous=paths.published)
    publish(build_file, paths)


def test_status_and_summary_of_a_published_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    _publish_table_2(paths)

    assert main(["status", "--data-dir", str(paths.root)]) == 0
    out = capsys.readouterr().out
    assert str(paths.published) in out
    assert file_sha256(paths.published) in out
    assert "20261127T000000Z_abcdef" in out and "deadbeef" in out
    assert "article_table_2_employment_by_sector" in out
    assert "v1.0.0" in out

    assert main(["summary", "--data-dir", str(paths.root)]) == 0
    out = capsys.readouterr().out
    assert "Marts (1): article_table_2_employment_by_sector" in out
    lines = out.splitlines()
    logistics = next(line for line in lines if line.startswith("Logistiek"))
    assert "21,243" in logistics and "+6,086" in logistics and "+40.2" in logistics
    assert "+14.4" in logistics and logistics.endswith("modelled")
    auto = next(line for line in lines if line.startswith("Automobielindustrie"))
    assert auto.endswith("official") and "-90.0" in auto
    # Rows follow row_order, and only the focus region's.
    assert lines.index(logistics) < lines.index(auto)
    assert sum(line.startswith("Logistiek") for line in lines) == 1
    assert "not official statistics" in out
