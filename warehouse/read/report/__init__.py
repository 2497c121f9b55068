"""`limwh report`: the article's Figures 1-3 and Tables 1-3 redrawn from a published warehouse,
as one self-contained HTML page plus a PNG per figure, for any Flemish province."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.read.report.data import ReportDataError, read_report_data
from warehouse.read.report.labels import FORMAT_LOCALE, LANGUAGES

__all__ = [
    "DEFAULT_REGION",
    "ReportDataError",
    "ReportFolderError",
    "ReportResult",
    "default_out_dir",
    "report_run_id",
    "write_report",
]

DEFAULT_REGION = "BE22"  # province Limburg
PAGE = "index.html"


@dataclass(frozen=True)
class ReportResult:
    folder: Path
    page: Path
    pngs: tuple[Path, ...]
    region_code: str
    lang: str
    status_counts: dict[str, int] = field(default_factory=dict)  # the values shown, by status

    def status_line(self) -> str:
        """'24 real (11 official, 13 derived), 542 modelled, of 566 values'."""
        real = {k: v for k, v in self.status_counts.items() if k != "modelled" and v}
        parts = ", ".join(f"{v} {k}" for k, v in sorted(real.items()))
        total = sum(self.status_counts.values())
        return (
            f"{sum(real.values())} real ({parts or 'none'}), "
            f"{self.status_counts.get('modelled', 0)} modelled, of {total} values"
        )


# Every report folder holds this file, to say what wrote it. A folder that holds anything but
# a report's own files is never replaced.
MARKER = ".limwh-report"


class ReportFolderError(ReportDataError):
    """The output folder holds something that is not a report: it is left alone."""


def check_out_dir(out_dir: Path) -> None:
    """A report replaces only a folder of a report's own files (or an empty one, or none)."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink():
        raise ReportFolderError(f"{out_dir} is a symbolic link: a report is not written there")
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ReportFolderError(f"{out_dir} is a file, not a folder: not replaced")
    entries = list(out_dir.iterdir())
    # Only a report's own files (a report written before the marker existed has no marker).
    own = {PAGE, MARKER, "figure_1.png", "figure_2.png", "figure_3.png"}
    if not {p.name for p in entries} <= own:
        shown = ", ".join(sorted(p.name for p in entries)[:5])
        raise ReportFolderError(
            f"{out_dir} holds files that are not a report ({shown}): choose an empty or new "
            "folder; nothing was changed"
        )


def default_out_dir(data_root: Path, region_code: str, lang: str) -> Path:
    return Path(data_root) / "report" / f"{region_code}_{lang}"


def write_report(
    db_file: Path,
    out_dir: Path,
    region_code: str = DEFAULT_REGION,
    lang: str = "nl",
    png: bool = True,
) -> ReportResult:
    """Write out_dir/index.html and out_dir/figure_{1,2,3}.png. The folder is filled aside and
    swapped in at the end, so a failure leaves the previous report as it was. A folder that
    holds anything but a previous report is refused (ReportFolderError), never emptied."""
    import vl_convert

    from warehouse.read.report.charts import VEGA_LITE_VERSION, figure_specs
    from warehouse.read.report.page import render_page

    if lang not in LANGUAGES:
        raise ReportDataError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    data = read_report_data(Path(db_file), region_code)
    specs = figure_specs(data, lang)
    page = render_page(data, specs, lang, png=png)

    check_out_dir(Path(out_dir))
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (tmp / MARKER).write_text("written by limwh report; replaced by the next one\n")
        (tmp / PAGE).write_text(page, encoding="utf-8")
        pngs = []
        if png:
            for name, spec in specs.items():
                image = vl_convert.vegalite_to_png(
                    spec,
                    vl_version=VEGA_LITE_VERSION,
                    scale=2,
                    format_locale=FORMAT_LOCALE[lang],
                )
                (tmp / f"{name}.png").write_bytes(image)
                pngs.append(out_dir / f"{name}.png")
        os.chmod(tmp, 0o755)
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    counts = shown_statuses(page, specs)
    return ReportResult(out_dir, out_dir / PAGE, tuple(pngs), region_code, lang, counts)


def shown_statuses(page: str, specs: dict[str, dict]) -> dict[str, int]:
    """How many values the report shows, by status: the tables' cells and the figures'
    points."""
    import re
    from collections import Counter

    counts = Counter(re.findall(r'data-status="(\w+)"', page))
    for spec in specs.values():
        for rows in (spec.get("datasets") or {}).values():
            shown = [r for r in rows if r.get("value") is not None]
            counts.update(r["status_code"] for r in shown if r.get("status_code"))
    return dict(counts)


def report_run_id(page: Path) -> str | None:
    """The run whose warehouse a report page was drawn from (None: no page, or no run)."""
    import re

    try:
        head = Path(page).read_text(encoding="utf-8")[:4000]
    except OSError:
        return None
    match = re.search(r'<meta name="limwh-run-id" content="([^"]*)">', head)
    return (match.group(1) or None) if match else None


def _swap_in(new: Path, target: Path) -> None:
    """Replace target (a folder) by new: two renames, the old folder removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
