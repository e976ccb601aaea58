"""Supervised flow matching on tiny seeded models: pairs, a step that learns, LoRA, resumable runs."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from sig2gps.model.codec import PixelCodec
from sig2gps.model.config import PRESETS, VideoModelConfig
from sig2gps.model.store import LoraSettings, add_lora, build_transformer, load_base
from sig2gps.train.data import PairStream, render_pair, reused, square_symmetry
from sig2gps.train.pairs import PairSet
from sig2gps.train.sft import SftConfig, batch_loss, train_sft, train_step

TINY = VideoModelConfig(transformer=PRESETS["tiny"])


@pytest.fixture(scope="module")
def pairs_file(helsinki_pairs):
    return helsinki_pairs(12, 4)


def _batch(pairs_file, n=4, frames=5, scene=TINY.scene):
    ps = PairSet.load(pairs_file)
    ss = [render_pair(ps, i, scene, frames, np.random.default_rng(i)) for i in range(n)]
    return {"cond": torch.from_numpy(np.stack([s.cond for s in ss])),
            "overlay": torch.from_numpy(np.stack([s.overlay for s in ss]))}


def test_pairs_round_trip(pairs_file):
    ps = PairSet.load(pairs_file)
    assert len(ps) >= 10 and ps.cities == ["helsinki"] and ps.roads[0].shape[1] == 4
    city, sig_t, sig_xy, pos_t, pos_xy = ps.trace(3)
    assert sig_t[0] == 0 and (np.diff(sig_t) >= 0).all() and (np.diff(pos_t) > 0).all()
    assert len(sig_xy) == len(sig_t) and len(pos_xy) == len(pos_t)
    # the truth stays near the serving sites (hundreds of metres, not kilometres)
    near = np.hypot(*(np.c_[np.interp(sig_t, pos_t, pos_xy[:, 0]), np.interp(sig_t, pos_t, pos_xy[:, 1])] - sig_xy).T)
    assert np.median(near) < 1500


def test_stream_gives_fresh_batches(pairs_file):
    it = iter(PairStream(str(pairs_file), TINY.scene, (5, 9), batch=3, seed=0))
    a, b = next(it), next(it)
    assert a["cond"].shape[0] == 3 and a["cond"].shape[2] in (5, 9) and a["overlay"].shape[1] == 2
    assert not (a["overlay"].shape == b["overlay"].shape and torch.equal(a["overlay"], b["overlay"]))


def test_square_symmetries_equal_rendering_the_turned_window(pairs_file):
    """A GPU copy under a square symmetry must be the sample of the turned/mirrored window, else reuse
    would teach the model maps that do not exist."""
    from dataclasses import replace

    from sig2gps.model.scene import condition_video, render_condition, render_overlay, window_for

    ps = PairSet.load(pairs_file)
    city, sig_t, sig_xy, pos_t, pos_xy = ps.trace(2)
    scene = TINY.scene
    win = window_for(sig_xy, scene)

    def draw(w):
        cond = condition_video(render_condition(w, scene, ps.roads[city], sig_t, sig_xy), 5)
        return torch.from_numpy(np.concatenate([cond, render_overlay(w, scene, pos_t, pos_xy, sig_t[-1], 5)]))

    base = draw(win)
    copies = [square_symmetry(base, k) for k in range(8)]
    assert torch.equal(copies[0], base)
    matched = set()
    for rot in range(8):
        want = draw(replace(win, rot=rot))
        miss = [float((c != want).float().mean()) for c in copies]
        k = int(np.argmin(miss))
        assert miss[k] < 0.005, (rot, miss)  # a few boundary pixels may round the other way
        matched.add(k)
    assert matched == set(range(8))  # the 8 copies are the 8 windows, each once


def test_reused_batches_keep_the_first_and_turn_the_rest(pairs_file):
    b = _batch(pairs_file, n=2)
    out = list(reused([b], 3, "cpu", seed=1))
    assert len(out) == 3 and torch.equal(out[0]["cond"], b["cond"])
    for o in out[1:]:
        assert not torch.equal(o["cond"], b["cond"])
        assert torch.allclose(o["cond"].sum((-2, -1)), b["cond"].sum((-2, -1)))  # same pixels, moved


def test_one_step_lowers_the_loss_on_a_fixed_batch(pairs_file):
    batch = _batch(pairs_file)
    tr = build_transformer(TINY, seed=1).train()
    opt = torch.optim.AdamW(tr.parameters(), lr=2e-3)
    codec = PixelCodec()

    def fixed_loss():
        with torch.no_grad():
            return float(batch_loss(tr, codec, TINY, batch, torch.Generator().manual_seed(5), "cpu", False))

    before = fixed_loss()
    train_step(tr, codec, TINY, batch, opt, torch.Generator().manual_seed(5), "cpu", False)
    assert fixed_loss() < before


def test_lora_changes_only_the_adapter(tmp_path, pairs_file):
    from sig2gps.model.tiny import tiny_wan22_layout

    base = tiny_wan22_layout(tmp_path / "wan22")
    tr, codec, cfg = load_base(base, scene_size=64)
    add_lora(tr, LoraSettings(rank=4, alpha=4))
    before = {k: v.clone() for k, v in tr.state_dict().items()}
    trained = [n for n, p in tr.named_parameters() if p.requires_grad]
    assert trained and all("lora" in n for n in trained)
    opt = torch.optim.AdamW([p for p in tr.parameters() if p.requires_grad], lr=1e-2)
    batch = _batch(pairs_file, n=2, frames=5, scene=cfg.scene)
    for s in range(2):  # LoRA B starts at zero: the second step moves A too
        train_step(tr, codec, cfg, batch, opt, torch.Generator().manual_seed(s), "cpu", False)
    after = tr.state_dict()
    changed = {k for k in after if not torch.equal(before[k], after[k])}
    assert changed and all("lora" in k for k in changed)


def test_train_sft_runs_resumes_and_keeps_the_best(tmp_path, pairs_file):
    cfg = {"pairs": str(pairs_file), "out": str(tmp_path / "run"), "preset": "tiny", "batch": 2, "frames": [5],
           "val_every": 2, "val_n": 2, "val_steps": 1, "workers": 0, "max_steps": 2, "minutes": 5}
    (tmp_path / "cfg.json").write_text(json.dumps(cfg))
    rec = train_sft(SftConfig.from_json(tmp_path / "cfg.json"))
    run = tmp_path / "run"
    assert rec["step"] == 2 and np.isfinite(rec["val_mae_m"]) and 0 <= rec["val_connected"] <= 1
    assert (run / "curves.png").is_file() and (run / "best" / "sig2gps_video.json").is_file()
    assert all(f.stat().st_size <= 15_000_000 for f in (run / "best" / "transformer").glob("*.safetensors"))
    rec2 = train_sft(SftConfig.from_json(tmp_path / "cfg.json", max_steps=4))  # resumes from ckpt/
    assert rec2["step"] == 4
    log = [json.loads(x) for x in (run / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log if "val_mae_m" in r] == [2, 4]


def test_val_first_validates_and_keeps_the_starting_model(tmp_path, pairs_file):
    cfg = SftConfig(pairs=str(pairs_file), out=str(tmp_path / "run"), preset="tiny", batch=2, frames=(5,),
                    val_every=100, val_n=2, val_steps=1, workers=0, max_steps=1, minutes=5, val_first=True)
    train_sft(cfg)
    log = [json.loads(x) for x in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log if "val_mae_m" in r] == [0, 1]  # the start, then the end of the budget
    best = json.loads((tmp_path / "run" / "best" / "sig2gps_video.json").read_text())["summary"]["val"]
    assert best["val_mae_m"] == min(r["val_mae_m"] for r in log if "val_mae_m" in r)


def test_config_errors_name_the_file_and_field(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"pairs": "x.npz", "bogus": 1}))
    with pytest.raises(ValueError, match="bad.json.*bogus"):
        SftConfig.from_json(p)
    p.write_text(json.dumps({"out": "x"}))
    with pytest.raises(ValueError, match="'pairs' is required"):
        SftConfig.from_json(p)


def test_window_pieces_are_what_the_method_draws(pairs_file):
    from sig2gps.model.scene import split_windows, window_for
    from sig2gps.train.data import window_piece

    ps = PairSet.load(pairs_file)
    scene = TINY.scene
    long = max(range(len(ps)), key=lambda i: window_for(ps.trace(i)[2], scene).half)
    _, st, sx, pt, px = ps.trace(long)
    parts = split_windows(sx, scene, 1000.0)
    assert len(parts) >= 2, "the longest simulated pair should need several 1 km windows"
    rng = np.random.default_rng(0)
    for _ in range(10):
        t, xy, qt, qxy = window_piece(st, sx, pt, px, scene, 1000.0, rng)
        assert t[0] == 0 and qt[0] == 0 and np.isclose(qt[-1], t[-1])  # the truth spans the piece's records
        a = next(a for a, b in parts if np.allclose(sx[a:a + len(xy)], xy) and b - a + 1 == len(xy))
        assert np.allclose(qxy[0], [np.interp(st[a], pt, px[:, 0]), np.interp(st[a], pt, px[:, 1])])
    s = render_pair(ps, long, scene, 5, np.random.default_rng(1), chunk_m=1000.0)
    # the window (+ jitter) unless the piece is one jump between two far sites, and its drawn dot
    assert (s.window.half <= 1000.0 * 1.11 or len(s.sig_t) == 2) and s.overlay[1, 1:].max() > 0
    assert len(s.sig_t) < len(st)
    whole = render_pair(ps, long, scene, 5, None, chunk_m=1000.0)  # no rng: inference window, whole trace
    assert whole.window.half == window_for(sx, scene).half


def test_windowed_validation_is_the_one_window_protocol_when_windows_are_huge(pairs_file):
    from sig2gps.train.sft import validate

    ps = PairSet.load(pairs_file)
    cfg = TINY
    tr = build_transformer(cfg, seed=1)
    codec = PixelCodec()
    idx = np.arange(3)
    rec = validate(tr, codec, cfg, ps, idx, 5, 2, "cpu", seed=1, chunk_m=1e9)
    assert rec["val_mae_win_m"] == pytest.approx(rec["val_mae_m"], rel=1e-6)  # one window each: the same samples
    small = validate(tr, codec, cfg, ps, idx, 5, 2, "cpu", seed=1, chunk_m=1000.0)
    assert small["val_mae_m"] == pytest.approx(rec["val_mae_m"]) and small["val_chunk_m"] == 1000.0
    assert np.isfinite(small["val_mae_win_m"]) and small["val_mae_win_m"] != pytest.approx(rec["val_mae_m"], rel=1e-6)
    assert "val_mae_win_m" not in validate(tr, codec, cfg, ps, idx, 5, 2, "cpu", seed=1)


def test_scene_size_recanvases_an_init_model_with_its_weights(tmp_path, pairs_file):
    from sig2gps.model.store import load_video_model, save_video_model
    from sig2gps.train.sft import build_model

    init = tmp_path / "init"
    save_video_model(init, build_transformer(TINY, 0), TINY, {})
    cfg = SftConfig(pairs=str(pairs_file), out=str(tmp_path / "run"), init=str(init), scene_size=2 * TINY.scene.size)
    tr, _, mcfg, _ = build_model(cfg, "cpu")
    assert mcfg.scene.size == 2 * TINY.scene.size and mcfg.transformer == TINY.transformer
    ref = load_video_model(init, "cpu")[0].transformer.state_dict()
    assert all(torch.equal(v.float(), ref[k].float()) for k, v in tr.state_dict().items())  # same weights
    # one step on the larger canvas runs and the resulting model remembers its canvas
    batch = _batch(pairs_file, n=2, frames=5, scene=mcfg.scene)
    assert batch["cond"].shape[-1] == 2 * TINY.scene.size
    opt = torch.optim.AdamW(tr.parameters(), lr=1e-3)
    assert np.isfinite(train_step(tr, PixelCodec(), mcfg, batch, opt, torch.Generator().manual_seed(0), "cpu", False))
    save_video_model(tmp_path / "out", tr, mcfg, {})
    assert load_video_model(tmp_path / "out", "cpu")[1].scene.size == 2 * TINY.scene.size
    with pytest.raises(ValueError, match="not a multiple of the patch"):
        build_model(SftConfig(pairs=str(pairs_file), init=str(init), scene_size=TINY.scene.size + 3), "cpu")


def test_validate_command_scores_a_model_folder_by_the_run_protocol(tmp_path, pairs_file, capsys):
    from sig2gps.cli import main
    from sig2gps.model.store import save_video_model
    from sig2gps.train.pairs import val_indices

    save_video_model(tmp_path / "m", build_transformer(TINY, 0), TINY, {})
    args = ["train", "validate", "--model", str(tmp_path / "m"), "--pairs", str(pairs_file), "--n", "3",
            "--frames", "5", "--steps", "2", "--chunk-m", "1000"]
    assert main(args + ["--json", str(tmp_path / "v.json")]) == 0
    rec = json.loads((tmp_path / "v.json").read_text())
    assert rec["val_n"] == 3 and rec["scene_size"] == TINY.scene.size and rec["val_chunk_m"] == 1000
    assert np.isfinite(rec["val_mae_m"]) and np.isfinite(rec["val_mae_win_m"])
    capsys.readouterr()
    assert main(args) == 0  # seeded: the same numbers again
    assert json.loads(capsys.readouterr().out)["val_mae_win_m"] == rec["val_mae_win_m"]
    assert main(args + ["--scene-size", str(2 * TINY.scene.size)]) == 0
    assert json.loads(capsys.readouterr().out)["scene_size"] == 2 * TINY.scene.size
    assert main(args + ["--scene-size", "13"]) != 0
    assert "--scene-size 13 is not a multiple of the model's patch" in capsys.readouterr().err
    # the pairs a training run validates on are these indices
    assert list(val_indices(12, 3)) == list(np.random.default_rng(12345).choice(12, 3, replace=False))
