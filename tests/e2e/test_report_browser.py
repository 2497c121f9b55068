"""The report's page in headless Chromium (Debian's package, driven by Playwright): offline, no
console errors, every chart drawn with one mark per data point.

`make test` installs Chromium when it is missing, so these tests never skip: without a browser
they fail and say how to install one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flows.cli import main
from tests.e2e.conftest import Refresh
from warehouse.config import DataPaths

pytestmark = pytest.mark.e2e
FIGURES = ("figure_1", "figure_2", "figure_3")
CHROMIUM_ENV = "LIMWH_CHROMIUM"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).is_file():
        pytest.fail(
            f"no Chromium at {found}: run `make browser` (apt-get install chromium) or set "
            f"{CHROMIUM_ENV}"
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageLoad:
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts_rendered: int = -1
    marks: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        """Console errors and warnings (Vega logs its warnings there), uncaught exceptions,
        and any request that is not the page itself."""
        out = [f"console {kind}: {text}" for kind, text in self.console if kind != "log"]
        out += [f"page error: {e}" for e in self.page_errors]
        out += [f"request: {url}" for url in self.requests if not url.startswith("file://")]
        return out


def load(browser, page_file: Path) -> PageLoad:
    """Open the page with the network cut off; wait until its charts have settled."""
    result = PageLoad()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    page.on("console", lambda m: result.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: result.page_errors.append(str(e)))

    def record(route) -> None:
        result.requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", record)
    try:
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-charts-rendered]", timeout=30_000)
        result.charts_rendered = int(page.evaluate("document.body.dataset.chartsRendered"))
        result.marks = page.evaluate(
            """() => Object.fromEntries(
                 Array.from(document.querySelectorAll('[data-vega-spec]')).map(el => [
                   el.id,
                   {lines: el.querySelectorAll('svg g.mark-line.role-mark path').length,
                    symbols: el.querySelectorAll('svg g.mark-symbol.role-mark path').length}]))"""
        )
    finally:
        context.close()
    return result


def points_in_spec(html: str, name: str) -> int:
    """How many points (non-null values) a figure's embedded spec carries."""
    match = re.search(
        rf'<script type="application/json" id="spec-{name}">(.*?)</script>', html, re.S
    )
    assert match, f"no spec for {name} in the page"
    spec = json.loads(match.group(1))
    return sum(1 for rows in spec["datasets"].values() for row in rows if row["value"] is not None)


@pytest.fixture(scope="module")
def limburg_page(good_run: Refresh, data_dir: Path) -> Path:
    """The Dutch Limburg report the nightly flow wrote after publishing."""
    assert good_run.returncode == 0, good_run.describe()
    page = DataPaths(data_dir).root / "report" / "BE22_nl" / "index.html"
    assert page.is_file(), good_run.describe()
    return page


def test_report_page_renders_every_chart_offline(browser, limburg_page: Path) -> None:
    loaded = load(browser, limburg_page)
    assert loaded.problems == []
    assert loaded.charts_rendered == 3
    html = limburg_page.read_text(encoding="utf-8")
    for name in FIGURES:
        marks = loaded.marks[f"chart-{name}"]
        assert marks["lines"] >= 2, (name, marks)
        # one symbol per data point: nothing dropped, nothing invented
        assert marks["symbols"] == points_in_spec(html, name), (name, marks)


def test_report_for_antwerp_in_english_renders(
    browser, good_run: Refresh, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "antwerp"
    args = ["report", "--data-dir", str(data_dir), "--region", "BE21", "--lang", "en"]
    assert main([*args, "--out", str(out), "--no-png"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".limwh-report", "index.html"]
    assert "PNG</a>" not in (out / "index.html").read_text(encoding="utf-8")  # no dead links
    loaded = load(browser, out / "index.html")
    assert loaded.problems == []
    assert loaded.charts_rendered == 3
    assert all(m["symbols"] > 0 and m["lines"] > 0 for m in loaded.marks.values())


def test_a_broken_chart_is_caught(browser, limburg_page: Path, tmp_path: Path) -> None:
    """The checks above can fail: a spec Vega-Lite rejects shows as a console error and as
    one chart fewer rendered."""
    broken = tmp_path / "index.html"
    html = limburg_page.read_text(encoding="utf-8")
    html = html.replace('"mark": {"type": "line"', '"mark": {"type": "no-such-mark"', 1)
    assert "no-such-mark" in html
    broken.write_text(html, encoding="utf-8")
    loaded = load(browser, broken)
    assert loaded.charts_rendered == 2
    assert any("chart-figure_1 failed" in p for p in loaded.problems), loaded.problems


def test_a_page_that_reaches_the_network_is_caught(
    browser, limburg_page: Path, tmp_path: Path
) -> None:
    page = tmp_path / "index.html"
    html = limburg_page.read_text(encoding="utf-8")
    link = '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
    page.write_text(html.replace("</head>", link + "</head>", 1), encoding="utf-8")
    loaded = load(browser, page)
    assert any("cdn.example.org" in p for p in loaded.problems), loaded.problems


def test_the_figures_are_written_as_png(limburg_page: Path) -> None:
    sizes = set()
    for name in FIGURES:
        png = limburg_page.with_name(f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = struct.unpack(">II", png[16:24])
        assert width >= 1000 and height >= 500, (name, width, height)
        sizes.add(len(png))
    assert len(sizes) == 3  # three different pictures
