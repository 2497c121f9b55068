"""Every resource is bounded: `limwh query` (time, memory, threads, a private spill folder,
no terminal escapes, unreadable input exit 2), inbox files (regular files of bounded size and
name, checked before they are read), and what a parser unpacks from a ZIP or a workbook (caps
on unpacked size, rows and cells; the real rows, never the sheet's declared dimension)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest

from extract.errors import SourceFormatError
from extract.formats import tabular
from extract.live import extract_live
from extract.live_config import LiveConfig, inbox_dir
from tests.fixtures.publishers import rsz_file
from tests.hardening.conftest import limwh, text
from tools.publisher_layouts.containers import workbook_bytes

ENDLESS = "SELECT count(*) FROM range(1000000000) a, range(1000000000) b"


def test_query_timeout_ends_an_endless_cross_join(published: Path, hard_env: dict) -> None:
    started = time.monotonic()
    proc = limwh(
        "query", "--timeout", "5", ENDLESS, "--data-dir", str(published), env=hard_env, timeout=60
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, text(proc)
    assert "ran longer than 5 s and was interrupted" in text(proc)
    assert elapsed < 15, elapsed


def test_query_memory_limit_stops_a_runaway_aggregate(published: Path, hard_env: dict) -> None:
    sql = "SELECT length(string_agg(repeat('x', 100), ',')) FROM range(50000000)"
    proc = limwh(
        "query", "--memory-limit", "100MB", sql, "--data-dir", str(published), env=hard_env,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1, text(proc)
    assert "memory" in text(proc).lower()


def test_query_cannot_reach_the_spill_folder_beside_the_warehouse(
    published: Path, hard_env: dict
) -> None:
    spill = published / "warehouse.duckdb.tmp"
    spill.mkdir()
    (spill / "planted.csv").write_text("a\n1\n", encoding="utf-8")
    for sql in (
        f"SELECT * FROM read_csv('{spill}/planted.csv')",
        f"COPY (SELECT 1) TO '{spill}/out.csv'",
        f"SELECT * FROM glob('{spill}/*')",
    ):
        proc = limwh("query", sql, "--data-dir", str(published), env=hard_env)
        assert proc.returncode == 1, (sql, text(proc))
    assert sorted(p.name for p in spill.iterdir()) == ["planted.csv"]


def test_query_table_escapes_control_characters(published: Path, hard_env: dict) -> None:
    proc = limwh(
        "query", "SELECT chr(27) || '[31mred' AS x", "--data-dir", str(published), env=hard_env
    )
    assert proc.returncode == 0, text(proc)
    assert b"\x1b" not in proc.stdout and "\\x1b[31mred" in text(proc)


def test_query_invalid_utf8_on_stdin_exits_2(published: Path, hard_env: dict) -> None:
    proc = limwh("query", "-", "--data-dir", str(published), env=hard_env, stdin=b"SELECT '\xff'")
    assert proc.returncode == 2, text(proc)
    assert "not UTF-8" in text(proc)


def _inbox_run(data: Path, source: str, **config) -> object:
    extracted = extract_live(
        data,
        "r1",
        required_raw_tables=set(),
        config=LiveConfig.from_mapping({"sources": [source], **config}),
        echo=lambda _line: None,
    )
    return extracted.results[0]


def test_an_inbox_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = inbox_dir(data, "rsz_establishments")
    inbox.mkdir(parents=True)
    name, body = rsz_file(2024)
    (inbox / name).write_bytes(body)
    result = _inbox_run(data, "rsz_establishments", http={"max_bytes": 1024})
    assert result.is_fault and f"{len(body):,} bytes, over the cap of 1,024" in result.fault
    assert (inbox / name).exists()  # not read, not moved: the operator decides


def test_a_very_long_inbox_file_name_is_named_and_blocks_nothing_else(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = inbox_dir(data, "rsz_establishments")
    inbox.mkdir(parents=True)
    _, body = rsz_file(2024)
    long_name = "x" * 247 + ".xlsx"  # 252 characters
    (inbox / long_name).write_bytes(body)
    result = _inbox_run(data, "rsz_establishments")
    assert result.source_id == "rsz_establishments" and result.is_fault
    assert "a name of 252 bytes" in result.fault and "rename the file" in result.fault


def _understated(rows: int) -> bytes:
    """A workbook whose <dimension> says A1:B2 while the sheet holds `rows` rows."""
    book = workbook_bytes({"Blad1": [["a", "b"], *[[i, i] for i in range(rows)]]})
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
            dst.writestr(item, data)
    return out.getvalue()


def test_a_workbook_is_read_to_its_last_row_whatever_its_dimension(tmp_path: Path) -> None:
    sheets = tabular.read_xlsx_rows(_understated(2243), "x", tabular.Errors("s", "f.xlsx"))
    assert len(sheets["Blad1"]) == 2244


def test_a_workbook_over_the_row_cap_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(tabular, "MAX_SHEET_ROWS", 100)
    with pytest.raises(SourceFormatError, match="more than 100 rows"):
        tabular.read_xlsx_rows(_understated(500), "x", tabular.Errors("s", "f.xlsx"))


def test_a_zip_bomb_is_refused_before_it_is_inflated(monkeypatch) -> None:
    monkeypatch.setattr(tabular, "MAX_UNPACKED", 10 * 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("TF_VAT_NACE_EMPL_2015.txt", b"0" * (20 * 1024 * 1024))
    with pytest.raises(SourceFormatError, match="would unpack to 20,971,520 bytes"):
        tabular.reject_non_zip(bomb.getvalue(), "a ZIP", tabular.Errors("s", "bomb.zip"))
