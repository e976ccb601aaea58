"""OSM XML reader (.osm, .osm.gz, .osm.bz2) for drivable ways, tolerant of clipped extracts."""
from __future__ import annotations

import bz2
import gzip
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import numpy as np

from .classes import DRIVABLE, parse_oneway
from .graph import Segment


def _open(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def read_osm_xml(path) -> list[Segment]:
    """Drivable ways cut into segments between junctions.

    Ways that reference nodes absent from the file (clipped extracts) are cut at those nodes:
    each run of present nodes is kept as its own piece, so nothing outside the file is invented.
    """
    path = Path(path)
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[tuple[list[int], str, int]] = []
    with _open(path) as f:
        for _, el in ET.iterparse(f, events=("end",)):
            tag = el.tag
            if tag == "node":
                nodes[int(el.get("id"))] = (float(el.get("lon")), float(el.get("lat")))
                el.clear()
            elif tag == "way":
                tags = {t.get("k"): t.get("v") for t in el.iter("tag")}
                hw = tags.get("highway")
                if hw in DRIVABLE and tags.get("area") != "yes" and tags.get("access") not in ("no", "private"):
                    refs = [int(n.get("ref")) for n in el.iter("nd")]
                    ow = parse_oneway(tags.get("oneway"))
                    if tags.get("junction") == "roundabout" and tags.get("oneway") is None:
                        ow = 1
                    if hw in ("motorway",) and tags.get("oneway") is None:
                        ow = 1
                    ways.append((refs, hw, ow))
                el.clear()
            elif tag == "relation":
                el.clear()
    return ways_to_segments(ways, nodes)


def ways_to_segments(ways, nodes) -> list[Segment]:
    pieces = []
    for refs, hw, ow in ways:
        run: list[int] = []
        for r in refs + [None]:
            if r is not None and r in nodes:
                run.append(r)
                continue
            if len(run) >= 2:
                pieces.append((run, hw, ow))
            run = []
    use = Counter()
    for run, _, _ in pieces:
        use.update(run)
        use[run[0]] += 1
        use[run[-1]] += 1
    segs = []
    for run, hw, ow in pieces:
        start = 0
        for i in range(1, len(run)):
            if i == len(run) - 1 or use[run[i]] > 1:
                ids = run[start:i + 1]
                if ids[0] != ids[-1] or len(ids) > 2:
                    coords = np.array([nodes[n] for n in ids])
                    segs.append(Segment(ids[0], ids[-1], coords, hw, ow))
                start = i
    return segs
