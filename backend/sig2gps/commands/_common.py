"""Helpers shared by subcommands: output folders that never silently overwrite, network defaults."""
from __future__ import annotations

from pathlib import Path

from ..network.defaults import default_network  # noqa: F401  (re-exported for subcommands)


def prepare_out_dir(path, overwrite: bool, names: list[str]) -> Path:
    """Create the output folder; refuse to replace existing result files unless --overwrite."""
    out = Path(path)
    existing = [n for n in names if (out / n).exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{out}: would overwrite {', '.join(existing)} (pass --overwrite to replace them)")
    out.mkdir(parents=True, exist_ok=True)
    return out


def add_overwrite(p) -> None:
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
