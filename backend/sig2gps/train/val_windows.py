"""The windowed validation protocol of the video model: the validation pairs drawn in windows and stitched in time,
as the video method runs them, scored in metres by every decode (one sample, consensus, heat, along a prior)."""
from __future__ import annotations

import numpy as np
import torch


def validate_windows(pipe, scene, pairs, idx, frames: int, steps: int, device: str, chunk_m: float,
                     seed: int = 0, prior: str = "hmm", rollouts: int = 1, strength: float = 1.0,
                     route_floor: float | None = None, also_floors: tuple = (0.1, 0.3, 0.5)) -> dict:
    """The validation pairs drawn in windows of at most `chunk_m` half-width and stitched in time, as the video
    method's --chunk-m does (methods/video.py), scored in metres:
      val_mae_win_m          one sample per window, raw dots (rollout 0)
      val_mae_win_cons_m     with rollouts K >= 2: the per-frame geometric median of K samples (the consensus)
      val_mae_win_route_m    with a prior: the consensus dots timed along the prior's route (readback.route_track)
      val_prior_mae_m        with a prior: the prior track itself (what the model is given)
      val_mae_win_heat_m     the posterior heat (one step from noise), its weighted median per frame (model/heat.py)
      val_mae_win_heat_route_m  with a prior: the heat's weighted median along the prior's route, route_track'd
    A scene with prior channels draws the pairs' stored prior (`prior="hmm"`) or the truth (`"truth"`);
    `strength` < 1 starts the sampler from the prior's drawing (Sig2GpsVideoPipeline, SDEdit). The heat along the
    route is read at `route_floor` (None: the video method's default, VideoOptions.route_floor), so that the model
    validation keeps is the one best as users run it; `also_floors` are read too (val_mae_win_heat_route_f<F>_m),
    since a high floor reads mostly the prior's own dot and can hide what a model corrects."""
    from ..methods.video import VideoOptions
    from ..model.scene import COND_CHANNELS
    from ..model.heat import heat_track, route_heat_track
    from ..model.readback import errors_m, geometric_median, raw_track, route_track, stitch_tracks
    from ..model.scene import window_scenes

    K = max(1, rollouts)
    floor = VideoOptions().route_floor if route_floor is None else route_floor
    jobs, priors = [], []  # (pair position, its signaling times, one window of it)
    for n, i in enumerate(idx):
        city, sig_t, sig_xy, pos_t, pos_xy = pairs.trace(int(i))
        track = None
        if scene.prior:
            track = (pos_t, pos_xy) if prior == "truth" else pairs.prior(int(i))
        priors.append(track)
        jobs += [(n, sig_t, w) for w in window_scenes(sig_t, sig_xy, pairs.roads[city], scene, chunk_m, frames, track)]
    items = [(j, k) for j in range(len(jobs)) for k in range(K)]
    dots = {}
    for start in range(0, len(items), 64):
        part = items[start:start + 64]
        gens = [torch.Generator().manual_seed(seed + j + 100_003 * k) for j, k in part]
        cond = np.stack([jobs[j][2].cond for j, _ in part])
        init = cond[:, COND_CHANNELS:COND_CHANNELS + 2] if scene.prior and strength < 1 else None
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
            ov = pipe(cond, frames, steps, gens, init=init, strength=strength).overlay
        for (j, k), o in zip(part, ov):
            n, sig_t, w = jobs[j]
            dots[(j, k)] = raw_track(w.win, o, float(sig_t[w.a]), float(sig_t[w.b]))
    raw, cons = [[] for _ in idx], [[] for _ in idx]
    heat, heat_route = [[] for _ in idx], [[] for _ in idx]
    at_floor = {f: [[] for _ in idx] for f in also_floors} if scene.prior else {}
    for start in range(0, len(jobs), 64):  # the posterior heat: one step from pure noise (model/heat.py)
        part = range(start, min(start + 64, len(jobs)))
        gens = [torch.Generator().manual_seed(seed + j) for j in part]
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
            ov = pipe(np.stack([jobs[j][2].cond for j in part]), frames, 1, gens).overlay
        for j, o in zip(part, ov):
            n, sig_t, w = jobs[j]
            t0, t1 = float(sig_t[w.a]), float(sig_t[w.b])
            heat[n].append(heat_track(w.win, o, t0, t1))
            if scene.prior:
                heat_route[n].append(route_heat_track(w.win, o, t0, t1, *priors[n], floor=floor))
                for f, tracks in at_floor.items():
                    tracks[n].append(route_heat_track(w.win, o, t0, t1, *priors[n], floor=f))
    for j, (n, _, _) in enumerate(jobs):
        raw[n].append(dots[(j, 0)])
        cons[n].append((dots[(j, 0)][0], geometric_median(np.stack([dots[(j, k)][1] for k in range(K)]))))
    rec = {}
    keys = [("val_mae_win_m", raw), ("val_mae_win_heat_m", heat)] + ([("val_mae_win_cons_m", cons)] if K >= 2 else [])
    for key, tracks in keys:
        rec[key] = float(np.mean([errors_m(*stitch_tracks(tracks[n], average=True), *pairs.trace(int(i))[3:]).mean()
                                  for n, i in enumerate(idx)]))
    if scene.prior:
        route, hroute, pri = [], [], []
        for n, i in enumerate(idx):
            pos_t, pos_xy = pairs.trace(int(i))[3:]
            route.append(errors_m(*route_track(*priors[n], *stitch_tracks(cons[n], average=True)), pos_t, pos_xy).mean())
            hroute.append(errors_m(*route_track(*priors[n], *stitch_tracks(heat_route[n], average=True)), pos_t,
                                   pos_xy).mean())
            pri.append(errors_m(*priors[n], pos_t, pos_xy).mean())
        rec.update(val_mae_win_route_m=float(np.mean(route)), val_mae_win_heat_route_m=float(np.mean(hroute)),
                   val_prior_mae_m=float(np.mean(pri)))
        for f, tracks in at_floor.items():
            rec[f"val_mae_win_heat_route_f{f:g}_m"] = float(np.mean([
                errors_m(*route_track(*priors[n], *stitch_tracks(tracks[n], average=True)),
                         *pairs.trace(int(i))[3:]).mean() for n, i in enumerate(idx)]))
    return rec
