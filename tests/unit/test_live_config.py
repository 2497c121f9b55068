"""The live config: the production file deploy/live.yaml, request headers per publisher, and
errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.catalog import load_catalog
from extract.live_config import LiveConfig, dataset_urls, read_live_config_file
from flows.deployment import LIVE_CONFIG


def test_the_production_config_fetches_every_dataset_a_model_reads() -> None:
    config = LiveConfig.from_file(LIVE_CONFIG)
    catalog = load_catalog()
    # DF_REGACA10 is left out on purpose (no model reads it; deploy/live.yaml says why).
    assert set(config.sources or ()) == {d.id for d in catalog} - {"nbb_regaca10"}
    assert "contact:" in config.http.user_agent
    view = config.parameters["statbel_vat_starters"]["view"]
    (url,) = dataset_urls(catalog.get("statbel_vat_starters"), config)
    assert url == f"https://bestat.statbel.fgov.be/bestat/api/views/{view}/result/JSON"


def test_request_headers_apply_per_publisher_then_per_source() -> None:
    config = LiveConfig.from_mapping(
        {
            "request_headers": {
                "NBB": {"Origin": "https://nsidisseminate-stat.nbb.be", "X-Team": "a"},
                "nbb_regaca38": {"X-Team": "b"},
            }
        }
    )
    catalog = load_catalog()
    assert config.headers_for(catalog.get("nbb_regaca38")) == {
        "Origin": "https://nsidisseminate-stat.nbb.be",
        "X-Team": "b",
    }
    assert config.headers_for(catalog.get("eurostat_employment_rate")) == {}


@pytest.mark.parametrize("header", ["Accept", "user-agent", "If-None-Match"])
def test_request_headers_cannot_replace_what_the_http_layer_sets(header: str) -> None:
    with pytest.raises(ValueError, match=f"may not set {header}"):
        LiveConfig.from_mapping({"request_headers": {"NBB": {header: "x"}}})


def test_a_bad_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "live.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"live.yaml: expected a mapping"):
        read_live_config_file(path)
    path.write_text("http: {timeout: 3}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"live config .*live.yaml"):
        read_live_config_file(path)
