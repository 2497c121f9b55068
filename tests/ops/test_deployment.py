"""The scheduled refresh: the served deployment exists with its cron on a real Prefect server,
and a run triggered through the Prefect API completes and publishes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from flows.deployment import DEFAULT_CRON, DEFAULT_TIMEZONE, deployment_parameters
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


def test_served_deployment_runs_on_cron_and_publishes(ops_env: dict, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = dict(ops_env, PREFECT_RUNNER_POLL_FREQUENCY="1")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "flows.deployment", "--data-dir", str(data)],
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
    served = (tmp_path / "serve.log").read_text()
    assert client.returncode == 0, f"{client.stdout}\n{client.stderr}\n--- serve\n{served}"
    result = json.loads(client.stdout.strip().splitlines()[-1])
    assert result["schedules"] == [
        {"cron": DEFAULT_CRON, "timezone": DEFAULT_TIMEZONE, "active": True}
    ]
    assert result["parameters"]["data_dir"] == str(data)
    assert result["state"] == "COMPLETED", (result, served)

    paths = DataPaths(data)
    assert paths.published.is_file()
    run_id = published_run_id(paths.published)
    assert run_id
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM marts.fct_indicator_values").fetchall()[0][0]
    finally:
        con.close()
    assert n > 0
    manifest = json.loads((data / "exports" / "manifest.json").read_text())
    assert manifest["run_id"] == run_id
