"""Build the job request and read the job result (resources/wire/schemas, wire version 1).

The request is assembled and validated by backend_client.build_request (the one wire format); this
module maps the plugin's choices onto it, turns a road layer into inline GeoJSON, and turns the
result into RolloutResult objects for the layers and the dock.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .layers.results import RolloutResult

WIRE = 1  # the wire version this plugin reads (resources/wire)
CLIENT = "qgis-plugin 0.1.0"


@dataclass(frozen=True)
class ReconstructParams:
    """Everything the dock (or the Processing algorithm) decides about one run (Deepness's pattern)."""

    method: str = "towers"
    # Method options the user chose; None: the backend's declared default (wire/schemas/options.schema.json,
    # whose descriptions and limits the widgets show).
    rollouts: int | None = None
    seed: int | None = None
    consensus: bool | None = None
    network_path: str = ""  # a road file on the backend's machine; ignored when a road layer is sent
    with_frames: bool = True  # ask for generated frames (inline PNGs) for the player


def build_job_request(traces: list, params: ReconstructParams, cells: dict | None = None,
                      network_geojson: dict | None = None, conditioning_png: bytes | None = None,
                      conditioning_bounds: tuple | None = None) -> dict:
    """The POST /jobs body, checked against the wire format by backend_client.build_request.

    `traces` are layers.signaling.Trace (or dicts of the same shape); `cells` {cell_id: (lon, lat)}.
    A road layer sent inline wins over the backend's network file.
    """
    from .backend_client import build_request

    if not traces:
        raise ValueError("no traces to send")
    return build_request(
        params.method, traces=[t.to_dict() if hasattr(t, "to_dict") else dict(t) for t in traces],
        cells=[{"cell_id": str(c), "lon": float(x), "lat": float(y)} for c, (x, y) in cells.items()] if cells else None,
        network_geojson=network_geojson,
        network_path=(params.network_path or None) if network_geojson is None else None,
        conditioning_png=conditioning_png, conditioning_bounds=conditioning_bounds,
        rollouts=params.rollouts, seed=params.seed, consensus=params.consensus,
        frames_mode="inline" if params.with_frames else "none", client=CLIENT)


@dataclass
class JobResult:
    rollouts: list[RolloutResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (trace_id, reason)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True
    method: str = ""
    device: str = ""
    seconds_total: float = 0.0


def parse_result(body: dict) -> JobResult:
    """GET /jobs/{id}/result -> JobResult; frames decoded from inline base64 when present."""
    import base64

    if body.get("wire") != WIRE:
        raise ValueError(f"backend speaks wire version {body.get('wire')!r}; this plugin speaks {WIRE}")
    out = JobResult(complete=bool(body.get("complete", True)), method=body.get("method", ""),
                    device=body.get("device", ""), seconds_total=float(body.get("seconds_total", 0.0)),
                    warnings=list(body.get("warnings", [])),
                    errors=[(e["trace_id"], e["reason"]) for e in body.get("errors", [])])
    for tr_ in body.get("traces", []):
        for r in tr_["rollouts"]:
            fr = r.get("frames") or {}
            frames = [base64.b64decode(s) for s in fr.get("png_base64", [])]
            score = r.get("score")
            out.rollouts.append(RolloutResult(
                trace_id=tr_["trace_id"], rollout=int(r["rollout"]), method=out.method,
                score=float("nan") if score is None else float(score), t=list(r["t"]), lon=list(r["lon"]),
                lat=list(r["lat"]), frames=frames, info=dict(r.get("info", {}))))
    return out


def road_layer_geojson(layer, max_features: int = 200_000) -> dict:
    """A QGIS line layer -> GeoJSON FeatureCollection in WGS84 with highway/oneway when present."""
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsWkbTypes)

    from .errors import InputError
    from .i18n import tr

    if layer is None or not layer.isValid() or layer.geometryType() != QgsWkbTypes.LineGeometry:
        raise InputError(tr("The road layer must be a valid line layer."))
    xf = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    names = set(layer.fields().names())
    feats = []
    for f in layer.getFeatures():
        g = f.geometry()
        if g.isEmpty():
            continue
        g.transform(xf)
        props = {k: str(f[k]) for k in ("highway", "oneway") if k in names and f[k] not in (None, "")}
        parts = g.asMultiPolyline() if g.isMultipart() else [g.asPolyline()]
        for part in parts:
            if len(part) >= 2:
                feats.append({"type": "Feature", "properties": props,
                              "geometry": {"type": "LineString", "coordinates": [[p.x(), p.y()] for p in part]}})
        if len(feats) > max_features:
            raise InputError(tr("The road layer {0} has more than {1} lines; clip it to the area of the traces.")
                             .format(layer.name(), max_features))
    if not feats:
        raise InputError(tr("The road layer {0} has no lines.").format(layer.name()))
    return {"type": "FeatureCollection", "features": feats}
