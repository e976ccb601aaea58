"""The conditioning style, read from resources/styles/conditioning.json (its single home).

The JSON is the spec the QGIS plugin turns into a QML; this module turns it into frozen
dataclasses with sizes scaled to the image resolution.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STYLE_PATH = Path(__file__).resolve().parents[3] / "resources" / "styles" / "conditioning.json"


@dataclass(frozen=True)
class RoadGroup:
    name: str
    classes: tuple[str, ...]  # OSM highway values drawn with this group
    color: tuple[int, int, int]
    width_px: float  # at the style's reference size


@dataclass(frozen=True)
class Style:
    reference_size_px: int  # sizes below are for this image width; scale() adapts them
    background: tuple[int, int, int]
    roads: tuple[RoadGroup, ...]  # drawn in order (later on top)
    default_road_group: str  # for classes no group lists
    trace_color: tuple[int, int, int]
    trace_width_px: float
    tower_color: tuple[int, int, int]
    tower_half_size_px: float
    path_color: tuple[int, int, int]
    path_width_px: float
    start_color: tuple[int, int, int]
    start_radius_px: float
    end_color: tuple[int, int, int]
    end_radius_px: float

    def size_factor(self, width: int) -> float:
        return width / float(self.reference_size_px)

    def group_index(self) -> dict[str, int]:
        """OSM class -> index into roads (unknown classes: the default group)."""
        return {c: i for i, g in enumerate(self.roads) for c in g.classes}

    def default_group(self) -> int:
        return [g.name for g in self.roads].index(self.default_road_group)


def _rgb(v, where: str) -> tuple[int, int, int]:
    if not (isinstance(v, (list, tuple)) and len(v) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in v)):
        raise ValueError(f"style: {where} must be [r, g, b] with integers 0-255, got {v!r}")
    return tuple(v)


def parse_style(d: dict, source: str = "style") -> Style:
    try:
        groups = tuple(RoadGroup(g["name"], tuple(g["classes"]), _rgb(g["color"], f"{source}: roads/{g['name']}/color"),
                                 float(g["width_px"])) for g in d["roads"])
        st = Style(
            reference_size_px=int(d["reference_size_px"]), background=_rgb(d["background"], f"{source}: background"),
            roads=groups, default_road_group=d["default_road_group"],
            trace_color=_rgb(d["signaling_trace"]["color"], f"{source}: signaling_trace/color"),
            trace_width_px=float(d["signaling_trace"]["width_px"]),
            tower_color=_rgb(d["towers"]["color"], f"{source}: towers/color"),
            tower_half_size_px=float(d["towers"]["half_size_px"]),
            path_color=_rgb(d["gps_path"]["color"], f"{source}: gps_path/color"),
            path_width_px=float(d["gps_path"]["width_px"]),
            start_color=_rgb(d["start_dot"]["color"], f"{source}: start_dot/color"),
            start_radius_px=float(d["start_dot"]["radius_px"]),
            end_color=_rgb(d["end_dot"]["color"], f"{source}: end_dot/color"),
            end_radius_px=float(d["end_dot"]["radius_px"]),
        )
    except KeyError as e:
        raise ValueError(f"{source}: missing field {e.args[0]!r}") from None
    if st.default_road_group not in [g.name for g in groups]:
        raise ValueError(f"{source}: default_road_group {st.default_road_group!r} is not one of the road groups")
    return st


@lru_cache(maxsize=8)
def load_style(path: str | None = None) -> Style:
    p = Path(path) if path else STYLE_PATH
    if not p.exists():
        raise FileNotFoundError(f"conditioning style not found: {p} (resources/styles/conditioning.json of the checkout)")
    return parse_style(json.loads(p.read_text()), str(p))
