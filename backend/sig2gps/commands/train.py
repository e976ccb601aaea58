"""sig2gps train: build training pairs, and supervised flow-matching training of the video model."""
from __future__ import annotations


def _run_flags(p, fields: str, minutes_help: str = "override the time budget") -> None:
    """The flags every resumable training run takes: its config file and the overrides of folder and time."""
    p.add_argument("--config", required=True, help=f"JSON file of {fields} fields")
    p.add_argument("--out", help="override the run folder")
    p.add_argument("--minutes", type=float, help=minutes_help)


def add_parser(sub):
    p = sub.add_parser("train", help="train the video model (pairs, sft, rl)")
    tsub = p.add_subparsers(dest="stage", required=True)
    s = tsub.add_parser("sft", help="supervised flow matching (resumable; see train/sft.py SftConfig)")
    _run_flags(s, "SftConfig")
    s.add_argument("--max-steps", type=int, help="override the step budget")
    s.add_argument("--gpus", type=int, default=1,
                   help="data-parallel processes on this host, one per GPU (torch DDP; gloo on CPU); "
                        "the config's batch is the global batch (train/ddp.py)")
    d = tsub.add_parser("pairs", help="simulate training pairs into one .npz (runs without the GPU)")
    d.add_argument("--network", action="append", required=True, metavar="NAME=PATH",
                   help="road network, repeatable (e.g. --network monaco=monaco.osm.pbf)")
    d.add_argument("--traces", type=int, default=1000, help="pairs per network")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--out", required=True)
    d.add_argument("--prior", choices=("none", "hmm"), default="none",
                   help="also store each trace's prior track (hmm's rollout 0) for a model that draws with one")
    q = tsub.add_parser("priors", help="add each pair's prior track (hmm's rollout 0) to an existing pairs file")
    q.add_argument("--pairs", required=True, help="pairs .npz from `sig2gps train pairs`")
    q.add_argument("--network", action="append", required=True, metavar="NAME=PATH",
                   help="the road network of each city in the pairs, repeatable")
    q.add_argument("--out", required=True, help="the pairs with priors (.npz; may not be the input file)")
    r = tsub.add_parser("rl", help="Traj-GDPO reinforcement learning from trajectory rewards (see train/rl.py RlConfig)")
    r.add_argument("--init", help="SFT model folder to start from (default: the config's init, else the shipped model)")
    _run_flags(r, "RlConfig")
    r.add_argument("--max-steps", type=int, help="override the total RL step count")
    rr = tsub.add_parser("rounds", help="Traj-GDPO in rounds, each from the best model so far, kept only when "
                                         "validation improves; resumable (see train/rl_rounds.py RoundsConfig)")
    _run_flags(rr, "RoundsConfig", "do not start a round after this many minutes")
    rr.add_argument("--rounds", type=int, help="override the total number of rounds")
    v = tsub.add_parser("validate", help="score a model folder by the training validation protocol "
                                         "(raw read-back; also drawn in windows with --chunk-m > 0)")
    v.add_argument("--model", default="", help="model folder (default: the shipped model)")
    v.add_argument("--pairs", required=True, help="held-out pairs (.npz from `sig2gps train pairs`)")
    v.add_argument("--n", type=int, default=128, help="validation pairs (the same set train sft validates on)")
    v.add_argument("--frames", type=int, default=13)
    v.add_argument("--steps", type=int, default=10, help="sampler steps")
    v.add_argument("--chunk-m", type=float, default=1000.0, help="also drawn in windows of this half-width (0: off)")
    v.add_argument("--seed", type=int, default=3, help="noise seed of the first pair (pair k: seed + k)")
    v.add_argument("--scene-size", type=int, default=0, help="draw on this canvas (pixels) with the same weights")
    v.add_argument("--json", help="also write the record here")
    a = tsub.add_parser("adapt", help="cross-city adaptation: a LoRA adapter trained on a new city's pairs, "
                                      "validated before and after (see train/adapt.py AdaptConfig)")
    a.add_argument("--pairs", required=True, help="the new city's training pairs (.npz)")
    a.add_argument("--val-pairs", required=True, help="held-out pairs of the same city (.npz)")
    a.add_argument("--out", required=True, help="run folder: adapt.json, model/ (adapter fused, shipped layout)")
    a.add_argument("--init", default="", help="model folder to adapt (default: the shipped model)")
    a.add_argument("--config", help="JSON file of AdaptConfig fields (flags given here override it)")
    a.add_argument("--steps", type=int, help="adapter training steps")
    a.add_argument("--batch", type=int, help="pairs per step")
    tm = tsub.add_parser("timing", help="fit hmm's handover timing model on simulated drives of the training "
                                         "cities (mapmatch.timing_model; CPU, minutes)")
    tm.add_argument("--osm-dir", default=None, help="road extracts (default: the benchmark's, ../shared/data/osm)")
    tm.add_argument("--per-city", type=int, default=120, help="simulated drives per training city")
    tm.add_argument("--seed", type=int, default=9001)
    tm.add_argument("--out", default=None, help="model file (default: resources/models/timing/model.json)")
    sq = tsub.add_parser("seqtiming", help="fit hmm's sequence timing model (a correction of the progress along "
                                           "the matched route with context across the trace) on simulated drives "
                                           "of the training cities (mapmatch.seq_timing; torch on CPU, minutes)")
    sq.add_argument("--osm-dir", default=None, help="road extracts (default: the benchmark's, ../shared/data/osm)")
    sq.add_argument("--per-city", type=int, default=1000, help="simulated drives per training city")
    sq.add_argument("--seed", type=int, default=9801)
    sq.add_argument("--epochs", type=int, default=40)
    sq.add_argument("--widths", type=int, nargs="+", default=[32, 48],
                    help="channels of each convolution net of the ensemble")
    sq.add_argument("--cities", nargs="+", default=None,
                    help="training cities (default: the benchmark's four; never campo-grande)")
    sq.add_argument("--out", default=None, help="model file (default: resources/models/timing/sequence.json)")
    return p


def run(args):
    if args.stage == "timing":
        from ..benchdata import DEFAULT_OSM_DIR
        from ..mapmatch.timing_model import default_model_path
        from ..train.timing import train_timing

        train_timing(args.out or default_model_path(), args.osm_dir or DEFAULT_OSM_DIR, per_city=args.per_city, seed=args.seed)
        return 0
    if args.stage == "seqtiming":
        from ..benchdata import DEFAULT_OSM_DIR
        from ..mapmatch.seq_timing import default_seq_model_path
        from ..train.seqtiming import train_seqtiming

        from ..train.timing import TRAIN_CITIES

        train_seqtiming(args.out or default_seq_model_path(), args.osm_dir or DEFAULT_OSM_DIR,
                        cities=tuple(args.cities or TRAIN_CITIES), per_city=args.per_city, seed=args.seed,
                        epochs=args.epochs, widths=tuple(args.widths))
        return 0
    if args.stage == "adapt":
        from ..train.adapt import AdaptConfig, adapt

        over = {k: v for k, v in (("pairs", args.pairs), ("val_pairs", args.val_pairs), ("out", args.out),
                                  ("init", args.init), ("steps", args.steps), ("batch", args.batch)) if v}
        cfg = AdaptConfig.from_json(args.config, **over) if args.config else AdaptConfig(**over)
        res = adapt(cfg)
        b, a = res["before"], res["after"]
        print(f"done: {res['steps']} adapter steps in {res['seconds']:.0f} s; val MAE {b['val_mae_m']:.0f} -> "
              f"{a['val_mae_m']:.0f} m (towers {a['val_towers_mae_m']:.0f} m) -> {args.out}/model")
        return 0
    if args.stage == "rounds":
        from ..train.rl_rounds import RoundsConfig, run_rounds

        cfg = RoundsConfig.from_json(args.config, out=args.out, rounds=args.rounds, minutes=args.minutes)
        st = run_rounds(cfg)
        print(f"done: {len(st['rounds'])}/{cfg.rounds} rounds; best {cfg.key} {st['best_val']:.1f} m: {st['best']}")
        return 0
    if args.stage == "validate":
        import json
        from pathlib import Path

        from ..model.store import shipped_model_dir
        from ..train.validate import validate_model

        rec = validate_model(args.model or shipped_model_dir(), args.pairs, args.n, args.frames, args.steps,
                             args.chunk_m, args.seed, args.scene_size)
        text = json.dumps(rec, indent=1)
        if args.json:
            Path(args.json).write_text(text)
        print(text)
        return 0
    if args.stage == "rl":
        from ..train.rl import RlConfig, train_rl

        res = train_rl(RlConfig.from_json(args.config, init=args.init, out=args.out, minutes=args.minutes,
                                          max_steps=args.max_steps))
        b, a = res["before"], res["after"]
        print(f"done: {res['steps']} RL steps; eval distance reward {b['distance_mean']:.3f} -> {a['distance_mean']:.3f}, "
              f"raw MAE {b.get('mae_m', float('nan')):.0f} -> {a.get('mae_m', float('nan')):.0f} m -> {res['out']}")
        return 0
    if args.stage in ("pairs", "priors"):
        from pathlib import Path

        from ..train.pairs import PairSet, add_priors, build_pairs

        nets = {}
        for item in args.network:
            if "=" not in item:
                raise ValueError(f"--network {item!r}: expected NAME=PATH")
            k, v = item.split("=", 1)
            nets[k] = v
        if args.stage == "priors":
            if Path(args.out).resolve() == Path(args.pairs).resolve():
                raise ValueError(f"--out {args.out}: is the input file; write the pairs with priors elsewhere")
            ps = add_priors(PairSet.load(args.pairs), nets)
        else:
            ps = build_pairs(nets, args.traces, args.seed)
            if args.prior == "hmm":
                ps = add_priors(ps, nets)
        ps.save(args.out)
        print(f"wrote {len(ps)} pairs from {len(nets)} network(s) -> {args.out}")
        return 0
    from ..train.sft import SftConfig, train_sft

    cfg = SftConfig.from_json(args.config, out=args.out, minutes=args.minutes, max_steps=args.max_steps)
    from ..train.ddp import from_env, teardown
    from ..train.launch import launch

    ctx = from_env()  # started by torchrun: join its process group
    if ctx is not None:
        try:
            rec = train_sft(cfg, ddp=ctx)
        finally:
            teardown()
        if not ctx.is_main:
            return 0
    else:
        if args.gpus < 1:
            raise ValueError(f"--gpus {args.gpus}: must be at least 1")
        rec = launch(cfg, args.gpus)
    print(f"done: step {rec.get('step')}, validation MAE {rec.get('val_mae_m', float('nan')):.0f} m "
          f"(towers {rec.get('val_towers_mae_m', float('nan')):.0f} m), one-piece paths "
          f"{rec.get('val_connected', 0):.0%} -> {cfg.out}")
    return 0
