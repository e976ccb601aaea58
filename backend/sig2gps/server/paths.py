"""Which files on the backend's machine a request may name: only inside the server's data folders.

A client holds the token, but the token is not a licence to read the machine: a path is resolved first
(links and '..' followed), then it must lie inside one of the data folders set when the server started,
outside hidden folders (.ssh, .config, ...), and have a suffix of its kind. Errors name the field and the
path the client sent, never anything read from the file.
"""
from __future__ import annotations

from pathlib import Path

from ..network.load import OGR_SUFFIXES

TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
NETWORK_SUFFIXES = (".pbf", ".osm", ".osm.gz", ".osm.bz2", ".osm.xml", ".xml", ".xml.gz") + OGR_SUFFIXES
RESOURCES = Path(__file__).resolve().parents[3] / "resources"  # shipped models: readable by any request


class PathRefused(ValueError):
    """forbidden: the path exists but is not the request's to name (403), rather than wrong or absent (400)."""

    def __init__(self, message: str, field: str, forbidden: bool = False):
        super().__init__(message)
        self.field, self.forbidden = field, forbidden


def check_path(value: str, field: str, allowed: list[Path], suffixes: tuple | None = None,
               dirs_ok: bool = False, extra_roots: tuple = ()) -> Path:
    """The resolved path of `value` if a request may read it; PathRefused (naming `field`) otherwise."""
    p = Path(value)
    if not p.is_absolute():
        raise PathRefused(f"give an absolute path (got {value!r})", field)
    try:
        rp = p.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        raise PathRefused(f"file not found on the backend's machine: {value}", field) from None
    except (OSError, RuntimeError) as e:  # a link loop, a name too long
        raise PathRefused(f"cannot resolve {value}: {type(e).__name__}", field) from None
    roots = [*allowed, *extra_roots]
    root = next((d for d in roots if rp == d or d in rp.parents), None)
    if root is None:
        where = ", ".join(map(str, allowed)) or "none: this server takes inline data only"
        raise PathRefused(f"{value} is outside the backend's data folders ({where}); start the backend with "
                          "--data-dir to allow another folder, or send the data inline", field, True)
    if any(part.startswith(".") for part in rp.relative_to(root).parts):
        raise PathRefused(f"{value} is in a hidden folder or is a hidden file; the backend does not read those",
                          field, True)
    if rp.is_dir():
        if not dirs_ok:
            raise PathRefused(f"{value} is a folder, not a file", field)
    elif not rp.is_file():
        raise PathRefused(f"{value} is not a regular file", field)
    elif suffixes and not rp.name.lower().endswith(suffixes):
        raise PathRefused(f"{value}: expected a file ending in {', '.join(suffixes)}", field)
    return rp


def check_request_paths(req: dict, allowed: list[Path]) -> dict:
    """Every server-side path of a job request checked (see check_path); returns the request with the
    resolved paths in place, so the job reads exactly the file that was checked."""
    out = dict(req)
    if "signaling_path" in req:
        out["signaling_path"] = str(check_path(req["signaling_path"], "signaling_path", allowed, TABLE_SUFFIXES))
    if "cells_path" in req:
        out["cells_path"] = str(check_path(req["cells_path"], "cells_path", allowed, TABLE_SUFFIXES))
    net = req.get("network") or {}
    if "path" in net:
        out["network"] = dict(net, path=str(check_path(net["path"], "network.path", allowed, NETWORK_SUFFIXES)))
    opts = dict(req.get("options") or {})
    for key in ("model", "fingerprint"):
        v = opts.get(key)
        if v and ("/" in v or "\\" in v or Path(v).exists()):  # a bare name is a registry name, not a path
            opts[key] = str(check_path(v, f"options.{key}", allowed, None, dirs_ok=True, extra_roots=(RESOURCES,)))
    extra = opts.get("extra") or {}
    if "frames_dir" in extra:  # the only option a method writes files with
        raise PathRefused("the server does not write files where a request says; frames come back in the "
                          "result (frames: urls or inline)", "options.extra.frames_dir", True)
    if "options" in req:
        out["options"] = opts
    return out
