"""Checks on a fetched (or dropped-in) file before it may enter the raw store.

A file is accepted only if:
- its content type fits the dataset's format (when the server names one);
- its body is what the format promises: not empty, not an HTML page (NBB's firewall answers
  HTTP 200 with one), not cut off (JSON that ends inside a value, a ZIP without its central
  directory or with a bad CRC);
- ZIPs unpack safely: no absolute member path, no `..`, no link, and a cap on the unpacked
  size (a zip bomb is refused before it is inflated);
- its schema fingerprint (SDMX-JSON dimension ids, JSON-stat `id` list, CSV/TXT column names,
  the Excel header row) equals the last good one of the same source, or names what changed.

What each format's body check looks at lives with the format (`extract/formats/`); this module
applies what is common to all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from extract.catalog import Dataset
from extract.errors import SourceFormatError
from extract.formats import get_format
from extract.formats.sniffing import MAX_UNPACKED_BYTES, Fingerprint, Sniffed, Sniffing
from extract.http import FetchError

__all__ = [
    "check_body",
    "check_content_type",
    "check_loadable",
    "compare_fingerprints",
    "fingerprint",
]

_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def check_content_type(dataset: Dataset, url: str, content_type: str | None) -> None:
    if not content_type:
        return
    media = content_type.split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        raise FetchError(dataset.id, url, "html", f"served as {media}, not {dataset.format}")
    allowed = get_format(dataset.format).content_types
    if allowed and media not in allowed:
        raise FetchError(
            dataset.id,
            url,
            "content-type",
            f"content type {media!r} does not fit format {dataset.format} "
            f"(expected one of {', '.join(allowed)})",
        )


def check_body(
    dataset: Dataset,
    url: str,
    body: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    max_unpacked: int = MAX_UNPACKED_BYTES,
) -> Sniffed:
    """Accept `body` as a file of `dataset`'s format, or raise FetchError naming the fault."""
    if not body.strip():
        raise FetchError(dataset.id, url, "empty", f"empty body ({len(body)} bytes)")
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head) or (head.lstrip()[:1] == b"<" and b"<html" in body[:65536].lower()):
        title = _TITLE.search(body[:65536])
        shown = ""
        if title:
            shown = " (page title: " + " ".join(title.group(1).decode("utf-8", "replace").split())
            shown = shown[:100] + ")"
        raise FetchError(dataset.id, url, "html", f"got an HTML page, not {dataset.format}{shown}")
    check_content_type(dataset, url, content_type)
    at = Sniffing(
        source_id=dataset.id,
        url=url,
        format_id=dataset.format,
        name=filename or PurePosixPath(url.split("?")[0]).name or dataset.id,
        dimensions=dataset.dimensions,
        max_unpacked=max_unpacked,
    )
    return get_format(dataset.format).sniff(body, at)


def check_loadable(dataset: Dataset, url: str, body: bytes, name: str) -> None:
    """Run the loader's own parser on an accepted body: a file the load would reject must
    never become a source's good version. Raises FetchError(fault='unloadable')."""
    fmt = get_format(dataset.format)
    if not fmt.loadable:
        return
    try:
        parsed = fmt.parse_raw_table(
            body, source_id=dataset.id, filename=name, dimensions=dataset.dimensions
        )
    except SourceFormatError as exc:
        where = f" at {exc.location}" if exc.location else ""
        problem = f"{exc.filename}{where}: {exc.problem}"
        raise FetchError(dataset.id, url, "unloadable", problem) from None
    if not parsed.rows:
        raise FetchError(dataset.id, url, "unloadable", f"{name}: no observations")


def fingerprint(dataset: Dataset, body: bytes) -> Fingerprint:
    """The schema fingerprint of an already accepted file (raises like check_body otherwise)."""
    return check_body(dataset, dataset.id, body).fingerprint


def compare_fingerprints(
    dataset: Dataset, url: str, last_good: Fingerprint | None, new: Fingerprint
) -> None:
    """Raise FetchError(fault='schema') naming what changed since the last good file."""
    if last_good is None or last_good == new:
        return
    what = "dimension" if new.kind == "dimensions" else "column"
    old_names, new_names = list(last_good.names), list(new.names)
    missing = [n for n in old_names if n not in new_names]
    added = [n for n in new_names if n not in old_names]
    parts = []
    if len(missing) == 1 and len(added) == 1 and len(old_names) == len(new_names):
        parts.append(f"{what} {missing[0]!r} renamed to {added[0]!r}")
    else:
        if missing:
            parts.append(f"{what}(s) {', '.join(map(repr, missing))} missing")
        if added:
            parts.append(f"new {what}(s) {', '.join(map(repr, added))}")
    if not parts:
        parts.append(f"same {what}s in another order: {_join(new_names)}")
    raise FetchError(
        dataset.id,
        url,
        "schema",
        f"{'; '.join(parts)} (last good {new.kind}: {_join(old_names)})",
    )


def _join(names: Sequence[str]) -> str:
    shown = ", ".join(names[:20])
    return shown + (", ..." if len(names) > 20 else "")
