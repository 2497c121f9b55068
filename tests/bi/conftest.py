"""The opt-in Superset test's fixtures: a published warehouse, the dashboard bundle, and one
Superset server per session on 127.0.0.1 (its own virtualenv, a temporary SUPERSET_HOME with
a SQLite metadata database, no examples), logged in through the REST API as an admin."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from extract.paths import SNAPSHOT_DIR
from warehouse.config import TELEMETRY_OFF

REPO = Path(__file__).resolve().parents[2]
VENV_ENV = "LIMWH_SUPERSET_VENV"  # default: <repo>/.venv-superset (make test-bi installs it)
DATA_ENV = "LIMWH_BI_DATA_DIR"  # a data directory with a published warehouse.duckdb
TIMEOUT = 900
START_TIMEOUT = 180


def _elapsed(start: float) -> str:
    return f"{time.monotonic() - start:.1f} s"


@pytest.fixture(scope="session")
def superset_venv() -> Path:
    venv = Path(os.environ.get(VENV_ENV) or REPO / ".venv-superset")
    if not (venv / "bin" / "superset").is_file():
        pytest.fail(
            f"no Superset virtualenv at {venv} ({venv / 'bin' / 'superset'} missing). "
            f"`make test-bi` installs it from compat/superset.lock; or set {VENV_ENV} to a "
            "virtualenv with apache-superset[duckdb]==6.1.0.",
            pytrace=False,
        )
    return venv


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published warehouse file: from LIMWH_BI_DATA_DIR, or a fresh `limwh refresh`."""
    if given := os.environ.get(DATA_ENV):
        db_file = Path(given) / "warehouse.duckdb"
        if not db_file.is_file():
            pytest.fail(f"{DATA_ENV}={given} holds no warehouse.duckdb", pytrace=False)
        return db_file.resolve()
    if not (SNAPSHOT_DIR / "manifest.json").exists():
        pytest.skip(f"no embedded snapshot ({SNAPSHOT_DIR / 'manifest.json'})")
    data_dir = tmp_path_factory.mktemp("bi_data")
    env = dict(os.environ) | TELEMETRY_OFF
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("bi_prefect_home"))
    for key in ("PREFECT_API_URL", "LIMWH_SNAPSHOT_DIR", "LIMWH_DATA_DIR"):
        env.pop(key, None)  # the ephemeral API on loopback and the embedded snapshot
    script = Path(sys.executable).with_name("limwh")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]
    start = time.monotonic()
    proc = subprocess.run(
        [*cmd, "refresh", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, f"limwh refresh: exit {proc.returncode}\n{proc.stderr}"
    print(f"[bi] limwh refresh into {data_dir}: {_elapsed(start)}")
    return (data_dir / "warehouse.duckdb").resolve()


@pytest.fixture(scope="session")
def bundle(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dashboard bundle, written by the generator's command line."""
    out = tmp_path_factory.mktemp("bi_bundle") / "limburg_dashboard.zip"
    proc = subprocess.run(
        [sys.executable, "-m", "tools.superset_bundle", "--db", str(warehouse), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"bundle generator: exit {proc.returncode}\n{proc.stderr}"
    return out


class Superset:
    """A running Superset server and an API session (bearer token and CSRF token)."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log
        self.http = requests.Session()

    def login(self, username: str, password: str) -> None:
        r = self.http.post(
            f"{self.url}/api/v1/security/login",
            json={"username": username, "password": password, "provider": "db", "refresh": True},
            timeout=60,
        )
        assert r.status_code == 200, f"login: {r.status_code} {r.text}\n{self.log_tail()}"
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        # POSTs (imports, SQL Lab) need a CSRF token bound to this session's cookie.
        csrf = self.get("/api/v1/security/csrf_token/")["result"]
        self.http.headers.update({"X-CSRFToken": csrf, "Referer": self.url})

    def get(self, path: str, expect: int = 200) -> dict:
        r = self.http.get(f"{self.url}{path}", timeout=300)
        assert r.status_code == expect, f"GET {path}: {r.status_code} {r.text[:2000]}"
        return r.json()

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return self.http.post(f"{self.url}{path}", timeout=300, **kwargs)

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "--- Superset log (tail)\n" + "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(home: Path) -> str:
    # Everything local: SQLite metadata in the temporary home, no caches, no CSP headers for a
    # loopback test server, no rate limits on the API logins, no thumbnails or reports.
    return textwrap.dedent(
        f"""\
        SECRET_KEY = {secrets.token_hex(32)!r}
        SQLALCHEMY_DATABASE_URI = {f"sqlite:///{home / 'superset.db'}"!r}
        DATA_DIR = {str(home)!r}
        TALISMAN_ENABLED = False
        CONTENT_SECURITY_POLICY_WARNING = False
        AUTH_RATE_LIMITED = False
        RATELIMIT_ENABLED = False
        CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}
        DATA_CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}
        FEATURE_FLAGS = {{"THUMBNAILS": False, "ALERT_REPORTS": False}}
        """
    )


@pytest.fixture(scope="session")
def superset(superset_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Superset]:
    home = tmp_path_factory.mktemp("superset_home")
    (home / "superset_config.py").write_text(_config(home))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env |= TELEMETRY_OFF | {
        "VIRTUAL_ENV": str(superset_venv),
        "PATH": f"{superset_venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "SUPERSET_HOME": str(home),
        "SUPERSET_CONFIG_PATH": str(home / "superset_config.py"),
        "FLASK_APP": "superset",
    }
    superset_cli = str(superset_venv / "bin" / "superset")
    password = secrets.token_urlsafe(16)
    start = time.monotonic()
    admin = "--username admin --firstname BI --lastname Test --email admin@example.invalid"
    for args in (
        ["db", "upgrade"],
        ["fab", "create-admin", *admin.split(), "--password", password],
        ["init"],
    ):
        proc = subprocess.run(
            [superset_cli, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=home,
            timeout=TIMEOUT,
            check=False,
        )
        assert proc.returncode == 0, f"superset {args[0]}: exit {proc.returncode}\n{proc.stderr}"
    print(f"[bi] superset db upgrade, create-admin, init: {_elapsed(start)}")

    port = _free_port()
    log = home / "server.log"
    start = time.monotonic()
    with log.open("w") as out:
        server = subprocess.Popen(
            [superset_cli, "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=home,
            start_new_session=True,  # its own process group: stopped as a whole below
        )
    instance = Superset(f"http://127.0.0.1:{port}", log)
    try:
        _wait_healthy(instance, server)
        print(f"[bi] superset run on {instance.url}: healthy after {_elapsed(start)}")
        instance.login("admin", password)
        yield instance
    finally:
        _stop(server)


def _wait_healthy(instance: Superset, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(
                f"superset run exited ({server.returncode})\n{instance.log_tail()}"
            )
        try:
            if requests.get(f"{instance.url}/health", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"Superset not healthy after {START_TIMEOUT} s\n{instance.log_tail()}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
