"""The scheduled nightly refresh: a Prefect deployment of `nightly_refresh`, served on a cron.

The schedule fetches live from the publishers, with the production live config
(deploy/live.yaml, read by each run when it starts); `--snapshot` serves the offline rebuild
of the embedded snapshot instead. A night without network falls back to each source's last
good version: the run publishes and records the stale sources, which `limwh status --check`
reports (exit 4) for alerting.

`flow.serve(...)` only schedules runs against a real Prefect server (the ephemeral API started
inside a process schedules nothing), so this module either uses the server named by
PREFECT_API_URL or, with `--start-server`, starts `prefect server start` on loopback itself and
stops it on exit. `make serve` runs the latter.

The default schedule is 04:30 Europe/Brussels: after midnight, clear of the 02:00-03:00 hour
that the daylight-saving change skips or repeats.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from extract.live_config import read_live_config_file
from extract.paths import PROJECT_ROOT, SNAPSHOT_DIR
from warehouse.config import DataPaths, disable_telemetry

DEPLOYMENT_NAME = "nightly"
FLOW_NAME = "nightly_refresh"
DEFAULT_CRON = "30 4 * * *"
DEFAULT_TIMEZONE = "Europe/Brussels"
DEFAULT_PORT = 4200
LIVE_CONFIG = PROJECT_ROOT / "deploy" / "live.yaml"
SERVER_START_TIMEOUT = 180  # seconds: a cold Prefect server migrates its SQLite database first


def deployment_parameters(
    data_dir: str | None,
    snapshot_dir: str | None,
    live_config: str | Path | None = LIVE_CONFIG,
) -> dict:
    """Absolute paths, resolved now: a served run must not depend on the runner's cwd.
    `live_config` None: the offline rebuild of the snapshot. A config that does not read is
    refused now, not at 04:30."""
    paths = DataPaths.resolve(data_dir)
    snapshot = Path(snapshot_dir or os.environ.get("LIMWH_SNAPSHOT_DIR") or SNAPSHOT_DIR)
    params = {
        "data_dir": str(paths.root),
        "snapshot_dir": str(snapshot.expanduser().resolve()),
        "force": False,
        "live": live_config is not None,
    }
    if live_config is not None:
        config = Path(live_config).expanduser().resolve()
        read_live_config_file(config)
        params["live_config_file"] = str(config)
    return params


def serve(
    data_dir: str | None = None,
    snapshot_dir: str | None = None,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    live_config: str | Path | None = LIVE_CONFIG,
) -> None:
    """Register the deployment `nightly_refresh/nightly` and run its scheduled runs until
    stopped (blocks)."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.nightly_refresh import nightly_refresh

    if not os.environ.get("PREFECT_API_URL"):
        raise SystemExit(
            "PREFECT_API_URL is not set: flow.serve schedules nothing on Prefect's ephemeral "
            "API. Start a server (`prefect server start`) or use --start-server."
        )
    params = deployment_parameters(data_dir, snapshot_dir, live_config)
    origin = (
        f"live, config {params['live_config_file']}"
        if params["live"]
        else f"the embedded snapshot {params['snapshot_dir']}"
    )
    print(
        f"serving {FLOW_NAME}/{DEPLOYMENT_NAME}: cron {cron!r} ({timezone}), {origin}, "
        f"data {params['data_dir']}, API {os.environ['PREFECT_API_URL']}",
        flush=True,
    )
    nightly_refresh.serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=timezone)],
        parameters=params,
        description="Nightly write-audit-publish refresh of the Limburg warehouse.",
        tags=["limwh"],
        entrypoint_type=EntrypointType.MODULE_PATH,
        # A service restart (reboot, upgrade) must not leave the schedule paused.
        pause_on_shutdown=False,
        print_starting_message=False,
    )


def wait_for_server(api_url: str, timeout: float = SERVER_START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.5)
    raise RuntimeError(f"Prefect server at {api_url} did not answer within {timeout} s: {last}")


@contextlib.contextmanager
def prefect_server(
    port: int = DEFAULT_PORT, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """Run `prefect server start` on 127.0.0.1:port; yield its API URL; stop it on exit."""
    env = dict(env if env is not None else os.environ)
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"})
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    cmd = [str(prefect)] if prefect.exists() else [sys.executable, "-m", "prefect"]
    out = log.open("ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [*cmd, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for_server(api_url)
        yield api_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log:
            out.close()  # type: ignore[union-attr]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.deployment",
        description=(
            "Serve the nightly_refresh deployment on a cron schedule (default 04:30 "
            "Europe/Brussels) against a Prefect server: the one PREFECT_API_URL names, or "
            "one started on 127.0.0.1 with --start-server."
        ),
    )
    parser.add_argument("--start-server", action="store_true", help="start a local server")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="its port (4200)")
    parser.add_argument("--cron", default=DEFAULT_CRON, help=f"schedule ({DEFAULT_CRON!r})")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE, help="of the schedule")
    parser.add_argument("--data-dir", metavar="DIR", help="($LIMWH_DATA_DIR or ./data)")
    parser.add_argument("--snapshot-dir", metavar="DIR", help="(the embedded snapshot)")
    origin = parser.add_mutually_exclusive_group()
    origin.add_argument(
        "--live-config",
        metavar="FILE",
        default=str(LIVE_CONFIG),
        help="the live config each run reads (default: deploy/live.yaml)",
    )
    origin.add_argument(
        "--snapshot",
        action="store_true",
        help="rebuild the embedded snapshot each night instead of fetching live",
    )
    args = parser.parse_args(argv)
    disable_telemetry()
    live_config = None if args.snapshot else args.live_config
    try:
        deployment_parameters(args.data_dir, args.snapshot_dir, live_config)
    except ValueError as exc:
        parser.error(str(exc))
    if args.start_server:
        with prefect_server(args.port) as api_url:
            os.environ["PREFECT_API_URL"] = api_url
            print(f"Prefect server on {api_url} (UI off; stop with Ctrl-C)", flush=True)
            serve(args.data_dir, args.snapshot_dir, args.cron, args.timezone, live_config)
    else:
        serve(args.data_dir, args.snapshot_dir, args.cron, args.timezone, live_config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
