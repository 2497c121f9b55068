"""The format registry: every wire format the publishers serve, in one place.

A format id (as `extract/catalog.yaml` names it) gives:
- the content types a server may send it with (lower case, parameters stripped);
- the raw store's file extension;
- the body check (`sniff`): is this really a file of the format, and what is its schema
  fingerprint;
- the parser into a raw table (`parse`), or None for a format that is checked and stored but
  not loaded yet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extract.formats import (
    bestat,
    json_stat,
    rsz_xlsx,
    sdmx_csv,
    sdmx_json,
    statbel_txt_zip,
    vdab_xlsx,
    xlsx,
)
from extract.formats.sniffing import Sniffed, Sniffing
from extract.formats.tabular import ParsedTable

__all__ = ["FORMATS", "Format", "get_format", "loadable_formats"]

Sniff = Callable[[bytes, Sniffing], Sniffed]
Parse = Callable[..., ParsedTable]  # (data, *, source_id, filename, dimensions) -> ParsedTable


@dataclass(frozen=True)
class Format:
    id: str
    content_types: tuple[str, ...]
    extension: str
    sniff: Sniff
    parse: Parse | None

    @property
    def loadable(self) -> bool:
        return self.parse is not None

    def parse_raw_table(
        self,
        data: bytes,
        *,
        source_id: str,
        filename: str,
        dimensions: Sequence[str] | None = None,
    ) -> ParsedTable:
        if self.parse is None:
            raise LookupError(f"format {self.id!r} has no parser yet")
        return self.parse(data, source_id=source_id, filename=filename, dimensions=dimensions)


def _without_dimensions(parse: Callable[..., ParsedTable]) -> Parse:
    """A parser of a format without SDMX dimensions: `dimensions` does not apply."""

    def adapted(data: bytes, *, source_id: str, filename: str, dimensions=None) -> ParsedTable:
        return parse(data, source_id=source_id, filename=filename)

    return adapted


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format(
            "sdmx-json-2.0",
            sdmx_json.CONTENT_TYPES,
            ".json",
            sdmx_json.sniff,
            sdmx_json.parse_raw_table,
        ),
        Format("sdmx-csv", sdmx_csv.CONTENT_TYPES, ".csv", sdmx_csv.sniff, None),
        Format(
            "json-stat-2.0",
            json_stat.CONTENT_TYPES,
            ".json",
            json_stat.sniff,
            _without_dimensions(json_stat.parse_json_stat),
        ),
        Format(
            "statbel-txt-zip",
            statbel_txt_zip.CONTENT_TYPES,
            ".zip",
            statbel_txt_zip.sniff,
            _without_dimensions(statbel_txt_zip.parse_statbel_vat_zip),
        ),
        Format("xlsx", xlsx.CONTENT_TYPES, ".xlsx", xlsx.sniff, None),
        Format(
            "be-stat",
            bestat.CONTENT_TYPES,
            ".json",
            bestat.sniff,
            _without_dimensions(bestat.parse_bestat_vat_starters),
        ),
        Format(
            "rsz-xlsx",
            xlsx.CONTENT_TYPES,
            ".xlsx",
            rsz_xlsx.sniff,
            _without_dimensions(rsz_xlsx.parse_rsz_establishments),
        ),
        Format(
            "vdab-xlsx",
            xlsx.CONTENT_TYPES,
            ".xlsx",
            vdab_xlsx.sniff,
            _without_dimensions(vdab_xlsx.parse_vdab_job_seekers),
        ),
    )
}


def get_format(format_id: str) -> Format:
    try:
        return FORMATS[format_id]
    except KeyError:
        raise LookupError(f"unknown format {format_id!r} (known: {', '.join(FORMATS)})") from None


def loadable_formats() -> list[str]:
    """Formats with a parser, sorted."""
    return sorted(f.id for f in FORMATS.values() if f.loadable)
