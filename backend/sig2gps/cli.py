"""The `sig2gps` command. Each subcommand is a module in sig2gps.commands with
`add_parser(subparsers)` and `run(args) -> int`; modules are discovered, so adding a command is adding a file."""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from . import __version__
from .io.errors import InputError


def build_parser() -> argparse.ArgumentParser:
    from . import commands

    p = argparse.ArgumentParser(prog="sig2gps", description="Reconstruct GPS trajectories from cellular signaling.")
    p.add_argument("--version", action="version", version=f"sig2gps {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        m = importlib.import_module(f"{commands.__name__}.{mod.name}")
        sp = m.add_parser(sub)
        sp.set_defaults(_run=m.run)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except (InputError, FileExistsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # user-facing validation problems (networks, options)
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
