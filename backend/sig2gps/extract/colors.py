"""Which pixels of a frame belong to which overlay (path, dots, trace), as soft alpha in [0, 1].

The style draws roads and background in neutral greys, so an overlay colour c blended with any
grey level keeps c's hue, and its chroma (max - min channel) is alpha * chroma(c). That gives the
overlay's coverage back from an anti-aliased or faint (generated) pixel without knowing what lies
underneath.
"""
from __future__ import annotations

import numpy as np

from ..render.style import Style

MIN_CHROMA = 24.0  # below this a pixel counts as grey (background, roads, compression noise)


def hue_chroma(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hue in degrees [0, 360) and chroma (0-255) of an (..., 3) RGB array."""
    f = np.asarray(img, np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    mx, mn = f.max(axis=-1), f.min(axis=-1)
    c = mx - mn
    safe = np.where(c > 0, c, 1.0)
    h = np.where(mx == r, ((g - b) / safe) % 6.0, np.where(mx == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0))
    return np.where(c > 0, h * 60.0, 0.0) % 360.0, c


def _hue_dist(a, b):
    d = np.abs(np.asarray(a) - b) % 360.0
    return np.minimum(d, 360.0 - d)


class OverlayColors:
    """Soft masks of the style's overlay colours; each pixel goes to the nearest overlay hue."""

    NAMES = ("trace", "path", "start", "end")

    def __init__(self, style: Style, hue_tolerance: float = 35.0):
        cols = {"trace": style.trace_color, "path": style.path_color, "start": style.start_color, "end": style.end_color}
        self.hues, self.chromas = {}, {}
        for n, c in cols.items():
            h, ch = hue_chroma(np.array(c, np.float32))
            self.hues[n], self.chromas[n] = float(h), float(ch)
        self.tol = hue_tolerance

    def masks(self, frames: np.ndarray) -> dict[str, np.ndarray]:
        """{name: (..., H, W) float32 alpha} for one (H, W, 3) frame or a (T, H, W, 3) video.

        Hue is computed only where chroma says a pixel is coloured (a few per cent of a frame)."""
        f = np.asarray(frames)
        r, g, b = f[..., 0], f[..., 1], f[..., 2]  # elementwise max/min: much faster than reducing axis -1
        c = (np.maximum(np.maximum(r, g), b).astype(np.int16) - np.minimum(np.minimum(r, g), b)).astype(np.float32)
        idx = np.flatnonzero(c >= MIN_CHROMA)
        h, cc = hue_chroma(f.reshape(-1, 3)[idx])
        d = np.stack([_hue_dist(h, self.hues[n]) for n in self.NAMES])
        best = d.argmin(axis=0)
        colored = d.min(axis=0) <= self.tol
        out = {}
        for i, n in enumerate(self.NAMES):
            sel = colored & (best == i)
            m = np.zeros(c.size, np.float32)
            m[idx[sel]] = np.clip(cc[sel] / self.chromas[n], 0.0, 1.0)
            out[n] = m.reshape(c.shape)
        return out
