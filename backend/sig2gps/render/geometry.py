"""TileGeometry: the exact mapping between lon/lat and the pixels of a square web-mercator view.

Everything that turns coordinates into pixels or back (conditioning image, target video, reading
frames back, rewards, the QGIS canvas export) goes through this one object, so a pixel means the
same place everywhere. Only numpy here (no mercantile/pyproj), so the same code runs on a GPU
machine that has numpy and PIL only; tests check the formulas against mercantile.

Pixel convention (PIL's): the centre of column j / row i is at x = j, y = i; the image covers
x, y in [-0.5, W - 0.5] x [-0.5, H - 0.5]; y grows downwards (north is up).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

R_EARTH = 6378137.0  # EPSG:3857 sphere radius (what mercantile.xy and web tiles use)
WORLD_M = 2.0 * math.pi * R_EARTH  # width of the web-mercator world in metres
TILE_PX = 256  # a slippy-map tile; zoom z means the world is TILE_PX * 2**z pixels wide
MAX_LAT = 85.0511287798066


def mercator_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3857 metres (same as mercantile.xy), vectorised."""
    lon = np.asarray(lon, float)
    lat = np.clip(np.asarray(lat, float), -MAX_LAT, MAX_LAT)
    x = R_EARTH * np.radians(lon)
    y = R_EARTH * np.log(np.tan(np.pi / 4.0 + np.radians(lat) / 2.0))
    return x, y


def mercator_lonlat(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of mercator_xy (same as mercantile.lnglat)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    lon = np.degrees(x / R_EARTH)
    lat = np.degrees(2.0 * np.arctan(np.exp(y / R_EARTH)) - np.pi / 2.0)
    return lon, lat


@dataclass(frozen=True)
class TileGeometry:
    """A W x H pixel view centred at (cx, cy) web-mercator metres, at a (possibly fractional) zoom.

    Frozen and plain (floats and ints) so it can be stored with every dataset sample and sent over
    the wire: to_dict() / from_dict().
    """

    cx: float  # view centre, EPSG:3857 metres
    cy: float
    zoom: float  # slippy-map zoom; fractional unless fitted with integer_zoom=True
    width: int = 256
    height: int = 256

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def fit(cls, lon, lat, width: int = 256, height: int | None = None, margin: float = 0.1,
            margin_m: float = 0.0, min_extent_m: float = 600.0, integer_zoom: bool = False, max_zoom: float = 19.0) -> "TileGeometry":
        """Square view centred on the bounding box of the points, which fit with `margin` (share of
        the box's larger side added on every side, plus margin_m ground metres). min_extent_m (ground metres) keeps a nearly
        stationary trace from zooming in to single buildings. integer_zoom rounds the zoom down to a
        whole slippy-map level (then the points still fit, with more margin)."""
        height = width if height is None else height
        lon = np.asarray(lon, float).ravel()
        lat = np.asarray(lat, float).ravel()
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any():
            raise ValueError("TileGeometry.fit: no finite lon/lat points to fit")
        x, y = mercator_xy(lon[ok], lat[ok])
        cx, cy = (x.min() + x.max()) / 2.0, (y.min() + y.max()) / 2.0
        lat_c = float(mercator_lonlat(cx, cy)[1])
        k = 1.0 / math.cos(math.radians(lat_c))  # ground metres -> mercator metres here
        span = max(x.max() - x.min(), y.max() - y.min()) * (1.0 + 2.0 * margin) + 2.0 * margin_m * k
        span = max(span, min_extent_m * k)
        scale = span / min(width, height)  # mercator metres per pixel
        zoom = min(math.log2(WORLD_M / (TILE_PX * scale)), max_zoom)
        if integer_zoom:
            zoom = float(math.floor(zoom))
        return cls(float(cx), float(cy), float(zoom), int(width), int(height))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TileGeometry":
        return cls(float(d["cx"]), float(d["cy"]), float(d["zoom"]), int(d["width"]), int(d["height"]))

    def resized(self, width: int, height: int | None = None) -> "TileGeometry":
        """Same ground extent (of the width) at another resolution."""
        height = width if height is None else height
        return TileGeometry(self.cx, self.cy, self.zoom + math.log2(width / self.width), width, height)

    # -- scale -------------------------------------------------------------------------------------
    @property
    def scale(self) -> float:
        """Web-mercator metres per pixel (exact, uniform over the view)."""
        return WORLD_M / (TILE_PX * 2.0 ** self.zoom)

    @property
    def bounds_xy(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of the image's outer edges in EPSG:3857 metres."""
        hw, hh = self.width * self.scale / 2.0, self.height * self.scale / 2.0
        return self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh

    @property
    def bounds_lonlat(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.bounds_xy
        lo, la = mercator_lonlat(np.array([x0, x1]), np.array([y0, y1]))
        return float(lo[0]), float(la[0]), float(lo[1]), float(la[1])

    def metres_per_pixel(self, lat=None) -> float | np.ndarray:
        """Ground metres per pixel at `lat` (default: the view centre); mercator shrinks by cos(lat)."""
        if lat is None:
            lat = mercator_lonlat(self.cx, self.cy)[1]
        return self.scale * np.cos(np.radians(np.asarray(lat, float)))

    # -- conversions (vectorised) -------------------------------------------------------------------
    def xy_to_px(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """EPSG:3857 metres -> pixel coordinates (affine)."""
        x0, _, _, y1 = self.bounds_xy
        s = self.scale
        return (np.asarray(x, float) - x0) / s - 0.5, (y1 - np.asarray(y, float)) / s - 0.5

    def px_to_xy(self, px, py) -> tuple[np.ndarray, np.ndarray]:
        x0, _, _, y1 = self.bounds_xy
        s = self.scale
        return x0 + (np.asarray(px, float) + 0.5) * s, y1 - (np.asarray(py, float) + 0.5) * s

    def lonlat_to_px(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        return self.xy_to_px(*mercator_xy(lon, lat))

    def px_to_lonlat(self, px, py) -> tuple[np.ndarray, np.ndarray]:
        return mercator_lonlat(*self.px_to_xy(px, py))

    def contains_px(self, px, py, pad: float = 0.0) -> np.ndarray:
        px, py = np.asarray(px, float), np.asarray(py, float)
        return (px >= -0.5 + pad) & (px <= self.width - 0.5 - pad) & (py >= -0.5 + pad) & (py <= self.height - 0.5 - pad)
