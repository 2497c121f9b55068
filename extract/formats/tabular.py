"""What the table-shaped publishers' parsers share: the parsed result, sniffing a file's real
kind, and reading header-keyed rows from CSV text or an Excel sheet.

Every problem is a `SourceFormatError` naming the source, the file, where and what.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from extract.errors import SourceFormatError

__all__ = ["Errors", "HeaderTable", "ParsedTable", "find_header_table", "reject_non_zip", "to_int"]


@dataclass(frozen=True)
class ParsedTable:
    """Rows of one raw file, ready for the loader: typed columns (name, DuckDB type name), the
    rows, and per row the key the manifest's modelled patterns are matched against."""

    source_id: str
    filename: str
    columns: list[tuple[str, str]]
    rows: list[tuple[Any, ...]]
    series_keys: list[str]
    # Where the loader's provenance columns go in the raw table (None: after every column).
    # SDMX-JSON puts them before the message's extra attributes.
    provenance_at: int | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        names = [c for c, _ in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


class Errors:
    def __init__(self, source_id: str, filename: str) -> None:
        self.source_id = source_id
        self.filename = filename

    def __call__(self, location: str, problem: str) -> SourceFormatError:
        return SourceFormatError(self.source_id, self.filename, location, problem)


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def looks_like_html(data: bytes) -> str | None:
    """The page title (or '') when the bytes are an HTML page, else None."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf").lstrip()
    lower = head.lower()
    if head[:1] == b"<" and (b"<html" in lower or b"<!doctype html" in lower):
        title = _TITLE.search(head)
        return title.group(1).decode("utf-8", "replace").strip() if title else ""
    return None


def reject_html(data: bytes, expected: str, err: Errors) -> None:
    if not data.strip():
        raise err("", f"empty file ({len(data)} bytes), not {expected}")
    title = looks_like_html(data)
    if title is not None:
        shown = f" (page title: {clip(title)})" if title else ""
        raise err("", f"got HTML, not {expected}{shown}")


def reject_non_zip(data: bytes, expected: str, err: Errors) -> zipfile.ZipFile:
    """Open the bytes as a ZIP archive (an XLSX is one), or say what they are instead."""
    reject_html(data, expected, err)
    if not data.startswith(b"PK\x03\x04"):
        raise err("", f"not {expected}: the file does not start like a ZIP archive")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _within_caps(archive, expected, err)
        bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise err(
            "", f"truncated or corrupt ZIP archive ({len(data)} bytes): {exc}; not {expected}"
        ) from None
    except zipfile.LargeZipFile as exc:  # pragma: no cover - needs > 4 GiB
        raise err("", f"unreadable ZIP archive: {exc}") from None
    if bad is not None:
        raise err(bad, f"corrupt member {bad!r} in the ZIP archive (CRC mismatch)")
    return archive


# What a parser unpacks, whatever path the file came by (a fetch, an inbox, the snapshot): a
# ZIP bomb is refused before it is inflated. Inflating stops at a member's declared size (a
# member that holds more fails its CRC), so the declared sizes bound the work.
MAX_UNPACKED = 512 * 1024 * 1024
MAX_MEMBERS = 1000
# A workbook is read into cells: more than this many rows or cells is not a publisher's table.
MAX_SHEET_ROWS = 2_000_000
MAX_CELLS = 10_000_000


def _within_caps(archive: zipfile.ZipFile, expected: str, err: Errors) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise err(
            "", f"{len(infos)} members in the ZIP archive (cap {MAX_MEMBERS}); not {expected}"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        raise err(
            "",
            f"the ZIP archive would unpack to {total:,} bytes (cap {MAX_UNPACKED:,}): refused "
            "before inflating it",
        )


def to_int(value: Any, location: str, what: str, err: Errors) -> int:
    if isinstance(value, bool):
        raise err(location, f"{what} {value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise err(location, f"{what} {clip(text, 40)} is not a whole number")


def to_number(value: Any, location: str, what: str, err: Errors) -> float:
    if isinstance(value, bool):
        raise err(location, f"{what} {value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip() if value is not None else ""
    try:
        return float(text)
    except ValueError:
        raise err(location, f"{what} {clip(text, 40)} is not a number") from None


@dataclass
class HeaderTable:
    """Rows under a header row: `index[name]` is the column position of a required column."""

    header_row: int  # 1-based row number of the header in the sheet or file
    index: dict[str, int]
    rows: list[tuple[int, Sequence[Any]]]  # (1-based row number, cells)


def find_header_table(
    rows: Sequence[Sequence[Any]],
    required: dict[str, Callable[[str], bool]],
    err: Errors,
    where: str,
    *,
    max_header_row: int = 20,
) -> HeaderTable:
    """Find the header row (the first of the first `max_header_row` rows that matches every
    required column) and return the rows below it. A missing column is named, together with
    the header the file has."""
    best: tuple[int, list[str], list[str]] | None = None
    for n, row in enumerate(rows[:max_header_row], start=1):
        cells = [str(c).strip() if c is not None else "" for c in row]
        found = {}
        for key, matches in required.items():
            hit = [i for i, cell in enumerate(cells) if cell and matches(cell)]
            if hit:
                found[key] = hit[0]
        missing = [key for key in required if key not in found]
        if not missing:
            body = [(n + k + 1, r) for k, r in enumerate(rows[n:])]
            return HeaderTable(header_row=n, index=found, rows=body)
        nonempty = [c for c in cells if c]
        if len(nonempty) >= 2 and (best is None or len(missing) < len(best[1])):
            best = (n, missing, nonempty)
    if best is None:
        raise err(where, f"no header row with columns {', '.join(required)} in the first rows")
    n, missing, header = best
    raise err(
        f"{where} row {n}",
        f"missing column(s) {', '.join(missing)}; the header has {', '.join(map(repr, header))}",
    )


def read_xlsx_rows(data: bytes, expected: str, err: Errors) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, by sheet title, of an Excel workbook (.xlsx)."""
    reject_non_zip(data, expected, err)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # Exports without a style sheet (Provincies in Cijfers) are normal, not a fault.
            warnings.filterwarnings("ignore", message="Workbook contains no default style")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise err("", f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets = {}
        cells = 0
        for ws in workbook.worksheets:
            # Some exports declare a 1x1 dimension for a full sheet, or understate it: read
            # every row there is, never trusting <dimension>.
            ws.reset_dimensions()
            rows = []
            for row in ws.iter_rows(values_only=True):
                rows.append(row)
                cells += len(row)
                if len(rows) > MAX_SHEET_ROWS or cells > MAX_CELLS:
                    raise err(
                        f"sheet {ws.title!r}",
                        f"more than {MAX_SHEET_ROWS:,} rows or {MAX_CELLS:,} cells: refused",
                    )
            sheets[ws.title] = rows
        return sheets
    except SourceFormatError:
        raise
    except Exception as exc:
        raise err("", f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()


def decode_text(data: bytes, expected: str, err: Errors) -> str:
    reject_html(data, expected, err)
    if data.startswith(b"PK\x03\x04"):
        raise err("", f"got a ZIP archive (an Excel workbook?), not {expected}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise err(f"byte {exc.start}", f"not UTF-8 text, so not {expected}") from None
