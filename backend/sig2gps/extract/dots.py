"""Finding a coloured dot in a frame: the best blob, its sub-pixel centre, and how sure we are."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

# Quality of one dot reading, best first.
OK, FAINT, MULTIPLE, MISSING = "ok", "faint", "multiple", "missing"


@dataclass(frozen=True)
class Dot:
    x: float  # pixel coordinates (PIL convention, see render.geometry); nan when missing
    y: float
    mass: float  # summed alpha of the chosen blob
    quality: str


def find_dot(alpha: np.ndarray, radius_px: float, prev: tuple[float, float] | None = None,
             min_mass_share: float = 0.15) -> Dot:
    """The dot drawn with `radius_px` in a soft mask.

    Blobs are connected parts of alpha > 0.25. The chosen blob maximises its mass, discounted with
    the distance from `prev` (the dot of the previous frame) when given, because a generated video
    moves its dot smoothly while a spurious blob can be anywhere. Centre = alpha-weighted centroid
    of the blob grown by one pixel (so its anti-aliased rim counts). Never raises."""
    expected = np.pi * radius_px ** 2
    core = alpha > 0.25
    lab, n = ndimage.label(core, structure=np.ones((3, 3)))
    if n == 0:
        return Dot(np.nan, np.nan, 0.0, MISSING)
    masses = ndimage.sum(alpha, lab, index=np.arange(1, n + 1))
    score = masses.copy()
    if prev is not None and np.all(np.isfinite(prev)) and n > 1:
        cy, cx = np.array(ndimage.center_of_mass(alpha, lab, np.arange(1, n + 1))).reshape(-1, 2).T
        d = np.hypot(cx - prev[0], cy - prev[1])
        score = masses * np.exp(-d / (0.25 * max(alpha.shape)))
    i = int(np.argmax(score))
    mass = float(masses[i])
    if mass < min_mass_share * expected:
        return Dot(np.nan, np.nan, mass, MISSING)
    sl = ndimage.find_objects(lab, max_label=i + 1)[i]
    y0, x0 = max(sl[0].start - 1, 0), max(sl[1].start - 1, 0)  # the blob's box grown by the rim pixel
    y1, x1 = min(sl[0].stop + 1, alpha.shape[0]), min(sl[1].stop + 1, alpha.shape[1])
    region = ndimage.binary_dilation(lab[y0:y1, x0:x1] == i + 1, structure=np.ones((3, 3)))
    w = np.where(region, alpha[y0:y1, x0:x1], 0.0)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    x, y = float((w * xx).sum() / w.sum()), float((w * yy).sum() / w.sum())
    others = np.delete(masses, i)
    if len(others) and others.max() > 0.5 * expected:
        quality = MULTIPLE
    elif mass < 0.6 * expected:
        quality = FAINT
    else:
        quality = OK
    return Dot(x, y, mass, quality)
