"""A local HTTP server on 127.0.0.1 that plays the publishers in their real wire formats.

- NBB.Stat: the SDMX-JSON 2.0 message of the embedded snapshot (DF_REGACA38), served as
  application/vnd.sdmx.data+json; version=2.0.0, without ETag (NBB sends none);
- Eurostat: a JSON-stat 2.0 dataset shaped like the dissemination API's answer, with ETag and
  Last-Modified (so conditional requests can be tested);
- Statbel: TF_VAT_NACE_EMPL, one file per year in its real layouts and names (tests/fixtures);
- be.STAT: the view API's JSON result of VAT starters (tests/fixtures).

`serve_fixtures` scripts every publisher with an API or a file URL: NBB and Eurostat serve the
embedded snapshot's files (their layouts are checked against real responses in the unit
tests), Statbel and be.STAT the real-layout fixtures, so that a live run can load every source
and pass every check. Any path no script matches answers 404, as a publisher does.

Each route replays a script of `Reply`s, one per request (the last one repeats), so a test can
inject faults: a stall (timeout), a reset connection, 429 with Retry-After, 500 then success,
an HTML page with status 200, a body cut off before its Content-Length, and so on.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from extract.paths import SNAPSHOT_DIR
from extract.snapshot import load_manifest
from tests.fixtures.publishers import STATBEL_FILES, bestat_starters, statbel_file
from tools.publisher_layouts.statbel import MINIMAL_COLUMNS, VatCell, minimal_rows, vat_zip

NBB_SNAPSHOT_FILE = SNAPSHOT_DIR / "nbb" / "BE2_DF_REGACA38_1.0.json"
SDMX_JSON = "application/vnd.sdmx.data+json; charset=utf-8; version=2.0.0"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROUTES = {  # catalog dataset id -> a part of the request path that identifies it
    "nbb_regaca38": "DF_REGACA38",
    "nbb_regaca10": "DF_REGACA10",
    "eurostat_employment_rate": "lfst_r_lfe2emprt",
    "eurostat_gdp_per_inhabitant": "nama_10r_3gdp",
    "eurostat_employment_by_industry": "nama_10r_3empers",
    "statbel_vat_enterprises": "VAT_NACE_EMPL",
    "statbel_vat_starters": "bestat/api/views",
}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    stall: float = 0.0  # seconds to wait before answering (longer than the read timeout)
    reset: bool = False  # drop the connection with a TCP reset instead of answering
    cut_at: int | None = None  # send only this many bytes of the body, then close
    etag: str | None = None  # answer 304 when the request's If-None-Match equals it


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FakePublishers:
    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def base_urls(self) -> dict[str, str]:
        return {
            "NBB": f"{self.base_url}/nbb",
            "Eurostat": f"{self.base_url}/eurostat",
            "Statbel": f"{self.base_url}/statbel",
        }

    def script(self, source_id: str, *replies: Reply, year: str | None = None) -> None:
        """Script a source's route; `year`: only that year's file of a yearly source."""
        marker = ROUTES[source_id] + (f"_{year}." if year else "")
        self.script_path(marker, *replies)

    def script_path(self, marker: str, *replies: Reply) -> None:
        """Script every path that contains `marker` (a file name, say)."""
        with self._lock:
            self.scripts[marker] = list(replies)

    def reset(self) -> None:
        with self._lock:
            self.scripts.clear()
            self.requests.clear()

    def hits(self, source_id: str) -> list[Seen]:
        return [r for r in self.requests if ROUTES[source_id] in r.path]

    def next_reply(self, path: str) -> Reply | None:
        with self._lock:
            for marker, replies in self.scripts.items():
                if marker in path and replies:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(publishers: FakePublishers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            publishers.requests.append(Seen(self.path, dict(self.headers)))
            reply = publishers.next_reply(self.path)
            if reply is None:
                self._send(Reply(404, b"not found", "text/plain"))
                return
            if reply.stall:
                time.sleep(reply.stall)
            if reply.reset:
                # SO_LINGER 0: close() sends RST, the client sees "connection reset by peer".
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                return
            if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                self._send(Reply(304, b"", None, {"ETag": reply.etag}))
                return
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            if reply.etag:
                self.send_header("ETag", reply.etag)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            body = reply.body if reply.status != 304 else b""
            self.send_header("Content-Length", str(len(body)))
            if reply.cut_at is not None:
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: reply.cut_at])
                self.wfile.flush()
                self.close_connection = True
                return
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


# --- the publishers' files -------------------------------------------------------------------


def serve_fixtures(publishers: FakePublishers) -> None:
    """Serve every source with a URL to fetch: NBB and Eurostat the embedded snapshot's
    current files, Statbel's yearly files and be.STAT's starters view the real-layout
    fixtures, each year under the name Statbel uses for it (2015 and 2019 only under another
    name, 2023 only as a workbook)."""
    snapshot = load_manifest()
    publishers.script("nbb_regaca38", nbb_reply())
    eurostat = (
        "eurostat_employment_rate",
        "eurostat_gdp_per_inhabitant",
        "eurostat_employment_by_industry",
    )
    for source_id in eurostat:
        # What Eurostat serves today: the current file, not an older release.
        entry = max(snapshot.entries(source_id), key=lambda e: e.retrieved_at)
        publishers.script(source_id, Reply(body=snapshot.read_bytes(entry)))
    for year in STATBEL_FILES:
        name, body = statbel_file(year)
        publishers.script_path(f"/{name}", statbel_reply(name, body))
    publishers.script("statbel_vat_starters", Reply(body=bestat_starters()))


def statbel_reply(name: str, body: bytes, **kw: object) -> Reply:
    if name.endswith(".xlsx"):
        return Reply(body=body, content_type=XLSX, **kw)
    return zip_reply(body, **kw)


def nbb_message() -> bytes:
    return NBB_SNAPSHOT_FILE.read_bytes()


def nbb_reply(body: bytes | None = None, **kw: object) -> Reply:
    return Reply(body=nbb_message() if body is None else body, content_type=SDMX_JSON, **kw)


def nbb_revised(delta: float, *, item: str = "EMPLOY", nuts: str = "220", branch: str = "TOT",
                year: str = "2021") -> tuple[bytes, float, float]:  # fmt: skip
    """The NBB message with one observation revised by `delta`: (bytes, old, new value)."""
    doc = json.loads(nbb_message())
    st = doc["data"]["structures"][0]
    dims = st["dimensions"]
    series_dims = dims["series"]
    wanted = {"ITEM": item, "NUTS": nuts, "BRANCH": branch}
    key_parts = []
    for d in series_dims:
        codes = [v["id"] for v in d["values"]]
        key_parts.append(str(codes.index(wanted[d["id"]])) if d["id"] in wanted else None)
    time_codes = [v["id"] for v in dims["observation"][0]["values"]]
    t = str(time_codes.index(year))
    for key, series in doc["data"]["dataSets"][0]["series"].items():
        parts = key.split(":")
        if all(w is None or w == p for w, p in zip(key_parts, parts, strict=True)):
            obs = series["observations"][t]
            old = obs[0]
            obs[0] = round(old + delta, 6)
            return json.dumps(doc).encode(), old, obs[0]
    raise KeyError(f"no series {wanted} in the NBB snapshot")


def nbb_renamed_dimension(old: str = "NUTS", new: str = "REF_AREA") -> bytes:
    doc = json.loads(nbb_message())
    for level in ("series", "observation", "dataSet"):
        for d in doc["data"]["structures"][0]["dimensions"].get(level) or []:
            if d["id"] == old:
                d["id"] = new
    return json.dumps(doc).encode()


def eurostat_json_stat(values: dict[str, float] | None = None) -> bytes:
    """A JSON-stat 2.0 dataset as Eurostat's dissemination API serves lfst_r_lfe2emprt."""
    geos = ["BE", "BE2", "BE22"]
    years = ["2022", "2023"]
    values = values or {"0": 71.9, "1": 72.1, "2": 76.3, "3": 77.0, "4": 73.6, "5": 73.9}
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "Employment rates by sex, age and NUTS 2 region (%)",
        "source": "ESTAT",
        "updated": "2026-04-24T23:00:00+0200",
        "value": values,
        "status": {},
        "id": ["freq", "unit", "sex", "age", "geo", "time"],
        "size": [1, 1, 1, 1, len(geos), len(years)],
        "dimension": {
            "freq": {"label": "Time frequency", "category": {"index": {"A": 0}}},
            "unit": {"label": "Unit of measure", "category": {"index": {"PC": 0}}},
            "sex": {"label": "Sex", "category": {"index": {"T": 0}}},
            "age": {"label": "Age class", "category": {"index": {"Y20-64": 0}}},
            "geo": {
                "label": "Geopolitical entity",
                "category": {"index": {g: i for i, g in enumerate(geos)}},
            },
            "time": {"label": "Time", "category": {"index": {y: i for i, y in enumerate(years)}}},
        },
        "extension": {"datasetId": "lfst_r_lfe2emprt", "lang": "EN"},
    }
    return json.dumps(doc).encode()


STATBEL_COLUMNS = list(MINIMAL_COLUMNS)


def statbel_zip(
    columns: list[str] | None = None, member: str = "TF_VAT_NACE_EMPL_2024.txt"
) -> bytes:
    """A small TF_VAT_NACE_EMPL file in the minimal layout (`columns` renames its header)."""
    rows = minimal_rows([VatCell(71000, "01", "10110", 12, 1, 0), VatCell(72000, "05", "29100", 3)])
    rows[0] = list(columns or STATBEL_COLUMNS)
    return vat_zip(member, rows)


def zip_reply(body: bytes, **kw: object) -> Reply:
    return Reply(body=body, content_type="application/zip", **kw)


HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Request Rejected</title></head>"
    b"<body>The requested URL was rejected. Please consult with your administrator.</body></html>"
)


def write_live_config(path: Path, publishers: FakePublishers, **extra: object) -> Path:
    config = {
        "base_urls": publishers.base_urls(),
        "http": FAST_HTTP,
        **extra,
    }
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


# Short timeouts and backoff: a fault costs the tests fractions of a second.
FAST_HTTP = {
    "connect_timeout": 1.0,
    "read_timeout": 0.5,
    "attempts": 3,
    "backoff_base": 0.01,
    "backoff_max": 0.2,
}
