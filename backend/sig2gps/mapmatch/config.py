"""Settings of the Rule_sig pipeline (cleanup -> HMM matching -> route -> timestamps), as frozen dataclasses.

Defaults were tuned on the training split of two of the benchmark's training cities (Baltimore,
Liechtenstein; 50-80 traces each) and never on its unseen test city; distances are metres, times seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class CleanupConfig:
    pingpong_s: float = 40.0  # A->B->A with B served for at most this long: B is a ping-pong flip, dropped
    cluster_m: float = 150.0  # sites closer than this are one cluster (co-sited / near-duplicate towers)
    outlier_m: float = 1800.0  # an observation this far off the line between its neighbours is an overshoot
    kalman_sigma_m: float = 700.0  # per-record tower error assumed by the smoother (records of one visit
    # share their tower's error, so each counts for less than an independent fix would)
    kalman_accel: float = 0.2  # process noise of the constant-velocity model (m^2/s^3): low = smooth
    interval_time: bool = False  # observation time = middle of the site's serving interval (else record mean)
    smooth_records: bool = True  # smooth every kept record (True) or one point per collapsed visit (False)
    kalman: bool = True  # smooth the cleaned tower sequence (Rauch-Tung-Striebel)

    def __post_init__(self):
        for k in ("pingpong_s", "cluster_m", "outlier_m", "kalman_sigma_m", "kalman_accel"):
            if getattr(self, k) < 0:
                raise ValueError(f"CleanupConfig.{k} must be >= 0, got {getattr(self, k)}")


@dataclass(frozen=True)
class CandidateConfig:
    radius_m: float = 600.0  # candidate road nodes within this distance of the (smoothed) observation
    grid_m: float = 90.0  # keep one node per grid cell, so a dense downtown does not flood the lattice
    max_candidates: int = 20  # and at most this many, nearest first
    min_candidates: int = 3  # if fewer lie within the radius, take this many nearest anyway (no dead ends)

    def __post_init__(self):
        if self.radius_m <= 0 or self.grid_m < 0 or self.max_candidates < 1 or self.min_candidates < 1:
            raise ValueError(f"invalid CandidateConfig: {self}")


@dataclass(frozen=True)
class HmmConfig:
    sigma_m: float = 350.0  # emission: Gaussian in the observation-to-candidate distance
    beta_m: float = 250.0  # transition: exponential in |route distance - straight-line distance|
    length_weight: float = 0.6  # extra cost per metre of route / beta: routes must not zig-zag tower to tower
    vmax_ms: float = 33.0  # no vehicle covers more road than vmax * dt (+ slack) between two observations
    slack_m: float = 600.0  # room for observation-time uncertainty in that speed bound
    speed_gamma: float = 0.5  # route cost = length * (12.5 m/s / class speed) ** gamma: 0 shortest, 1 fastest
    max_hop_m: float = 3000.0  # longest route between two observations (longer: a break, re-started); 0: none
    ubodt_m: float = 3000.0  # precompute all node-to-node costs up to this bound per network (>= max_hop_m)
    route_limit_m: float = 6000.0  # shortest-path searches stop here (a longer hop is a break: re-start)
    kbest_penalty: float = 6.0  # log-penalty on nodes used by earlier rollouts when searching alternatives
    kbest_max_overlap: float = 0.85  # an alternative sharing more of its length with an earlier one is dropped

    def __post_init__(self):
        if min(self.sigma_m, self.beta_m, self.vmax_ms, self.route_limit_m) <= 0:
            raise ValueError(f"invalid HmmConfig: {self}")


HANDOVER_TIMINGS = ("track", "geometry", "learned", "sequence")


@dataclass(frozen=True)
class TimingConfig:
    sample_s: float = 2.0  # output point interval along the route
    anchor_weight: float = 1.0  # 0: constant speed over the whole trip; 1: pass each matched node at its time
    endpoint_pull: bool = True  # start at the first record's time and end at the last record's time
    anchors_from_sites: bool = True  # project the cleaned site positions (not the smoothed ones) for timing
    travel_time_prior: bool = True  # spread the trip's time by free-flow travel time, not by distance
    end_dwell_s: float = 0.0  # expected stationary time at each end of the trip (parking, getting going)
    follow_track: bool = True  # progress along the route follows the smoothed track at every sample time
    project_anchors: bool = True  # anchor each observation where the route passes nearest to it (not its node)
    track_window_m: float = 600.0  # project the track only onto the route within this of the anchors' curve
    # (a route passing a place twice does not pull the track to its far pass); 0: the whole route
    # Handover timing (mapmatch.handover): "track" = the tower track alone (hmm-classic); "geometry" = shifted
    # towards where the route crosses the boundary between consecutive cells; "learned" = shifted by the
    # offsets the timing model predicts (mapmatch.timing_model). Shifts are averaged over nearby handovers.
    # "sequence" (the default) = "learned", then corrected by the sequence model with context across the whole
    # trace (mapmatch.seq_timing; chosen on the training cities' simulated drives, experiments/hmm-seqtiming).
    handover: str = "sequence"
    handover_c: float = 1.0  # boundary ln|p-A| - ln|p-B| = c: > 0 past the bisector (hysteresis), geometry only
    handover_window_m: float = 400.0  # crossings searched within this of the track's progress
    handover_sigma_s: float = 30.0  # the shifts of handovers within about this time are averaged
    handover_prior: float = 1.0  # ... with this many zero shifts (a lone handover moves the curve little)
    handover_gain: float = 1.0  # share of the averaged shift applied (the averaging settings: chosen for
    # "learned" on the training cities' simulated drives, experiments/hmm-timing/tune.py)
    handover_model: str = ""  # timing model file for "learned" ("" = resources/models/timing/model.json)
    sequence_model: str = ""  # for "sequence" ("" = resources/models/timing/sequence.json)
    sequence_gain: float = 1.0  # share of the sequence model's correction applied

    def __post_init__(self):
        if self.handover not in HANDOVER_TIMINGS:
            raise ValueError(f"TimingConfig.handover {self.handover!r}: one of {', '.join(HANDOVER_TIMINGS)}")
        if self.handover_window_m <= 0 or self.handover_sigma_s <= 0 or self.handover_prior < 0 \
                or not 0 <= self.sequence_gain <= 2:
            raise ValueError(f"invalid handover settings in {self}")
        if self.ends_at not in ("start", "end", "start+end"):
            raise ValueError(f"TimingConfig.ends_at {self.ends_at!r}: start, end or start+end")
        lo, hi = self.ends_speed_ms
        if not (0 < lo <= hi) or self.ends_speed_factor <= 0 or not 0 <= self.ends_weight <= 1 \
                or self.ends_max_m < 0 or self.ends_park_s < 0 or not 0 <= self.ends_cell_pull <= 1:
            raise ValueError(f"invalid trip-end settings in {self}")
    # The trip's ends (mapmatch.ends): the phone's progress before the first / after the last handover from the
    # elapsed time at the trace's own speed, the route extended along the roads where that lies beyond its end.
    # Chosen on simulated drives of the training cities (experiments/hmm-ends): placing the start was not
    # reliably better there, so only the end is placed by default.
    ends: bool = True
    ends_at: str = "end"  # which ends are placed: "start", "end" or "start+end"
    ends_park_s: float = 30.0  # typical parked time at each end (the elapsed time less this was driven)
    ends_speed_factor: float = 1.5  # speed over the ends = this x the trace's own between its handovers ...
    ends_speed_ms: tuple = (2.0, 20.0)  # ... within these bounds (m/s)
    ends_weight: float = 1.0  # share of the placed ends in the progress there (the rest: the tower track's)
    ends_extend: bool = True  # extend the route where the placed end lies beyond it (else: stop at its end)
    ends_max_m: float = 300.0  # the most added at an end (x the fitted error scale: the cells' size)
    ends_min_m: float = 50.0  # shorter shortfalls are not worth an extension
    ends_cell_pull: float = 1.0  # the extension heads straight out of the route (0) or to the end cell (1)
    ends_straight: float = 1.0  # the extension's target point: this x its road length from the route's end
    max_speed_ms: float = 45.0  # no faster than this along the route (a jump is spread before and after it);
    # the output also gets the route's vertices between samples, so it is drawn along the roads. 0: off


@dataclass(frozen=True)
class MatchConfig:
    cleanup: CleanupConfig = field(default_factory=CleanupConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    hmm: HmmConfig = field(default_factory=HmmConfig)
    timing: TimingConfig = field(default_factory=TimingConfig)
    # The position-error scale (mapmatch.scale): fit to the data given (True) or use the settings as tuned.
    auto_scale: bool = True
    scale_reference_m: float = 1000.0  # median spacing of consecutive distinct records in the tuning data
    # (the training splits of the two tuning cities, true site positions: 1,002 and 1,015 m)
    scale_bounds: tuple = (0.4, 1.0)  # the fitted factor stays within these (never smoother than as tuned)
    scale_min_steps: int = 3  # fewer position changes than this in a trace: too few to fit, factor 1
    scale_prior_steps: float = 20.0  # a trace with this many changes moves the log-factor half way to its own


GPS_MATCH = MatchConfig(  # for real GPS fixes as observations (a check of the matcher, issue 3)
    cleanup=CleanupConfig(pingpong_s=0.0, cluster_m=0.0, outlier_m=1e9, kalman=False),
    candidates=CandidateConfig(radius_m=120.0, grid_m=0.0, max_candidates=12, min_candidates=2),
    hmm=HmmConfig(sigma_m=25.0, beta_m=60.0, length_weight=0.1, slack_m=150.0, speed_gamma=0.0),
    timing=TimingConfig(anchor_weight=1.0, handover="track", ends=False),  # GPS fixes: no cells, no handovers
    auto_scale=False,
)


# The video model's read-back: one dot a frame, hundreds of metres off and wandering between windows; smoothed
# (Kalman) so that the matched route does not follow the wander (a zig-zag the plausibility check refuses)
VIDEO_MATCH = MatchConfig(
    cleanup=CleanupConfig(pingpong_s=0.0, cluster_m=0.0, outlier_m=1e9, kalman=True, kalman_sigma_m=300.0),
    candidates=CandidateConfig(radius_m=500.0, grid_m=40.0, max_candidates=12, min_candidates=3),
    hmm=HmmConfig(sigma_m=200.0, beta_m=150.0, length_weight=0.3, slack_m=300.0),
    timing=TimingConfig(handover="track", ends=False),  # dots have no cells, hence no handovers
    auto_scale=False,
)


def scaled(cfg: MatchConfig, factor: float) -> MatchConfig:
    """The settings for observations whose position error is `factor` x the one the defaults were tuned at:
    every setting in metres that models that error (smoothing, outliers, candidate radius, emission) scales."""
    if factor <= 0:
        raise ValueError(f"scale factor must be > 0, got {factor}")
    c, k, h = cfg.cleanup, cfg.candidates, cfg.hmm
    return replace(cfg, cleanup=replace(c, kalman_sigma_m=c.kalman_sigma_m * factor, outlier_m=c.outlier_m * factor),
                   candidates=replace(k, radius_m=k.radius_m * factor),
                   hmm=replace(h, sigma_m=h.sigma_m * factor))
