"""The structure part of an SDMX-JSON 2.0 data message: its dimensions and attributes, each
with its codes, and the plan that turns a series key and an observation key into a row.
Every problem is a `SourceFormatError` naming the source, the file, the place and what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from extract.formats.tabular import Errors

TIME_DIMENSION = "TIME_PERIOD"
OBS_VALUE = "OBS_VALUE"

__all__ = [
    "OBS_VALUE",
    "TIME_DIMENSION",
    "Component",
    "Structure",
    "as_list",
    "check_expected",
    "parse_structure",
]


@dataclass
class Component:
    id: str
    codes: list[str | None]
    key_position: int | None
    default: str | None
    path: str

    def describe_range(self) -> str:
        n = len(self.codes)
        return f"{self.id} has {n} value{'s' if n != 1 else ''}" + (f" (0..{n - 1})" if n else "")


@dataclass
class Structure:
    index: int
    name: str
    dataset_dims: list[Component]
    series_dims: list[Component]
    obs_dims: list[Component]
    obs_attrs: list[Component]
    series_attrs: list[Component]
    dataset_attrs: list[Component]
    dimension_ids: tuple[str, ...] = ()
    key_dimension_ids: tuple[str, ...] = ()
    time_dimension_id: str | None = None
    attribute_ids: tuple[str, ...] = ()
    # For each output dimension: (level, index) with level 0 dataset, 1 series, 2 observation.
    plan: list[tuple[int, int]] = field(default_factory=list)

    def layout(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.dimension_ids, self.attribute_ids


def as_list(value: Any, path: str, err: Errors) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise err(path, f"expected a JSON array, got {type(value).__name__}")
    return value


def components(raw: Any, path: str, err: Errors, *, dimension: bool) -> list[Component]:
    out: list[Component] = []
    for i, comp in enumerate(as_list(raw, path, err)):
        cpath = f"{path}[{i}]"
        if not isinstance(comp, dict) or not isinstance(comp.get("id"), str) or not comp["id"]:
            raise err(cpath, "component without an 'id'")
        codes: list[str | None] = []
        for j, value in enumerate(as_list(comp.get("values"), f"{cpath}.values", err)):
            if not isinstance(value, dict):
                raise err(f"{cpath}.values[{j}]", "component value is not a JSON object")
            code = value.get("id", value.get("value"))
            if dimension and not isinstance(code, str):
                raise err(f"{cpath}.values[{j}]", f"value of dimension {comp['id']} has no 'id'")
            codes.append(None if code is None else str(code))
        key_position = comp.get("keyPosition")
        if key_position is not None and (
            not isinstance(key_position, int) or isinstance(key_position, bool)
        ):
            raise err(f"{cpath}.keyPosition", f"keyPosition {key_position!r} is not an integer")
        default = comp.get("default")
        out.append(
            Component(
                id=comp["id"],
                codes=codes,
                key_position=key_position,
                default=None if default is None else str(default),
                path=cpath,
            )
        )
    return out


def is_time(comp: Component, raw_roles: dict[str, Any]) -> bool:
    roles = raw_roles.get(comp.id) or []
    return comp.id == TIME_DIMENSION or (isinstance(roles, list) and TIME_DIMENSION in roles)


def parse_structure(raw: Any, index: int, err: Errors) -> Structure:
    path = f"data.structures[{index}]"
    if not isinstance(raw, dict):
        raise err(path, "structure is not a JSON object")
    dims = raw.get("dimensions")
    if not isinstance(dims, dict):
        raise err(f"{path}.dimensions", "missing dimensions")
    attrs = raw.get("attributes") or {}
    if not isinstance(attrs, dict):
        raise err(f"{path}.attributes", "attributes is not a JSON object")
    dpath, apath = f"{path}.dimensions", f"{path}.attributes"
    # dimensionGroup attributes and dataSet.dimensionGroupAttributes are not read: NBB uses
    # them for annotations only, and no row value depends on them.
    st = Structure(
        index=index,
        name=str(raw.get("name") or ""),
        dataset_dims=components(dims.get("dataSet"), f"{dpath}.dataSet", err, dimension=True),
        series_dims=components(dims.get("series"), f"{dpath}.series", err, dimension=True),
        obs_dims=components(dims.get("observation"), f"{dpath}.observation", err, dimension=True),
        obs_attrs=components(
            attrs.get("observation"), f"{apath}.observation", err, dimension=False
        ),
        series_attrs=components(attrs.get("series"), f"{apath}.series", err, dimension=False),
        dataset_attrs=components(attrs.get("dataSet"), f"{apath}.dataSet", err, dimension=False),
    )
    if not st.obs_dims:
        raise err(f"{dpath}.observation", "no observation dimension")
    for comp in st.dataset_dims:
        if len(comp.codes) != 1:
            raise err(comp.path, f"dataSet-level dimension {comp.id} must have exactly one value")

    roles = {}
    for level in ("dataSet", "series", "observation"):
        for comp in as_list(dims.get(level), f"{dpath}.{level}", err):
            roles[comp["id"]] = comp.get("roles") or comp.get("role")

    # Output order: dataset and series dimensions by keyPosition (array order if absent), then
    # the observation dimensions, as the REST key and a CSV export would list them.
    keyed = [(0, i, c) for i, c in enumerate(st.dataset_dims)] + [
        (1, i, c) for i, c in enumerate(st.series_dims)
    ]
    if all(c.key_position is not None for _, _, c in keyed):
        keyed.sort(key=lambda t: t[2].key_position)
    plan = [(level, i) for level, i, _ in keyed] + [(2, i) for i in range(len(st.obs_dims))]
    comps = [c for _, _, c in keyed] + st.obs_dims
    ids = [c.id for c in comps]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise err(dpath, f"dimension id(s) {', '.join(dup)} declared more than once")
    attr_ids = [c.id for c in st.obs_attrs + st.series_attrs + st.dataset_attrs]
    dup = sorted({i for i in attr_ids if attr_ids.count(i) > 1} | (set(attr_ids) & set(ids)))
    if dup:
        raise err(apath, f"attribute id(s) {', '.join(dup)} declared more than once")
    if OBS_VALUE in ids or OBS_VALUE in attr_ids:
        raise err(path, f"a component is named {OBS_VALUE}, which is the measure's column")

    time = [c.id for c in comps if is_time(c, roles)]
    st.plan = plan
    st.dimension_ids = tuple(ids)
    st.time_dimension_id = time[0] if time else None
    st.key_dimension_ids = tuple(i for i in ids if i != st.time_dimension_id)
    st.attribute_ids = tuple(attr_ids)
    return st


def check_expected(st: Structure, expected: Sequence[str], err: Errors) -> None:
    expected = tuple(expected)
    got = st.dimension_ids if TIME_DIMENSION in expected else st.key_dimension_ids
    if got == expected:
        return
    path = f"data.structures[{st.index}].dimensions"
    missing = [d for d in expected if d not in got]
    unexpected = [d for d in got if d not in expected]
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if unexpected:
        parts.append(f"unexpected {', '.join(unexpected)}")
    if not parts:
        parts.append("same dimensions in another order")
    raise err(
        path,
        f"unexpected dimension set: {'; '.join(parts)} "
        f"(expected {'.'.join(expected)}, got {'.'.join(got)})",
    )
