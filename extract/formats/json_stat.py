"""Eurostat's dissemination API answers in JSON-stat 2.0: one dataset whose `value` (and
`status`) is keyed by the flat row-major index over the dimension sizes (`id`, `size`).
This module resolves every index to its dimension codes and returns one row per cell that has
a value or a status (status "|C" or "c" marks a confidential cell without a value)."""

from __future__ import annotations

import json
import math
from typing import Any

from extract.formats.sniffing import Fingerprint, Sniffed, Sniffing, json_document
from extract.formats.tabular import Errors, ParsedTable, clip, reject_html

__all__ = ["CONTENT_TYPES", "parse_json_stat", "sniff"]

TIME = "time"


def _load(data: bytes, err: Errors) -> Any:
    reject_html(data, "JSON-stat", err)
    head = data.lstrip(b"\xef\xbb\xbf").lstrip()[:1]
    if head == b"<":
        raise err("", "got XML (SDMX-ML?), not JSON-stat")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise err(f"byte {exc.start}", "not UTF-8 text, so not JSON-stat") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        end = len(text.rstrip())
        if exc.pos >= end or exc.msg.startswith("Unterminated string"):
            raise err(
                where,
                f"truncated JSON: the text stops inside an open value; it ends with "
                f"{clip(text[max(0, end - 60) : end])}",
            ) from None
        raise err(where, f"invalid JSON: {exc.msg}") from None


def _category_codes(dim_id: str, dim: Any, size: int, err: Errors) -> list[str]:
    where = f"dimension.{dim_id}.category"
    if not isinstance(dim, dict) or not isinstance(dim.get("category"), dict):
        raise err(f"dimension.{dim_id}", "dimension without a 'category' object")
    category = dim["category"]
    index = category.get("index")
    if index is None:
        labels = category.get("label")
        if isinstance(labels, dict) and len(labels) == 1:
            return list(labels)  # a single-category dimension may omit its index
        raise err(where, "category without an 'index'")
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        codes = [None] * len(index)
        for code, position in index.items():
            if not isinstance(position, int) or not 0 <= position < len(index):
                raise err(f"{where}.index[{code!r}]", f"position {position!r} is out of range")
            if codes[position] is not None:
                raise err(f"{where}.index[{code!r}]", f"position {position} is used twice")
            codes[position] = str(code)
    else:
        raise err(f"{where}.index", "index is neither an object nor an array")
    if len(codes) != size:
        raise err(where, f"{len(codes)} categories, but size says {size}")
    return codes  # type: ignore[return-value]


def _cells(raw: Any, name: str, total: int, err: Errors) -> dict[int, Any]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        if len(raw) != total and name == "value":
            raise err(name, f"array of {len(raw)} values, but the sizes give {total} cells")
        return {i: v for i, v in enumerate(raw) if v is not None}
    if not isinstance(raw, dict):
        raise err(name, f"{name} is neither an object nor an array")
    out = {}
    for key, v in raw.items():
        if not key.isdigit():
            raise err(f"{name}[{key!r}]", "key is not a flat cell index")
        index = int(key)
        if index >= total:
            raise err(f"{name}[{key!r}]", f"cell index {index} is out of range (0..{total - 1})")
        out[index] = v
    return out


def parse_json_stat(
    data: bytes,
    *,
    source_id: str,
    filename: str,
    required_dimensions: tuple[str, ...] = ("geo", TIME),
) -> ParsedTable:
    err = Errors(source_id, filename)
    doc = _load(data, err)
    if not isinstance(doc, dict):
        raise err("", "not a JSON-stat dataset (the top level is not an object)")
    if doc.get("class") != "dataset":
        if "error" in doc:
            raise err("error", f"the API answered with an error: {clip(json.dumps(doc['error']))}")
        raise err("class", f"class is {doc.get('class')!r}, expected 'dataset'")
    if str(doc.get("version")) != "2.0":
        raise err("version", f"version {doc.get('version')!r}, expected JSON-stat '2.0'")
    ids, sizes, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise err("id", "missing or malformed 'id' (the list of dimension ids)")
    if not isinstance(sizes, list) or len(sizes) != len(ids):
        raise err("size", f"'size' must list one size per dimension id ({len(ids)})")
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise err("size", f"sizes {sizes} are not all whole numbers")
    if not isinstance(dims, dict):
        raise err("dimension", "missing 'dimension' object")
    missing = [d for d in ids if d not in dims]
    if missing:
        raise err(
            "dimension", f"dimension(s) {', '.join(missing)} listed in 'id' but not described"
        )
    absent = [d for d in required_dimensions if d not in ids]
    if absent:
        raise err(
            "id",
            f"missing dimension(s) {', '.join(absent)}; the dataset has {', '.join(ids)}",
        )
    codes = [_category_codes(d, dims[d], s, err) for d, s in zip(ids, sizes, strict=True)]
    total = math.prod(sizes)
    values = _cells(doc.get("value"), "value", total, err)
    statuses = _cells(doc.get("status"), "status", total, err)

    names = [("time_period" if d == TIME else d.lower()) for d in ids]
    clash = sorted({n for n in names if names.count(n) > 1 or n in ("obs_value", "obs_status")})
    if clash:
        raise err("id", f"dimension id(s) {clash} clash with other columns")
    columns = [(n, "VARCHAR") for n in names] + [("obs_value", "DOUBLE"), ("obs_status", "VARCHAR")]
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    for index in sorted(set(values) | set(statuses)):
        value = values.get(index)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise err(f"value[{str(index)!r}]", f"non-numeric value {clip(json.dumps(value), 40)}")
        if value is not None and not math.isfinite(float(value)):
            raise err(f"value[{str(index)!r}]", f"non-finite value {value!r}")
        cell = []
        rest = index
        for size in reversed(sizes):
            cell.append(rest % size)
            rest //= size
        cell.reverse()
        dims_codes = [codes[k][i] for k, i in enumerate(cell)]
        status = statuses.get(index)
        rows.append(
            (
                *dims_codes,
                None if value is None else float(value),
                None if status is None else str(status),
            )
        )
        keys.append(".".join(dims_codes))
    return ParsedTable(source_id, filename, columns, rows, keys)


CONTENT_TYPES = ("application/json", "text/json", "application/vnd.json-stat+json")


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    doc = json_document(body, at)
    if not isinstance(doc, dict):
        raise at.reject("format", "JSON-stat: top level is not an object")
    if "error" in doc and "value" not in doc:
        raise at.reject("format", f"the API reports an error: {str(doc['error'])[:200]}")
    if doc.get("class") != "dataset" or not str(doc.get("version", "")).startswith("2"):
        raise at.reject(
            "format",
            f"not a JSON-stat 2.0 dataset (class {doc.get('class')!r}, "
            f"version {doc.get('version')!r})",
        )
    ids, size, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not (isinstance(ids, list) and isinstance(size, list) and isinstance(dims, dict)):
        raise at.reject("format", "JSON-stat: missing id, size or dimension")
    if len(ids) != len(size) or any(i not in dims for i in ids):
        raise at.reject("format", "JSON-stat: id, size and dimension disagree")
    if "value" not in doc:
        raise at.reject("format", "JSON-stat: no value")
    return Sniffed(body, Fingerprint("dimensions", tuple(str(i) for i in ids)))
