"""load_network(path): any OSM (.osm, .osm.pbf, .osm.gz, .osm.bz2) or OGR line file -> RoadNetwork."""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import connected_components

from .classes import normalize_class, parse_oneway
from .graph import RoadNetwork, Segment, utm_crs_for
from .osm_xml import read_osm_xml

log = logging.getLogger(__name__)
OGR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb", ".gml")


class NetworkError(ValueError):
    pass


def load_network(path, keep_largest_component: bool = True, cache_beside: bool = True) -> RoadNetwork:
    """Read a road file into a RoadNetwork in its local UTM CRS.

    With keep_largest_component (default), only the largest connected part (ignoring direction) is
    kept; islands left by clipping are dropped (logged). One-way roads cut at the extract's edge can
    still leave dead ends: `RoadNetwork.core_nodes` marks the largest strongly connected part, where
    every node reaches every other (the simulator draws trips there).

    Loaded once per process (kept in memory) and once per file version on disk (network.cache: a second run
    reads the built network, and the matcher's cost table, from the setup cache). cache_beside=False keeps that
    cache out of the network file's folder (the server writes nowhere but its own folders and the user cache).
    """
    return _load_cached(str(Path(path).resolve()), keep_largest_component, cache_beside)


@lru_cache(maxsize=8)
def _load_cached(path: str, keep: bool, beside: bool = True) -> RoadNetwork:
    from .cache import network_arrays, network_from_arrays, open_cache

    p = Path(path)
    if not p.exists():
        raise NetworkError(f"{p}: road network file not found")
    cache = open_cache(p, variant="" if keep else "-all", beside=beside)
    hit = cache.load("network") if cache is not None else None
    if hit is not None:
        try:
            net = network_from_arrays(hit)
            net.setup_cache = cache
            return net
        except Exception as e:  # an entry of an unexpected shape: rebuilt below, and replaced
            log.warning("%s: the cached network cannot be used (%s: %s); rebuilding it", p, type(e).__name__, e)
    net = _read_network(p, keep)
    if cache is not None:
        cache.save("network", network_arrays(net))
        net.setup_cache = cache  # the matcher's cost table is cached beside it (mapmatch.routing)
    return net


def _read_network(p: Path, keep: bool) -> RoadNetwork:
    name = p.name.lower()
    try:
        if name.endswith(".pbf"):
            segs = _read_pbf(p)
        elif name.endswith((".osm", ".osm.gz", ".osm.bz2", ".osm.xml", ".xml", ".xml.gz")):
            segs = read_osm_xml(p)
        elif name.endswith(OGR_SUFFIXES):
            segs = _read_ogr(p)
        else:
            raise NetworkError(f"{p}: unknown road network format (use .osm, .osm.pbf, .osm.gz, .osm.bz2, "
                               f".shp, .gpkg or .geojson)")
    except NetworkError:
        raise
    except Exception as e:  # parsers raise many types; the user needs the file name
        raise NetworkError(f"{p}: could not read road network: {e}") from e
    if not segs:
        raise NetworkError(f"{p}: no drivable roads found")
    return build_network(segs, name=p.name, keep_largest_component=keep)


def _read_pbf(p: Path) -> list[Segment]:
    import pyrosm  # heavy; only for .pbf

    osm = pyrosm.OSM(str(p))
    res = osm.get_network(network_type="driving", nodes=True)
    if res is None or res[1] is None or len(res[1]) == 0:
        return []
    _, edges = res
    segs = []
    for geom, u, v, hw, ow in zip(edges.geometry.values, edges["u"].values, edges["v"].values,
                                  edges["highway"].values, edges.get("oneway", [None] * len(edges))):
        if geom is None or geom.is_empty:
            continue
        coords = np.asarray(geom.coords)
        if ow is None or (isinstance(ow, float) and np.isnan(ow)):
            ow = None
        o = parse_oneway(ow)
        if hw == "motorway" and ow is None:
            o = 1
        segs.append(Segment(int(u), int(v), coords, normalize_class(hw), o))
    return segs


def _read_ogr(p: Path) -> list[Segment]:
    import pyogrio

    df = pyogrio.read_dataframe(p)
    if df.crs is None:
        # no .prj (Shapefile) or no CRS member: lon/lat is the only reading that can be checked
        x0, y0, x1, y1 = df.total_bounds if len(df) else (0, 0, 0, 0)
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            raise NetworkError(f"{p}: the file has no coordinate reference system (for a Shapefile: the .prj file "
                               f"is missing) and its coordinates ({x0:.0f}..{x1:.0f}, {y0:.0f}..{y1:.0f}) are not "
                               "lon/lat degrees; add the .prj, or save the layer in EPSG:4326")
        log.warning("%s: no coordinate reference system (a Shapefile's .prj missing?); read as lon/lat (EPSG:4326)", p)
    elif not df.crs.equals("EPSG:4326"):
        df = df.to_crs(4326)
    cols = {c.lower(): c for c in df.columns}
    cls_col = cols.get("highway") or cols.get("fclass") or cols.get("road_class") or cols.get("class")
    ow_col = cols.get("oneway")
    segs = []
    for i, geom in enumerate(df.geometry.values):
        if geom is None or geom.is_empty:
            continue
        parts = [geom] if geom.geom_type == "LineString" else list(getattr(geom, "geoms", []))
        hw = normalize_class(df[cls_col].iat[i]) if cls_col else normalize_class(None)
        ow = parse_oneway(df[ow_col].iat[i]) if ow_col else 0
        for part in parts:
            if part.geom_type != "LineString":
                continue
            c = np.asarray(part.coords)[:, :2]
            if len(c) < 2:
                continue
            if not np.isfinite(c).all():
                raise NetworkError(f"{p}: feature {i + 1} has NaN or infinite coordinates; repair or remove it "
                                   "(QGIS: Vector > Geometry Tools > Check Validity)")
            if not (np.abs(c[:, 0]).max() <= 180 and np.abs(c[:, 1]).max() <= 90):
                raise NetworkError(f"{p}: feature {i + 1} has coordinates outside lon/lat degrees after "
                                   "reprojection to EPSG:4326; is the file's coordinate reference system right?")
            # Nodes by rounded end coordinates (~1 cm): lines that share an end point are connected.
            key = lambda q: (round(q[0], 7), round(q[1], 7))
            segs.append(Segment(key(c[0]), key(c[-1]), c, hw, ow))
    return segs


def build_network(segs: list[Segment], name: str = "", keep_largest_component: bool = True) -> RoadNetwork:
    allc = np.vstack([s.coords for s in segs])
    crs = utm_crs_for(float(np.median(allc[:, 0])), float(np.median(allc[:, 1])))
    from pyproj import Transformer

    tf = Transformer.from_crs(4326, crs, always_xy=True)
    keys: dict = {}
    node_xy: list = []
    seg_xy, seg_class, eu, ev, es, ef = [], [], [], [], [], []
    for s in segs:
        x, y = tf.transform(s.coords[:, 0], s.coords[:, 1])
        g = np.column_stack([x, y])
        if np.hypot(*np.diff(g, axis=0).T).sum() < 0.01:
            continue
        ids = []
        for k, xy in ((s.u, g[0]), (s.v, g[-1])):
            if k not in keys:
                keys[k] = len(node_xy)
                node_xy.append(xy)
            ids.append(keys[k])
        a, b = ids
        si = len(seg_xy)
        seg_xy.append(g)
        seg_class.append(s.road_class)
        if s.oneway >= 0:
            eu.append(a); ev.append(b); es.append(si); ef.append(True)
        if s.oneway <= 0:
            eu.append(b); ev.append(a); es.append(si); ef.append(False)
    net = RoadNetwork(node_xy, seg_xy, seg_class, eu, ev, es, ef, crs, name=name)
    if keep_largest_component and net.n_nodes > 1:
        net = _largest_component(net)
    return net


def _largest_component(net: RoadNetwork) -> RoadNetwork:
    n, lab = connected_components(net.adjacency, directed=False)
    if n <= 1:
        return net
    big = np.bincount(lab).argmax()
    keep_node = lab == big
    keep_edge = keep_node[net.u] & keep_node[net.v]
    segs_used = np.unique(net.seg[keep_edge])
    new_node = -np.ones(net.n_nodes, np.int64)
    new_node[keep_node] = np.arange(keep_node.sum())
    new_seg = -np.ones(len(net.seg_xy), np.int64)
    new_seg[segs_used] = np.arange(len(segs_used))
    dropped = 1.0 - net.seg_len[segs_used].sum() / max(net.seg_len.sum(), 1e-9)
    if dropped > 0:
        log.info("%s: kept the largest connected part; dropped %.1f%% of road length",
                 net.name, 100 * dropped)
    return RoadNetwork(net.node_xy[keep_node], [net.seg_xy[s] for s in segs_used], net.seg_class[segs_used],
                       new_node[net.u[keep_edge]], new_node[net.v[keep_edge]], new_seg[net.seg[keep_edge]],
                       net.fwd[keep_edge], net.crs, name=net.name)


def road_share(net: RoadNetwork, lon, lat, radius_m: float = 1000.0, max_points: int = 20_000) -> float:
    """Share of positions within radius_m of a road of `net` (an even subsample of at most max_points)."""
    from shapely import points as shp_points

    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if len(lon) == 0:
        return 1.0
    if len(lon) > max_points:
        pick = np.linspace(0, len(lon) - 1, max_points).astype(int)
        lon, lat = lon[pick], lat[pick]
    x, y = net.to_xy(lon, lat)
    # the nearest road of each point, if within the radius: one pair per point (a "dwithin" query returns every
    # road within the radius, thousands per point in a city: hundreds of MB for a 20k-point sample)
    hit = net._tree.query_nearest(shp_points(x, y), max_distance=radius_m, all_matches=False)
    return float(len(np.unique(hit[0])) / len(lon))


def coverage_warning(net: RoadNetwork, traces, radius_m: float = 1000.0, min_share: float = 0.5,
                     n_records: int | None = None) -> str | None:
    """A warning when most signaling records are far from every road: the network is probably of another
    area, or too small (a two-street extract). Matching then 'succeeds' along the few roads there are.
    n_records: how many records the traces stand for, when they are a sample (the streaming reader's)."""
    if net is None or not traces:
        return None
    lon = np.concatenate([np.asarray(t.lon, float) for t in traces])
    lat = np.concatenate([np.asarray(t.lat, float) for t in traces])
    share = road_share(net, lon, lat, radius_m)
    if share >= min_share:
        return None
    w, s_, e, n = net.bounds_lonlat
    return (f"road network {net.name or ''}: only {share:.0%} of the {n_records or len(lon)} signaling records"
            f"{f' (measured on {len(lon)} of them)' if n_records and n_records > len(lon) else ''} are within "
            f"{radius_m:g} m of one of its roads (network extent lon {w:.3f}..{e:.3f}, lat {s_:.3f}..{n:.3f}); "
            "is it the network of this area? Results along so few roads are not trustworthy")
