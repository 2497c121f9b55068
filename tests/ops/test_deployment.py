"""The scheduled refresh: the served deployment exists with its cron on a real Prefect server,
fetches live, and a run triggered through the Prefect API against loopback publishers serving
the real-layout fixtures (tests/fixtures) completes and publishes their values."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from extract.catalog import load_catalog
from flows.deployment import DEFAULT_CRON, DEFAULT_TIMEZONE, LIVE_CONFIG, deployment_parameters
from tests.fake_publishers import FakePublishers, serve_fixtures, write_live_config
from tests.fixtures.publishers import FIXTURE_CELL, statbel_province_totals
from tests.ops.conftest import TIMEOUT, kill_group
from warehouse.config import DataPaths
from warehouse.meta.read import published_run_id

pytestmark = pytest.mark.e2e

CLIENT = textwrap.dedent(
    """
    import json, sys, time
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    name = "nightly_refresh/nightly"
    with get_client(sync_client=True) as client:
        for _ in range(1200):  # the served process registers it after its own start-up
            try:
                deployment = client.read_deployment_by_name(name)
                break
            except ObjectNotFound:
                time.sleep(0.5)
        else:
            sys.exit("deployment never appeared")
        schedules = [
            {"cron": s.schedule.cron, "timezone": s.schedule.timezone, "active": s.active}
            for s in deployment.schedules
        ]
    run = run_deployment(name, timeout=600, poll_interval=1)
    print(json.dumps({
        "schedules": schedules,
        "parameters": deployment.parameters,
        "state": run.state.type.value,
        "state_name": run.state.name,
    }))
    """
)


def test_deployment_parameters_are_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    params = deployment_parameters("rel/data", None)
    assert params["data_dir"] == str(tmp_path / "rel" / "data")
    assert Path(params["snapshot_dir"]).is_absolute() and params["force"] is False
    # Live by default, with the production config; the offline rebuild on request.
    assert params["live"] is True
    assert params["live_config_file"] == str(LIVE_CONFIG.resolve())
    offline = deployment_parameters("rel/data", None, live_config=None)
    assert offline["live"] is False and "live_config_file" not in offline


def test_a_live_config_that_does_not_read_is_refused_when_served(tmp_path: Path) -> None:
    bad = tmp_path / "live.yaml"
    bad.write_text("sources: [nbb_regaca38]\nbase_url: typo\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"live config .*live.yaml: .*unknown key\(s\) base_url"):
        deployment_parameters(str(tmp_path / "data"), None, bad)


def test_served_deployment_runs_live_on_cron_and_publishes(ops_env: dict, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = dict(ops_env, PREFECT_RUNNER_POLL_FREQUENCY="1")
    fake = FakePublishers()
    serve_fixtures(fake)
    sources = [d.id for d in load_catalog() if d.id != "nbb_regaca10"]
    config = write_live_config(tmp_path / "live.json", fake, sources=sources)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.deployment",
            "--data-dir",
            str(data),
            "--live-config",
            str(config),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=tmp_path,  # nothing may depend on the working directory
    )
    try:
        client = subprocess.run(
            [sys.executable, "-c", CLIENT],
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    finally:
        kill_group(server)
        log.close()
        fake.close()
    served = (tmp_path / "serve.log").read_text()
    assert client.returncode == 0, f"{client.stdout}\n{client.stderr}\n--- serve\n{served}"
    result = json.loads(client.stdout.strip().splitlines()[-1])
    assert result["schedules"] == [
        {"cron": DEFAULT_CRON, "timezone": DEFAULT_TIMEZONE, "active": True}
    ]
    assert result["parameters"]["data_dir"] == str(data)
    assert result["parameters"]["live"] is True
    assert result["parameters"]["live_config_file"] == str(config)
    assert result["state"] == "COMPLETED", (result, served)

    paths = DataPaths(data)
    assert paths.published.is_file()
    run_id = published_run_id(paths.published)
    assert run_id
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        (limburg_2024,) = con.execute(
            "SELECT value FROM marts.fct_indicator_values WHERE indicator_id = 'vat_enterprises' "
            "AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2024"
        ).fetchone()
        fetched = con.execute(
            "SELECT DISTINCT source_id FROM raw.source_files WHERE url LIKE 'http://127.0.0.1:%'"
        ).fetchall()
        layouts = con.execute(
            "SELECT DISTINCT layout FROM raw.statbel_vat_enterprises ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    # The fixtures' values: the published province figure plus the cell only the fixture has.
    assert limburg_2024 == statbel_province_totals(2024)[(70000, "ALL")] + FIXTURE_CELL.vat
    assert {s for (s,) in fetched} == {
        "nbb_regaca38",
        "statbel_vat_enterprises",
        "statbel_vat_starters",
        "eurostat_employment_rate",
        "eurostat_gdp_per_inhabitant",
        "eurostat_employment_by_industry",
    }
    assert layouts == [("complete",), ("minimal",)]
    manifest = json.loads((data / "exports" / "manifest.json").read_text())
    assert manifest["run_id"] == run_id
