"""Outputs written all or nothing: into a hidden folder beside the final one, moved into place at the end.

A run that fails while writing (a full disk, a value a writer refuses) leaves the previous run's files as
they were, instead of a new points.csv beside an old errors.csv. A staging folder left by a killed run
(its process gone) is removed by the next run that writes into the same folder.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path
from typing import Callable

PREFIX = ".sig2gps-staging-"


class OutputWriteError(ValueError):
    """Writing the outputs failed; nothing in the output folder was changed. (A ValueError so that the
    CLI prints it as one clear line, like the other problems a user can act on.)"""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but is not ours (or cannot tell): leave its files alone
    return True


def clean_stale(out: Path) -> list[Path]:
    """Remove staging folders in `out` whose writer process has ended; returns what was removed."""
    removed = []
    for d in Path(out).glob(PREFIX + "*"):
        try:
            pid = int(d.name[len(PREFIX):].split("-")[0])
        except ValueError:
            continue
        if d.is_dir() and not d.is_symlink() and not pid_alive(pid):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def write_staged(out, write: Callable[[Path], None]) -> list[str]:
    """Call write(stage) for a fresh staging folder inside `out`, then move each file it wrote into `out`.

    Returns the names moved. Raises OutputWriteError (the cause chained) if `write` fails; `out` is then
    untouched apart from its creation.
    """
    with staged(out) as (stage, moved):
        try:
            write(stage)
        except Exception as e:
            raise OutputWriteError(f"{out}: writing the outputs failed ({type(e).__name__}: {e}); "
                                   f"the files already in {out} were left as they were") from e
    return moved


@contextlib.contextmanager
def staged(out):
    """(stage, moved): a fresh staging folder inside `out` for the body to write into. When the body ends
    normally every file in it is moved into `out` (their names appended to `moved`); when it raises, nothing
    is moved and the exception goes on. The staging folder is removed either way. For long runs that write
    as they go (sig2gps.streaming): the outputs appear, all together, only at the end."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    stage = out / f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    stage.mkdir(mode=0o700)
    moved: list[str] = []
    try:
        yield stage, moved
        for name in sorted(p.name for p in stage.iterdir()):  # same file system: each move is an atomic rename
            os.replace(stage / name, out / name)
            moved.append(name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
