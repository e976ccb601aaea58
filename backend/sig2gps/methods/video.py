"""`video`: draw the GPS path as a video with the Wan-architecture flow model, read it back.

Per trace: the signaling and the roads become condition planes (model/scene.py). With `decode="heat"` (the
default) rollout 0 is the model's posterior mean video, one sampler step from pure noise, read back per frame as
the heat's weighted median (model/heat.py): the estimate with the least expected error, in a tenth of the time of
a sampled video; any further rollouts are sampled. With `decode="sample"`, K rollouts
(different noise) are sampled in batches; each is read back (model/readback.py) either raw (the
current-position dot of every frame at its known time) or, with --snap, map-constrained (the
cheapest road route under the drawn path's probability between the drawn start and end, timed by
the frames' dots). Rollouts are scored and sorted: rollout 0 is the best. With `consensus` and
K >= 2 rollouts, rollout 0 is instead their consensus: per frame the geometric median of the K
drawn dots (raw), or with --snap the road route under the K videos' mean path probability timed by
those medians; the K sampled rollouts follow, best first. One sample hedges between roads; the
median of K samples is the model's own estimate with that sampling noise averaged away (measured in
docs/BENCHMARKS.md, "video model: consensus of K rollouts").

A model that draws with a prior (`SceneConfig.prior`) first runs `hmm` on each trace and draws its route as
two more condition channels; its rollouts are decoded along that route (readback.route_track): the road
geometry is the prior's, the timing the model's.

Options: rollouts, frames (4k+1), steps, snap, seed, device, model (a model folder; default the shipped
route-prior model resources/models/video-prior when present, else resources/models/video, the pure one),
extra["frames_dir"] (write each rollout's frames as a GIF there), extra["batch"] (videos per forward pass).
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io.names import safe_filename
from ..types import GpsTrace, Reconstruction, Rollout, TraceError
from .base import ReconstructionMethod, check_trace, option
from .registry import register


@dataclass(frozen=True)
class VideoOptions:
    """The options only the video method reads (part of MethodOptions; checked by base.check_options)."""

    frames: int = option(21, "video frames T = 4k+1", methods=("video",), minimum=5, maximum=161, step=4)
    steps: int = option(20, "sampler steps", methods=("video",), minimum=1, maximum=1000)
    device: str = option("auto", "where the model runs: auto (cuda when there is one), cpu, cuda or cuda:N",
                         methods=("video",), pattern=r"^(auto|cpu|cuda(:[0-9]+)?)$")
    # True: decode the drawing on the road graph (one drivable path); False: the raw dots, a diagnostic whose
    # straight lines between frames can cross blocks
    snap: bool = option(True, "decode the drawing on the road graph, one drivable path (default); off: the raw "
                              "dots of the frames, a diagnostic", methods=("video",))
    consensus: bool = option(False, "rollout 0 = the consensus of the K >= 2 sampled rollouts", methods=("video",))
    # heat: rollout 0 is read from the model's posterior mean (one sampler step from pure noise, model/heat.py),
    # the least expected error and a fraction of the time; further rollouts (rollouts >= 2) are sampled videos
    decode: str = option("heat", "heat: rollout 0 from the posterior mean video (one step, the most accurate); "
                                 "sample: every rollout a sampled video (--steps steps)", methods=("video",),
                         choices=("heat", "sample"))
    # a model that draws with hmm's route: its heat's arc length blended with the prior's own (model/heat.py);
    # the default is chosen on validation pairs (experiments/video_prior/eval_blend.py), never on the test city
    prior_weight: float = option(0.0, "a model drawn with hmm's route: the weight of the route's own timing in "
                                      "rollout 0 (0: the model's heat alone, 1: hmm's timing)", methods=("video",),
                                 minimum=0.0, maximum=1.0)
    # the heat's faint haze away from each frame's peak pulls the median along the route towards the window's
    # middle: chosen on validation pairs (experiments/video_prior/README.md, session 10), never on the test city
    route_floor: float = option(0.8, "a model drawn with hmm's route: the share of each frame's heat peak below "
                                     "which its heat is ignored along the route", methods=("video",),
                                minimum=0.0, maximum=1.0)
    # 1000 m = the smallest window, where the model errs least (benchmark test set, docs/BENCHMARKS.md "windows")
    chunk_m: float = option(1000.0, "draw a trace in consecutive windows of at most this half-width in metres "
                                    "(0: one window)", methods=("video",), minimum=0.0)


def _has(mod: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(mod) is not None


def score_rollout(track_t, track_xy, sig_t, sig_xy, pieces: int, on_road: float) -> tuple[float, dict]:
    """Higher is better: agreement with the serving sites, path on roads, one connected piece.

    Sites are hundreds of metres from the phone, so agreement is soft: exp(-mean distance / 500 m)."""
    px = np.interp(sig_t, track_t, track_xy[:, 0])
    py = np.interp(sig_t, track_t, track_xy[:, 1])
    d = float(np.mean(np.hypot(px - sig_xy[:, 0], py - sig_xy[:, 1])))
    agree = float(np.exp(-d / 500.0))
    connected = 1.0 if pieces == 1 else 1.0 / (1 + pieces)
    score = agree + 0.5 * on_road + 0.5 * connected
    return score, {"site_dist_m": d, "agreement": agree, "on_road": on_road, "path_pieces": pieces}


def overlay_rgb(cond: np.ndarray, overlay: np.ndarray, scale: int = 4) -> np.ndarray:
    """(T,H,W,3) uint8 frames for the plugin: grey roads, red signaling, blue path, green dot."""
    T = overlay.shape[1]
    img = np.ones((T,) + overlay.shape[2:] + (3,), np.float32)
    for alpha, color in ((cond[0], (0.55, 0.55, 0.55)), (np.maximum(cond[1], cond[3]), (0.95, 0.25, 0.25)),
                         (overlay[0], (0.1, 0.2, 1.0)), (overlay[1], (0.0, 0.75, 0.1))):
        a = np.clip(alpha, 0, 1)[..., None]
        img = img * (1 - a) + np.asarray(color, np.float32) * a
    img = np.repeat(np.repeat(img, scale, 1), scale, 2)
    return (img * 255).astype(np.uint8)


def write_gif(path: Path, frames: np.ndarray, ms: int = 250) -> None:
    from PIL import Image

    ims = [Image.fromarray(f) for f in frames]
    ims[0].save(path, save_all=True, append_images=ims[1:], duration=ms, loop=0)


def _loaded(model, device: str):
    """(pipeline, config, meta) of a model folder, loaded once per process and device.

    Every trace batch of the CLI, the server, the batch workers and the benchmark makes a new method
    instance; the weights need not be read again each time. The key holds the folder's JSON mtime, so
    a model rewritten in place is read afresh."""
    from ..model.store import MODEL_JSON, default_video_model_dir, load_video_model

    d = Path(model) if model else default_video_model_dir()
    meta = d / MODEL_JSON
    key = (str(d.resolve()), device, meta.stat().st_mtime_ns if meta.is_file() else 0)
    if key not in _LOADED:
        if len(_LOADED) >= 4:  # a few models at most (the benchmark compares several)
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = load_video_model(d, device)
    return _LOADED[key]


_LOADED: dict = {}


@register
class VideoMethod(ReconstructionMethod):
    name = "video"
    description = ("Wan-architecture image-to-video flow model draws the path (pixel overlay, TI2V first frame "
                   "clean); rollout 0 read from the posterior heat, map-matched to one drivable road path (--no-snap: "
                   "the raw dots)")
    needs_network = True

    _pipe = None
    _matcher = None  # the MapMatcher of --snap (VIDEO_MATCH), built on first use
    _priors: dict = {}  # trace_id -> (t, xy, source) of the prior track, for a model that draws with one

    @classmethod
    def is_ready(cls) -> bool:
        """The shipped model exists AND its card declares it ready (model/card.py: `ready` is decided when the
        card is written, by the rule that its validation beats the towers floor).

        `make demo` takes the first ready method in its preference list; a model that is measured
        to be worse than the floor (the state after session 1) must not be picked over `hmm`.
        `--method video` always runs it."""
        from ..model.card import read_card
        from ..model.store import default_video_model_dir

        return cls.shipped_exists() and read_card(default_video_model_dir()).ready

    @classmethod
    def shipped_exists(cls) -> bool:
        from ..model.store import MODEL_JSON, default_video_model_dir

        d = default_video_model_dir()
        return (_has("torch") and _has("diffusers") and (d / MODEL_JSON).is_file()
                and any((d / "transformer").glob("*.safetensors")))

    @classmethod
    def shipped_beats_floor(cls) -> bool:
        from ..model.store import default_video_model_dir, read_meta

        val = read_meta(default_video_model_dir()).get("summary", {}).get("val", {})
        # drawn in windows when that was measured: how the method runs it
        mae = val.get("val_mae_win_m", val.get("val_mae_m", float("inf")))
        return bool(val) and mae < val.get("val_towers_mae_m", 0.0)

    @property
    def device(self) -> str:
        dev = self.options.device
        if dev == "auto":
            import torch

            dev = "cuda" if torch.cuda.is_available() else "cpu"
        return dev

    def _pipeline(self):
        if self._pipe is None:
            self._pipe, self._cfg, self._meta = _loaded(self.options.model, self.device)
            from ..network.pieces import road_pieces

            self._pieces = road_pieces(self.network)
        return self._pipe

    def _seed(self, trace_id: str, k: int, piece: int = 0) -> int:
        """Noise seed of rollout k of a trace's window `piece` (piece 0 = the whole-trace seed)."""
        return (self.options.seed * 1_000_003 + zlib.crc32(trace_id.encode()) * 131 + k + piece * 1_000_033) % (2 ** 63)

    def reconstruct(self, trace):
        recs, errs = self.reconstruct_many([trace])
        if errs:
            raise ValueError(errs[0].reason)
        return recs[0]

    def reconstruct_many(self, traces):
        from ..model.scene import window_scenes

        opt = self.options  # checked when it was made (VideoOptions above, base.check_options)
        pipe = self._pipeline()
        scene = self._cfg.scene
        jobs, errors, usable = [], [], []
        for tr in traces:
            try:
                check_trace(tr, self.network, opt.max_outside_share)
                usable.append(tr)
            except Exception as e:  # one bad trace never loses the others
                errors.append(TraceError(tr.trace_id, str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"))
        self._priors = {}
        if scene.prior:  # a model that draws with the engineered route: `hmm` first (methods/_prior.py)
            from ._prior import route_priors

            self._priors = route_priors(self.network, usable, opt.seed)
        for tr in usable:
            try:
                t, lon, lat = np.asarray(tr.t, float), tr.lon, tr.lat
                x, y = self.network.to_xy(lon, lat)
                sig_xy = np.c_[x, y]
                prior = self._priors[tr.trace_id][:2] if scene.prior else None
                jobs.append((tr, t, sig_xy, window_scenes(t, sig_xy, self._pieces, scene, opt.chunk_m, opt.frames,
                                                          prior)))
            except Exception as e:  # one bad trace never loses the others
                errors.append(TraceError(tr.trace_id, str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"))
        # every (trace, piece, rollout) is one video; batch them. k = -1: the heat video (one step from noise)
        heat = opt.decode == "heat"
        sampled = opt.rollouts - 1 if heat else opt.rollouts
        items = [(j, c, k) for j in range(len(jobs)) for c in range(len(jobs[j][3]))
                 for k in ([-1] if heat else []) + list(range(sampled))]
        overlays, seconds = self._draw(pipe, jobs, items)
        recs = []
        frames_dir = opt.extra.get("frames_dir")
        for j, (tr, t, sig_xy, parts) in enumerate(jobs):
            t0 = time.perf_counter()
            try:
                per_k = [[overlays[(j, c, k)] for c in range(len(parts))] for k in range(sampled)]
                decoded = [[self._decode(p, o, t) for p, o in zip(parts, ovs)] for ovs in per_k]
                rolls = [self._rollout(tr, t, sig_xy, parts, ovs, dec, k) for k, (ovs, dec) in enumerate(zip(per_k, decoded))]
                rolls.sort(key=lambda r: -r.score)
                if heat:
                    hov = [overlays[(j, c, -1)] for c in range(len(parts))]
                    hdec = [self._decode(p, o, t, heat=tr.trace_id) for p, o in zip(parts, hov)]
                    rolls.insert(0, self._assemble(tr, t, sig_xy, parts, hov, [d["raw"] for d in hdec],
                                                   [d["pieces"] for d in hdec],
                                                   [d["on_road"] for d in hdec], "heat", {}))
                elif opt.consensus and opt.rollouts >= 2:
                    rolls.insert(0, self._consensus(tr, t, sig_xy, parts, per_k, decoded))
                if frames_dir:
                    d = Path(frames_dir)
                    d.mkdir(parents=True, exist_ok=True)
                    for k, r in enumerate(rolls):
                        big = np.repeat(np.repeat(r.frames, 4, 1), 4, 2)  # 64 px frames are tiny on screen
                        write_gif(d / f"{safe_filename(tr.trace_id)}_r{k}.gif", big)
                rec = Reconstruction(tr.trace_id, self.name, rolls)
                rec.seconds = float(seconds[j] + time.perf_counter() - t0)
                recs.append(rec)
            except Exception as e:
                errors.append(TraceError(tr.trace_id, f"{type(e).__name__}: {e}"))
        return recs, errors

    def _draw(self, pipe, jobs, items) -> tuple[dict, np.ndarray]:
        """The videos of `items` (trace j, window c, rollout k; k = -1 the one-step heat video), in batches ->
        ({(j, c, k): overlay}, seconds per trace). Progress per sampler step to the server's job."""
        import torch

        opt = self.options
        batch = int(opt.extra.get("batch", 64 if self.device == "cuda" else 4))
        overlays, seconds = {}, np.zeros(len(jobs))
        report = getattr(self, "progress_callback", None)  # set by the server's job (server/jobs.py)
        n_batches = (len(items) + batch - 1) // batch
        for a in range(0, len(items), batch):
            chunk = items[a:a + batch]
            t0 = time.perf_counter()
            cond = np.stack([jobs[j][3][c].cond for j, c, _ in chunk])
            gens = [torch.Generator().manual_seed(self._seed(jobs[j][0].trace_id, max(k, 0), c)) for j, c, k in chunk]
            steps = [1 if k < 0 else opt.steps for _, _, k in chunk]
            groups = {n: [i for i, s in enumerate(steps) if s == n] for n in sorted(set(steps))}
            b = a // batch
            for n, idx in groups.items():
                def step_cb(i, n, b=b):  # progress per sampler step; a cancel raises here, between steps
                    if report is not None:
                        report(b * n + i, n_batches * n, f"drawing: batch {b + 1} of {n_batches}, step {i} of {n}")
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.device == "cuda"):
                    out = pipe(cond[idx], opt.frames, n, [gens[i] for i in idx], callback=step_cb).overlay
                for i, o in zip(idx, out):
                    overlays[chunk[i]] = o
            dt = (time.perf_counter() - t0) / len(chunk)
            for j, _, _ in chunk:
                seconds[j] += dt
        return overlays, seconds

    def _decode(self, part, overlay, t, heat: str | None = None) -> dict:
        """One piece of one rollout read back: raw dots, and with --snap the road route (None if none).
        `heat` (the trace id): the overlay is the posterior mean; its dots are the heat's weighted medians, along
        the trace's prior route when the model draws with one (model/heat.py)."""
        from ..model.readback import on_road_share, path_pieces, raw_track

        if heat is None:
            tt, xy = raw_track(part.win, overlay, t[part.a], t[part.b])
        elif heat in self._priors:
            from ..model.heat import route_heat_track

            tt, xy = route_heat_track(part.win, overlay, t[part.a], t[part.b], *self._priors[heat][:2],
                                      floor=self.options.route_floor, prior_weight=self.options.prior_weight)
        else:
            from ..model.heat import heat_track

            tt, xy = heat_track(part.win, overlay, t[part.a], t[part.b])
        return {"raw": (tt, xy), "pieces": path_pieces(overlay),
                "on_road": on_road_share(overlay, part.cond[0, 0])}

    def _match(self, t, xy):
        """The read-back dots of a whole trace map-matched (mapmatch.VIDEO_MATCH: the hmm pipeline with a dot's
        error scale) -> (t, xy) of one connected road path, timed monotonically and no faster than the speed limit;
        None when no route is found. Why not window by window: routes decoded per window meet at the seams far
        apart, a jump at one instant."""
        if self._matcher is None:
            from dataclasses import replace

            from ..mapmatch import VIDEO_MATCH, MapMatcher

            cfg = replace(VIDEO_MATCH, timing=replace(VIDEO_MATCH.timing, max_speed_ms=min(
                VIDEO_MATCH.timing.max_speed_ms, 0.95 * self.options.max_speed_mps)))
            self._matcher = MapMatcher(self.network, cfg, precompute=False)
        tracks = self._matcher.match(np.asarray(t, float), np.asarray(xy[:, 0], float), np.asarray(xy[:, 1], float))
        if not tracks:
            return None
        m = tracks[0]
        return m.t, np.c_[m.x, m.y], {k: m.info[k] for k in ("pieces",) if k in m.info}  # pieces: the base checks

    def _rollout(self, tr, t, sig_xy, parts, overlays, decoded, k) -> Rollout:
        """Sampled rollout k: its pieces stitched in time, scored against the whole trace's signaling."""
        return self._assemble(tr, t, sig_xy, parts, overlays, [d["raw"] for d in decoded],
                              [d["pieces"] for d in decoded], [d["on_road"] for d in decoded], "",
                              {"seed": self._seed(tr.trace_id, k)})

    def _consensus(self, tr, t, sig_xy, parts, per_k, decoded) -> Rollout:
        """The consensus rollout of K sampled videos (see the module doc), piece by piece."""
        from ..model.readback import geometric_median, on_road_share, path_pieces

        meds, means, spread = [], [], []
        for c, p in enumerate(parts):
            tracks = np.stack([dec[c]["raw"][1] for dec in decoded])
            med = geometric_median(tracks)
            means.append(np.mean([ovs[c] for ovs in per_k], 0))
            meds.append((decoded[0][c]["raw"][0], med))
            spread.append(float(np.mean(np.hypot(*(tracks - med).transpose(2, 0, 1)))))
        return self._assemble(tr, t, sig_xy, parts, means, meds, [path_pieces(o) for o in means],
                              [on_road_share(o, p.cond[0, 0]) for o, p in zip(means, parts)], "consensus",
                              {"consensus_of": len(per_k), "spread_m": float(np.mean(spread))})

    def _assemble(self, tr, t, sig_xy, parts, overlays, raws, pieces, on_road, kind: str, extra: dict) -> Rollout:
        """A Rollout from its windows' read-backs: raw dots stitched (shared records averaged), then with a prior
        timed along its route, or with --snap map-matched as a whole (one connected road path, no window seams);
        scored against the whole trace's signaling."""
        from ..model.readback import stitch_tracks

        opt = self.options
        raw = stitch_tracks(raws, average=True)
        prior = self._priors.get(tr.trace_id)
        matched = self._match(*raw) if prior is None and opt.snap else None
        snapped = prior is not None or matched is not None
        if prior is not None:  # the model's timing along the prior's road route: drivable by construction
            from ..model.readback import route_track

            # capped below the check's limit, as hmm and the match are: metres in the network's projection
            # are not quite the geodesic metres the plausibility check measures
            tt, xy = route_track(prior[0], prior[1], *raw, max_speed_mps=0.95 * opt.max_speed_mps)
            decode = "route"
            extra = dict(extra, prior=prior[2])
        elif matched is not None:
            tt, xy, minfo = matched
            decode = "match"
            extra = dict(extra, **minfo)
        else:  # --no-snap, or no road route joins the dots (then the plausibility check reports it)
            (tt, xy), decode = raw, "raw"
        if kind:  # "consensus", "consensus-match", "heat-route", ...
            decode = kind if decode == "raw" else f"{kind}-{decode}"
        score, info = score_rollout(tt, xy, t, sig_xy, _joined_pieces(pieces), float(np.mean(on_road)))
        info.update(decode=decode, frames=opt.frames, steps=opt.steps, windows=len(parts), **extra)
        if snapped:
            rlon, rlat = self.network.to_lonlat(raw[1][:, 0], raw[1][:, 1])
            info["raw"] = {"t": raw[0].tolist(), "lon": rlon.tolist(), "lat": rlat.tolist()}  # with and without --snap
        lon, lat = self.network.to_lonlat(xy[:, 0], xy[:, 1])
        return Rollout(GpsTrace(tr.trace_id, tt, lon, lat), score, info, _frames(parts, overlays))


def _joined_pieces(pieces: list[int]) -> int:
    """Path pieces of the stitched drawing: 1 only when every window drew one piece (an empty one counts 2)."""
    return int(sum(p if p >= 1 else 2 for p in pieces) - (len(pieces) - 1))


def _frames(parts, overlays) -> np.ndarray:
    """The plugin's frames: each window's video in turn (later windows without their condition frame)."""
    clips = [overlay_rgb(p.cond[:, 0], o, 1) for p, o in zip(parts, overlays)]
    return np.concatenate([clips[0]] + [c[1:] for c in clips[1:]])
