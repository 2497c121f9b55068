"""Parser for SDMX-JSON 2.0 data messages, as NBB's .Stat Suite serves them.

The message keeps every code as an index into `data.structures[n].dimensions`/`.attributes`:
series are keyed "i:j:k" (one index per series dimension), observations "t" (one index per
observation dimension) and hold `[value, attribute index, ...]`. This module resolves every
index to its code and returns flat rows, and rejects anything that is not such a message with a
`SourceFormatError` naming the source, the file, the place in the file and the problem.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from extract.errors import SourceFormatError
from extract.formats.sdmx_structure import (
    OBS_VALUE,
    TIME_DIMENSION,
    Component,
    Structure,
    as_list,
    check_expected,
    parse_structure,
)
from extract.formats.sniffing import Fingerprint, Sniffed, Sniffing
from extract.formats.tabular import Errors, ParsedTable, clip

__all__ = [
    "CONTENT_TYPES",
    "OBS_VALUE",
    "TIME_DIMENSION",
    "SdmxDataset",
    "parse_raw_table",
    "parse_sdmx_json",
    "sniff",
]


@dataclass(frozen=True)
class SdmxDataset:
    """Every observation of one SDMX-JSON message, with all codes resolved.

    `rows` are tuples laid out as `columns`: the dimension ids (dataset/series dimensions in
    keyPosition order, then the observation dimensions), OBS_VALUE (float or None), then the
    attribute ids (observation level, then series level, then dataset level; code id or None).
    """

    source_id: str
    filename: str
    dimension_ids: tuple[str, ...]
    key_dimension_ids: tuple[str, ...]
    time_dimension_id: str | None
    attribute_ids: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    series_count: int
    structure_names: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.dimension_ids, OBS_VALUE, *self.attribute_ids)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> Iterator[dict[str, Any]]:
        columns = self.columns
        for row in self.rows:
            yield dict(zip(columns, row, strict=True))

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def series_keys(self) -> list[str]:
        """The dotted series key of every row (e.g. A.EMPLOY.220.CA.NP.S1), in row order."""
        positions = [self.dimension_ids.index(dim) for dim in self.key_dimension_ids]
        return [".".join([row[i] for i in positions]) for row in self.rows]


# --- JSON reading -------------------------------------------------------------------------


class _Object(dict):
    """A JSON object that remembers keys the text repeated (json.loads would keep only the last,
    silently dropping an observation)."""

    __slots__ = ("duplicate_keys",)


def _object_pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicate_keys = [k for k, _ in pairs if k in seen or seen.add(k)]
    return obj


class _Constant(str):
    """NaN/Infinity literals: not JSON numbers; kept as text so the value check can name them."""


_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def _load_json(data: bytes, err: Errors) -> Any:
    if not data.strip():
        raise err("", f"empty file ({len(data)} bytes), not SDMX-JSON")
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    looks_html = head.lstrip()[:1] == b"<" and b"<html" in data[:65536].lower()
    if _HTML_START.match(head) or looks_html:
        title = _TITLE.search(data[:65536])
        shown = ""
        if title:
            shown = f" (page title: {clip(title.group(1).decode('utf-8', 'replace').strip())})"
        raise err("", f"got HTML, not SDMX-JSON{shown}")
    if head.lstrip()[:1] == b"<":
        raise err("", "got XML (SDMX-ML?), not SDMX-JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise err(f"byte {exc.start}", "not UTF-8 text, so not SDMX-JSON") from None
    try:
        return json.loads(text, object_pairs_hook=_object_pairs, parse_constant=_Constant)
    except json.JSONDecodeError as exc:
        end = len(text.rstrip())
        where = f"line {exc.lineno}, column {exc.colno} (character {exc.pos} of {len(text)})"
        if exc.pos >= end or exc.msg.startswith("Unterminated string"):
            tail = clip(text[max(0, end - 60) : end])
            raise err(
                where, f"truncated JSON: the text stops inside an open value; it ends with {tail}"
            ) from None
        raise err(
            where, f"invalid JSON: {exc.msg}; near {clip(text[exc.pos : exc.pos + 60])}"
        ) from None


# --- data -----------------------------------------------------------------------------------


def _decode_key(
    key: str, comps: list[Component], what: str, location: str, err: Errors
) -> tuple[str, ...]:
    parts = key.split(":") if comps or key else []
    if len(parts) != len(comps):
        names = ", ".join(c.id for c in comps)
        raise err(
            location,
            f"{what} key {key!r} has {len(parts)} position{'s' if len(parts) != 1 else ''}, "
            f"but the structure has {len(comps)} {what} dimension"
            f"{'s' if len(comps) != 1 else ''} ({names})",
        )
    codes = []
    for pos, (part, comp) in enumerate(zip(parts, comps, strict=True)):
        if not part.isdigit() or not part.isascii():
            raise err(location, f"{what} key {key!r} position {pos} ({comp.id}) is not an index")
        idx = int(part)
        if idx >= len(comp.codes):
            raise err(
                location,
                f"{what} key {key!r} position {pos} ({comp.id}) is {idx}, out of range: "
                f"{comp.describe_range()}",
            )
        codes.append(comp.codes[idx])
    return tuple(codes)  # type: ignore[arg-type]


def _attribute_values(
    indexes: Sequence[Any],
    comps: list[Component],
    level: str,
    location: str | Callable[[], str],
    err: Errors,
) -> list[str | None]:
    """The attribute codes of `indexes`; `location` may be a callable, made only on error."""
    out: list[str | None] = []
    for k, comp in enumerate(comps):
        if k >= len(indexes):
            out.append(comp.default)  # trailing attributes may be omitted: default applies
            continue
        idx = indexes[k]
        if idx is None:
            out.append(None)
        elif isinstance(idx, int) and not isinstance(idx, bool) and 0 <= idx < len(comp.codes):
            out.append(comp.codes[idx])
        else:
            raise err(
                location() if callable(location) else location,
                f"{level} attribute {comp.id} index {idx!r} is out of range: "
                f"{comp.describe_range()}",
            )
    return out


def _obs_value(value: Any, location: str, err: Errors) -> float | None:
    if value is None:
        return None
    if isinstance(value, _Constant):
        raise err(location, f"non-numeric value {value} (not a finite JSON number)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise err(
            location,
            f"non-numeric value {json.dumps(value)[:80]} (expected a JSON number or null)",
        )
    number = float(value)
    if not math.isfinite(number):
        raise err(location, f"non-numeric value {value!r} (not a finite number)")
    return number


def _structure_for(
    ds_index: int, dataset: dict[str, Any], raw_structures: list[Any], err: Errors
) -> int:
    ref = dataset.get("structure")
    if ref is None:
        owners = [
            i
            for i, s in enumerate(raw_structures)
            if isinstance(s, dict) and ds_index in (s.get("dataSets") or [])
        ]
        if len(owners) == 1:
            return owners[0]
        if len(raw_structures) == 1:
            return 0
        raise err(f"data.dataSets[{ds_index}]", "no 'structure' index and several structures")
    if isinstance(ref, bool) or not isinstance(ref, int) or not 0 <= ref < len(raw_structures):
        raise err(
            f"data.dataSets[{ds_index}].structure",
            f"structure index {ref!r} is out of range: data.structures has "
            f"{len(raw_structures)} entr{'ies' if len(raw_structures) != 1 else 'y'}",
        )
    return ref


def _server_errors(message: dict[str, Any]) -> str:
    errors = message.get("errors")
    if not errors or not isinstance(errors, list):
        return ""
    first = errors[0]
    if isinstance(first, dict):
        text = " ".join(str(first.get(k)) for k in ("code", "title", "detail") if first.get(k))
    else:
        text = str(first)
    return f"; the message reports error(s): {clip(text, 200)}"


def parse_sdmx_json(
    data: bytes,
    *,
    source_id: str,
    filename: str,
    expected_dimensions: Sequence[str] | None = None,
) -> SdmxDataset:
    """Parse an SDMX-JSON 2.0 data message into flat rows.

    `expected_dimensions`: the dimension ids the caller relies on, in key order (e.g. FREQ ITEM
    NUTS BRANCH UNIT SECTOR; include TIME_PERIOD to check the observation dimension too). A
    renamed, missing or extra dimension raises `SourceFormatError` naming it.
    """
    err = Errors(source_id, filename)
    message = _load_json(data, err)
    if not isinstance(message, dict):
        raise err("(top level)", f"expected a JSON object, got a JSON {type(message).__name__}")
    body = message.get("data")
    if not isinstance(body, dict):
        raise err("data", f"missing 'data': not an SDMX-JSON data message{_server_errors(message)}")
    raw_structures = body.get("structures")
    if not isinstance(raw_structures, list) or not raw_structures:
        hint = ""
        if "structure" in body:
            hint = " (found data.structure: SDMX-JSON 1.0, ask for version=2.0.0)"
        raise err("data.structures", f"missing data.structures{hint}{_server_errors(message)}")
    raw_datasets = body.get("dataSets")
    if not isinstance(raw_datasets, list):
        raise err("data.dataSets", f"missing data.dataSets{_server_errors(message)}")

    reading = _Reading(err, raw_structures, expected_dimensions)
    for ds_index, dataset in enumerate(raw_datasets):
        reading.dataset(ds_index, dataset)
    if reading.layout is None:
        # No dataset at all: the structure still tells which columns there would be.
        reading.structure(0)
    structures = reading.structures
    first_st = structures[min(structures)]
    return SdmxDataset(
        source_id=source_id,
        filename=filename,
        dimension_ids=first_st.dimension_ids,
        key_dimension_ids=first_st.key_dimension_ids,
        time_dimension_id=first_st.time_dimension_id,
        attribute_ids=first_st.attribute_ids,
        rows=reading.rows,
        series_count=reading.series_count,
        structure_names=tuple(structures[i].name for i in sorted(structures)),
    )


class _Reading:
    """The state of one message being read: its structures, the rows so far, and every
    observation's position (a duplicate is an error, not a silent overwrite)."""

    def __init__(
        self, err: Errors, raw_structures: list[Any], expected: Sequence[str] | None
    ) -> None:
        self.err = err
        self.raw_structures = raw_structures
        self.expected = expected
        self.structures: dict[int, Structure] = {}
        self.layout: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self.rows: list[tuple[Any, ...]] = []
        # every observation's dimension codes -> (series label, observation key), for the
        # duplicate check; the location string is made only when one is found
        self.seen: dict[tuple[Any, ...], tuple[str, str]] = {}
        # observation keys repeat in every series: decoded once per structure
        self.obs_codes: dict[int, dict[str, tuple[str, ...]]] = {}
        self.series_count = 0

    def structure(self, s_index: int) -> Structure:
        st = self.structures.get(s_index)
        if st is None:
            st = parse_structure(self.raw_structures[s_index], s_index, self.err)
            if self.expected is not None:
                check_expected(st, self.expected, self.err)
            self.structures[s_index] = st
        return st

    def dataset(self, ds_index: int, dataset: Any) -> None:
        err = self.err
        ds_path = f"data.dataSets[{ds_index}]"
        if not isinstance(dataset, dict):
            raise err(ds_path, "dataset is not a JSON object")
        s_index = _structure_for(ds_index, dataset, self.raw_structures, err)
        st = self.structure(s_index)
        if self.layout is None:
            self.layout = st.layout()
        elif st.layout() != self.layout:
            raise err(
                ds_path,
                f"uses structure {s_index} with components {st.layout()}, which differ from "
                f"the first dataset's {self.layout}",
            )
        ds_codes = tuple(c.codes[0] for c in st.dataset_dims)
        ds_attr = _attribute_values(
            as_list(dataset.get("attributes"), f"{ds_path}.attributes", err),
            st.dataset_attrs,
            "dataSet",
            f"{ds_path}.attributes",
            err,
        )
        if "series" in dataset and dataset["series"] is not None:
            raw_series = dataset["series"]
            series_dims = st.series_dims
            if not isinstance(raw_series, dict):
                raise err(f"{ds_path}.series", "series is not a JSON object")
        elif "observations" in dataset:
            # Flat view (dimensionAtObservation=AllDimensions): one pseudo-series.
            raw_series = {"": {"observations": dataset["observations"]}}
            series_dims = []
        else:
            raw_series = {}
            series_dims = st.series_dims
        if series_dims is not st.series_dims and st.series_dims:
            raise err(ds_path, "flat observations, but the structure has series dimensions")
        dup = getattr(raw_series, "duplicate_keys", None)
        if dup:
            raise err(f"{ds_path}.series", f"duplicate series key {dup[0]!r}")
        for s_key, series in raw_series.items():
            s_path = f"{ds_path}.series[{s_key!r}]" if series_dims or s_key else ds_path
            self.series(st, series_dims, s_key, series, s_path, ds_codes, ds_attr)

    def series(
        self,
        st: Structure,
        series_dims: list[Component],
        s_key: str,
        series: Any,
        s_path: str,
        ds_codes: tuple[str | None, ...],
        ds_attr: list[str | None],
    ) -> None:
        err = self.err
        if not isinstance(series, dict):
            raise err(s_path, "series is not a JSON object")
        s_codes = _decode_key(s_key, series_dims, "series", s_path, err)
        s_label = f"{s_path} ({'.'.join(s_codes)})" if s_codes else s_path
        s_attr = _attribute_values(
            as_list(series.get("attributes"), f"{s_path}.attributes", err),
            st.series_attrs,
            "series",
            f"{s_label}.attributes",
            err,
        )
        tail = tuple(s_attr) + tuple(ds_attr)
        observations = series.get("observations") or {}
        if not isinstance(observations, dict):
            raise err(f"{s_label}.observations", "observations is not a JSON object")
        dup = getattr(observations, "duplicate_keys", None)
        if dup:
            raise err(
                f"{s_label}.observations[{dup[0]!r}]",
                f"duplicate observation: key {dup[0]!r} appears more than once",
            )
        self.series_count += 1
        n_attr = len(st.obs_attrs)
        decoded = self.obs_codes.setdefault(id(st), {})
        rows, seen, plan = self.rows, self.seen, st.plan
        for o_key, obs in observations.items():
            o_codes = decoded.get(o_key)
            if o_codes is None:
                o_path = f"{s_label}.observations[{o_key!r}]"
                o_codes = _decode_key(o_key, st.obs_dims, "observation", o_path, err)
                decoded[o_key] = o_codes

            def where(o_key: str = o_key, o_codes: tuple[str, ...] = o_codes) -> str:
                return f"{s_label}.observations[{o_key!r}] ({':'.join(o_codes)})"

            if not isinstance(obs, list) or not obs:
                raise err(where(), "observation is not a non-empty array [value, ...]")
            raw = obs[0]
            # the common cases without a call; everything else is judged by _obs_value
            if type(raw) is float and math.isfinite(raw):
                value: float | None = raw
            elif type(raw) is int:
                value = float(raw)
            else:
                value = _obs_value(raw, where(), err)
            if len(obs) == 1 and n_attr == 0:
                o_attr: list[str | None] = []
            else:
                o_attr = _attribute_values(
                    obs[1 : 1 + n_attr], st.obs_attrs, "observation", where, err
                )
            sources = (ds_codes, s_codes, o_codes)
            dims = tuple([sources[level][i] for level, i in plan])
            first = seen.get(dims)
            if first is not None:
                first_label, first_key = first
                raise err(
                    where(),
                    f"duplicate observation {'.'.join(dims)}: already given at "
                    f"{first_label}.observations[{first_key!r}] ({':'.join(o_codes)})",
                )
            seen[dims] = (s_label, o_key)
            rows.append((*dims, value, *o_attr, *tail))


# --- the raw table and the body check ----------------------------------------------------------

_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def parse_raw_table(
    data: bytes,
    *,
    source_id: str,
    filename: str,
    dimensions: Sequence[str] | None = None,
) -> ParsedTable:
    """The message as a raw table: the series dimensions, `time_period`, `obs_value`,
    `obs_status` (NULL when the message has none), then any further attribute."""
    parsed = parse_sdmx_json(
        data, source_id=source_id, filename=filename, expected_dimensions=dimensions
    )
    err = Errors(source_id, filename)
    if not parsed.rows:
        raise err("data.dataSets", "no observations")
    if parsed.time_dimension_id is None:
        raise err("data.structures", "no TIME_PERIOD dimension")
    names = [c.lower() for c in parsed.columns]
    names[parsed.columns.index(parsed.time_dimension_id)] = "time_period"
    names[parsed.columns.index(OBS_VALUE)] = "obs_value"
    bad = [n for n in names if not _COLUMN.match(n)]
    if bad:
        raise err("data.structures", f"unusable component id(s) {bad}")

    dims = [c.lower() for c in parsed.dimension_ids if c != parsed.time_dimension_id]
    attrs = [c.lower() for c in parsed.attribute_ids]
    extra = [a for a in attrs if a != "obs_status"]
    layout = [(d, "VARCHAR") for d in dims]
    layout += [("time_period", "VARCHAR"), ("obs_value", "DOUBLE"), ("obs_status", "VARCHAR")]
    provenance_at = len(layout)
    layout += [(a, "VARCHAR") for a in extra]
    position = {name: i for i, name in enumerate(names)}
    take = [position.get(name) for name, _ in layout]
    rows = [tuple(None if i is None else row[i] for i in take) for row in parsed.rows]
    return ParsedTable(
        source_id, filename, layout, rows, parsed.series_keys(), provenance_at=provenance_at
    )


CONTENT_TYPES = ("application/vnd.sdmx.data+json", "application/json", "text/json")


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    """NBB's message is parsed in full: one that would not load is refused here already."""
    try:
        parsed = parse_sdmx_json(
            body, source_id=at.source_id, filename=at.name, expected_dimensions=at.dimensions
        )
    except SourceFormatError as exc:
        problem = exc.problem
        fault = "format"
        if "truncated" in problem:
            fault = "truncated"
        elif "HTML" in problem:
            fault = "html"
        elif "dimension set" in problem:
            fault = "schema"
        where = f" at {exc.location}" if exc.location else ""
        raise at.reject(fault, f"{problem}{where}") from None
    if not parsed.rows:
        raise at.reject("empty", "SDMX-JSON message without observations")
    return Sniffed(body, Fingerprint("dimensions", parsed.dimension_ids))
