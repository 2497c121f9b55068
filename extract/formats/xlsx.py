"""Excel workbooks (.xlsx). The plain `xlsx` format (Statbel's LFS tables) is checked and stored
but not loaded yet; RSZ's and Arvastat's workbooks share this check and add a parser."""

from __future__ import annotations

from extract.formats.sniffing import Sniffed, Sniffing, safe_unzip, xlsx_header_fingerprint

__all__ = ["CONTENT_TYPES", "sniff"]

CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
    "application/zip",
    "application/vnd.ms-excel",
)


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    members = safe_unzip(at.source_id, at.url, body, max_unpacked=at.max_unpacked)
    return Sniffed(body, xlsx_header_fingerprint(members, at), tuple(members))
