"""Between the wire format and the backend's own types: requests -> traces, network, options; results -> JSON."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..io.parse import DEFAULT_READ, T_MAX, T_MIN, ReadOptions
from ..io.signaling import split_trace
from ..methods import MethodOptions
from ..types import Cell, Reconstruction, SignalingTrace, TraceError


@dataclass
class JobInput:
    """A job request turned into what a method takes."""

    traces: list[SignalingTrace]
    errors: list[TraceError] = field(default_factory=list)  # traces dropped while reading (bad rows, unknown cells)
    warnings: list[str] = field(default_factory=list)


def read_inputs(req: dict, max_gap_s: float | None = DEFAULT_READ.max_gap_s) -> JobInput:
    """Traces from the request (inline or a signaling CSV), positions from cells where lon/lat are missing.

    Raises InputError/ValueError for problems that stop the whole job (unreadable file); a bad trace
    is only dropped and reported, like `sig2gps reconstruct` does.
    """
    from ..io import InputError, read_cells, read_signaling

    cells = None
    try:
        if "cells_path" in req:
            cells = read_cells(req["cells_path"])
        elif "cells" in req:
            cells = {c["cell_id"]: Cell(c["cell_id"], c["lon"], c["lat"], c.get("site_id", "")) for c in req["cells"]}
        if "signaling_path" in req:
            traces, report = read_signaling(req["signaling_path"], cells=cells, options=ReadOptions(max_gap_s=max_gap_s))
            return JobInput(traces, report.errors, report.warnings)
    except InputError as e:  # what a file-level error quotes from the file stays out of the answer and the log
        raise e.redacted() from None
    out = JobInput([])
    for i, tr in enumerate(req["traces"]):
        try:
            pieces = split_trace(_inline_trace(tr, i, cells), max_gap_s)
        except ValueError as e:
            out.errors.append(TraceError(tr["trace_id"], str(e)))
            continue
        if len(pieces) > 1:
            out.warnings.append(f"traces[{i}] ({tr['trace_id']}): split at {len(pieces) - 1} silence(s) longer than "
                                f"{max_gap_s:g} s into {len(pieces)} pieces")
        for p in pieces:
            if len(p) < 2:
                out.errors.append(TraceError(p.trace_id, f"traces[{i}]: piece has {len(p)} record(s); at least 2 "
                                                         "are needed"))
            else:
                out.traces.append(p)
    return out


def _inline_trace(tr: dict, i: int, cells: dict | None) -> SignalingTrace:
    n = len(tr["t"])
    if n < 2:
        raise ValueError(f"traces[{i}]: {n} record(s); at least 2 are needed")
    for k, t in enumerate(tr["t"]):  # the wire checks order and finiteness; the plausible range is checked here
        if not (T_MIN <= t <= T_MAX):
            raise ValueError(f"traces[{i}].t[{k}]: {t!r} is outside 1970..2100 as Unix seconds (milliseconds? "
                             "the wire format carries seconds)")
    if "lon" in tr:
        lon, lat = tr["lon"], tr["lat"]
    else:
        lon, lat = [], []
        for k, cid in enumerate(tr["cell_id"]):
            c = cells.get(cid)
            if c is None:
                raise ValueError(f"traces[{i}].cell_id[{k}]: unknown cell id {cid!r} (not in the request's cells)")
            lon.append(c.lon)
            lat.append(c.lat)
    return SignalingTrace(tr["trace_id"], tr["t"], tr["cell_id"], lon, lat)


def network_source(req: dict, needs_network: bool, cache_dir: Path) -> str | None:
    """The road file to load: the request's path, its inline GeoJSON written to the cache, or the default."""
    net = req.get("network") or {}
    if "path" in net:
        return net["path"]
    if "geojson" in net:
        text = json.dumps(net["geojson"], sort_keys=True)
        # keyed by content so a plugin sending the same layer again hits load_network's cache
        path = Path(cache_dir) / f"net-{hashlib.sha256(text.encode()).hexdigest()[:24]}.geojson"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text)
            tmp.replace(path)
        return str(path)
    if needs_network:
        from ..network.defaults import default_network

        return default_network()
    return None


def method_options(req: dict, options_cls=MethodOptions, conditioning: bool = True) -> MethodOptions:
    """The MethodOptions of a checked request (defaults filled by the wire): every option the declarations offer
    on the wire (options.schema.json is generated from the same declarations), checked by base.check_options.
    conditioning=False leaves the request's tile out (a check at submit need not decode it)."""
    from ..methods.base import option_fields

    o = req["options"]
    # JSON has one number type: 500 may come for a float option, 13.0 for an integer one
    kw = {opt.name: opt.type(o[opt.name]) if opt.type in (int, float) and o[opt.name] is not None else o[opt.name]
          for opt in option_fields(options_cls) if opt.spec.wire and opt.name in o}
    extra = dict(kw.get("extra") or {})
    cond = req.get("conditioning") if conditioning else None
    if cond:
        # methods that can use the user's tile read it here; the others ignore it
        extra["conditioning"] = {"png": base64.b64decode(cond["png_base64"]), "bounds_lonlat": cond["bounds_lonlat"],
                                 "crs": cond.get("crs", "EPSG:3857")}
    return options_cls(**dict(kw, extra=extra))


# ---------------------------------------------------------------- results
def json_safe(v):
    """Method info dicts may hold numpy values, tuples, NaN: make them plain JSON."""
    if isinstance(v, dict):
        return {str(k): json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_safe(x) for x in v]
    if isinstance(v, np.ndarray):
        return json_safe(v.tolist())
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    if v is None or isinstance(v, str):
        return v
    return str(v)


def frames_array(frames) -> np.ndarray | None:
    """A rollout's frames as (T,H,W,3) uint8, or None when there are none or they have another shape."""
    if frames is None:
        return None
    a = np.asarray(frames)
    if a.ndim == 3:  # grey frames
        a = np.repeat(a[..., None], 3, axis=-1)
    if a.ndim != 4 or a.shape[-1] not in (3, 4) or a.shape[0] < 1:
        raise ValueError(f"frames of shape {a.shape}; expected (T, H, W, 3)")
    if a.dtype != np.uint8:
        a = np.clip(a * 255.0 if a.dtype.kind == "f" and a.max() <= 1.0 else a, 0, 255).astype(np.uint8)
    return a[..., :3]


def png_bytes(frame: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(frame)).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def rollout_json(r, k: int, frames: np.ndarray | None, frames_mode: str, url_base: str) -> dict:
    tr = r.track
    out = {"rollout": k, "score": json_safe(float(r.score)), "t": [float(x) for x in tr.t],
           "lon": [float(x) for x in tr.lon], "lat": [float(x) for x in tr.lat], "info": json_safe(r.info or {}),
           "frames": None}
    if frames is not None and frames_mode != "none":
        f = {"count": int(frames.shape[0]), "height": int(frames.shape[1]), "width": int(frames.shape[2])}
        if frames_mode == "inline":
            f["png_base64"] = [base64.b64encode(png_bytes(fr)).decode("ascii") for fr in frames]
        else:
            f["urls"] = [f"{url_base}/{k}/{i}.png" for i in range(frames.shape[0])]
        out["frames"] = f
    return out


def trace_json(rec: Reconstruction, frames: list, frames_mode: str, url_base: str) -> dict:
    return {"trace_id": rec.trace_id, "seconds": float(max(rec.seconds, 0.0)),
            "rollouts": [rollout_json(r, k, fr, frames_mode, url_base)
                         for k, (r, fr) in enumerate(zip(rec.rollouts, frames))]}
