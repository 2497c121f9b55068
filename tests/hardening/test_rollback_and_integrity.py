"""`limwh rollback` verifies a release before it publishes it (every table read in full, then
the refresh's checks), and `limwh status --check` verifies the published file: a damaged or
wrong release is never restored, and the published file stays byte-identical."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from tests.hardening.conftest import limwh, text
from warehouse.config import DataPaths
from warehouse.files import file_sha256

OLD_RUN = "20260101T000000Z_aaaaaa"


def _keep_as_release(paths: DataPaths) -> Path:
    paths.releases.mkdir(parents=True, exist_ok=True)
    release = paths.releases / f"20260101T000001Z_{OLD_RUN}.duckdb"
    shutil.copyfile(paths.published, release)
    return release


def _damage(path: Path) -> None:
    """Overwrite 40 KB in the middle of the file, as the red team did."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(os.urandom(40 * 1024))


def test_rollback_to_a_damaged_release_refuses(published: Path, hard_env: dict) -> None:
    paths = DataPaths(published)
    release = _keep_as_release(paths)
    _damage(release)
    before = file_sha256(paths.published)
    proc = limwh("rollback", "--to", OLD_RUN, "--data-dir", str(published), env=hard_env)
    out = text(proc)
    assert proc.returncode == 1, out
    assert "is damaged" in out and "checksum" in out
    assert "the published file is unchanged" in out
    assert file_sha256(paths.published) == before
    assert not any(p.name.endswith("_rollback") for p in paths.builds.iterdir())


def test_rollback_to_a_release_that_fails_the_checks_refuses(
    published: Path, hard_env: dict
) -> None:
    paths = DataPaths(published)
    release = _keep_as_release(paths)
    con = duckdb.connect(str(release))
    try:
        con.execute(
            "UPDATE marts.fct_indicator_values_all_sources SET value = -value "
            "WHERE indicator_id = 'population' AND region_code = 'BE' AND year = 2005"
        )
    finally:
        con.close()
    before = file_sha256(paths.published)
    proc = limwh("rollback", "--to", OLD_RUN, "--data-dir", str(published), env=hard_env)
    out = text(proc)
    assert proc.returncode == 1, out
    assert "fails the checks" in out and "population BE TOTAL 2005" in out
    assert file_sha256(paths.published) == before


def test_a_good_release_is_restored(published: Path, hard_env: dict) -> None:
    paths = DataPaths(published)
    _keep_as_release(paths)
    proc = limwh("rollback", "--to", OLD_RUN, "--data-dir", str(published), env=hard_env)
    assert proc.returncode == 0, text(proc)
    assert "restored release" in text(proc)


def test_status_check_fails_on_a_damaged_published_file(published: Path, hard_env: dict) -> None:
    ok = limwh("status", "--check", "--data-dir", str(published), env=hard_env)
    assert ok.returncode == 0, text(ok)
    _damage(DataPaths(published).published)
    proc = limwh("status", "--check", "--data-dir", str(published), env=hard_env)
    assert proc.returncode == 1, text(proc)
    assert "the published file is damaged" in text(proc)
