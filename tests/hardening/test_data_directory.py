"""The data directory is the warehouse's alone: no symbolic link inside it is followed (the
lock, the run log, the releases, the builds, the exports, an inbox file), and `limwh report
--out` never empties a folder that holds anything but a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.live import extract_live
from extract.live_config import LiveConfig, inbox_dir
from tests.hardening.conftest import limwh, text
from warehouse.config import DataPaths, UnsafePathError
from warehouse.files import file_sha256
from warehouse.meta.run_log import append_record
from warehouse.publish.lock import run_lock
from warehouse.publish.swap import list_releases, prune_releases

SECRET = "secret: not the warehouse's\n"


def _outside(tmp_path: Path, name: str = "outside.txt") -> Path:
    target = tmp_path / name
    target.write_text(SECRET, encoding="utf-8")
    return target


def test_a_linked_lock_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    target = _outside(tmp_path)
    paths.run_lock.symlink_to(target)
    with pytest.raises(UnsafePathError, match=r"lock file .* symbolic link"), run_lock(paths, "r1"):
        pass
    assert target.read_text(encoding="utf-8") == SECRET


def test_a_linked_run_log_gets_no_line(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    target = _outside(tmp_path)
    paths.run_log.symlink_to(target)
    with pytest.raises(UnsafePathError, match="run log"):
        append_record(paths.run_log, {"run_id": "r1", "outcome": "failed"})
    assert target.read_text(encoding="utf-8") == SECRET


def test_a_linked_releases_folder_is_neither_listed_nor_pruned(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    elsewhere = tmp_path / "other_databases"
    elsewhere.mkdir()
    kept = [elsewhere / f"2026010{i}T000000Z_x.duckdb" for i in range(5)]
    for path in kept:
        path.write_bytes(b"not ours")
    paths.releases.symlink_to(elsewhere)
    with pytest.raises(UnsafePathError, match="releases folder"):
        prune_releases(paths, keep=1)
    with pytest.raises(UnsafePathError):
        list_releases(paths)
    assert all(p.exists() for p in kept)


@pytest.mark.parametrize("folder", ["builds", "releases", "exports.d", "raw"])
def test_a_refresh_refuses_a_linked_folder_of_its_own(
    published: Path, tmp_path: Path, hard_env: dict, folder: str
) -> None:
    link = published / folder
    moved = tmp_path / f"{folder}.real"
    if link.exists():
        link.rename(moved)
    else:
        moved.mkdir()
    link.symlink_to(moved)
    before = file_sha256(DataPaths(published).published)
    proc = limwh("refresh", "--force", "--data-dir", str(published), env=hard_env)
    assert proc.returncode != 0, text(proc)
    assert "symbolic link" in text(proc) and "refusing to follow it" in text(proc)
    assert file_sha256(DataPaths(published).published) == before


def test_a_linked_inbox_file_is_not_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = inbox_dir(data, "rsz_establishments")
    inbox.mkdir(parents=True)
    target = _outside(tmp_path, "passwd")
    (inbox / "localunit-val-nl-20244.xlsx").symlink_to(target)
    extracted = extract_live(
        data,
        "r1",
        required_raw_tables=set(),
        config=LiveConfig.from_mapping({"sources": ["rsz_establishments"]}),
        echo=lambda _line: None,
    )
    (result,) = extracted.results
    assert result.is_fault and "is a symbolic link: not read" in result.fault
    assert "secret" not in result.fault  # nothing of the target reached a message
    assert (inbox / "localunit-val-nl-20244.xlsx").is_symlink()  # left for the operator
    assert target.read_text(encoding="utf-8") == SECRET


def test_report_out_refuses_a_folder_that_is_not_a_report(
    published: Path, tmp_path: Path, hard_env: dict
) -> None:
    out = tmp_path / "my_documents"
    (out / "sub").mkdir(parents=True)
    (out / "thesis.docx").write_text("three years of work", encoding="utf-8")
    proc = limwh(
        "report", "--data-dir", str(published), "--out", str(out), "--no-png", env=hard_env
    )
    assert proc.returncode == 1, text(proc)
    assert "holds files that are not a report" in text(proc)
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "three years of work"
    assert (out / "sub").is_dir()
    # A new folder, then the same folder again (a report's own files), are fine.
    fresh = tmp_path / "report"
    for _ in range(2):
        proc = limwh(
            "report", "--data-dir", str(published), "--out", str(fresh), "--no-png", env=hard_env
        )
        assert proc.returncode == 0, text(proc)
    assert (fresh / ".limwh-report").is_file() and (fresh / "index.html").is_file()
