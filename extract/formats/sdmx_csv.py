"""SDMX-CSV, as the .Stat Suite serves it (`application/vnd.sdmx.data+csv`): checked and stored,
not loaded yet."""

from __future__ import annotations

from extract.formats.sniffing import Sniffed, Sniffing, delimited_fingerprint

__all__ = ["CONTENT_TYPES", "sniff"]

CONTENT_TYPES = ("application/vnd.sdmx.data+csv", "text/csv", "text/plain")


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    return Sniffed(body, delimited_fingerprint(body, at.name, ",", at))
