"""Redirects are followed by hand: every hop passes the URL policy (https, or http on loopback
only), and the raw manifest records where the redirects ended."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extract import raw_store as rs
from extract.live import extract_live
from extract.live_config import LiveConfig
from extract.snapshot import load_manifest
from tests.fake_publishers import FAST_HTTP, FakePublishers, Reply


@pytest.fixture
def fake() -> Iterator[FakePublishers]:
    publishers = FakePublishers()
    yield publishers
    publishers.close()


def _fetch(fake: FakePublishers, data: Path):
    config = LiveConfig.from_mapping(
        {"sources": ["eurostat_employment_rate"], "base_urls": fake.base_urls(), "http": FAST_HTTP}
    )
    return extract_live(data, "r1", required_raw_tables=set(), config=config, echo=lambda _: None)


def _body() -> bytes:
    snapshot = load_manifest()
    entry = max(snapshot.entries("eurostat_employment_rate"), key=lambda e: e.retrieved_at)
    return snapshot.read_bytes(entry)


def test_a_redirect_to_a_refused_url_is_not_fetched(fake: FakePublishers, tmp_path: Path) -> None:
    fake.script(
        "eurostat_employment_rate",
        Reply(302, b"", "text/plain", {"Location": "http://example.org/lfst_r_lfe2emprt"}),
    )
    (result,) = _fetch(fake, tmp_path / "data").results
    assert result.is_fault and result.fault.startswith("redirect:")
    assert "http://example.org/lfst_r_lfe2emprt" in result.fault and "https" in result.fault
    assert rs.live_versions(tmp_path / "data" / "raw", "eurostat_employment_rate") == []
    assert len(fake.requests) == 1  # example.org was never asked


def test_the_final_url_of_a_redirect_is_recorded(fake: FakePublishers, tmp_path: Path) -> None:
    moved = "/eurostat/moved/lfst_r_lfe2emprt?format=JSON"
    fake.script(
        "eurostat_employment_rate",
        Reply(301, b"", "text/plain", {"Location": moved}),
        Reply(body=_body()),
    )
    (result,) = _fetch(fake, tmp_path / "data").results
    assert result.outcome == "new", result.describe()
    (record,) = [r for r in rs.read_records(tmp_path / "data" / "raw") if r.get("kind") == "live"]
    assert record["final_url"] == f"{fake.base_url}{moved}"
    assert record["url"] != record["final_url"]
