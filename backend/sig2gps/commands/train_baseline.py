"""sig2gps train-baseline: train a learned sequence baseline (gru, mlp, tcn, transformer) on pairs."""
from __future__ import annotations

from ._common import add_overwrite, prepare_out_dir


def add_parser(sub):
    from ..seqmodels.train import TrainConfig

    d = TrainConfig()
    p = sub.add_parser("train-baseline", help="train a GRU/MLP/TCN/Transformer baseline on simulated pairs")
    p.add_argument("--model", required=True, choices=["gru", "mlp", "tcn", "transformer"])
    p.add_argument("--pairs", nargs="+", required=True, metavar="DIR",
                   help="folders with signaling.csv and gps.csv (the output of `sig2gps simulate`)")
    p.add_argument("--out", required=True, help="checkpoint folder (model.pt + config.json)")
    p.add_argument("--max-seconds", type=float, default=d.max_seconds, help="training time cap")
    p.add_argument("--max-epochs", type=int, default=d.max_epochs)
    p.add_argument("--patience", type=int, default=d.patience, help="early stopping on the validation split")
    p.add_argument("--val-share", type=float, default=d.val_share)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--d-model", type=int, default=64, help="hidden width")
    p.add_argument("--layers", type=int, default=2)
    add_overwrite(p)
    return p


def run(args):
    from ..seqmodels.train import TrainConfig, train_model

    if not 0 < args.val_share < 1:
        raise ValueError("--val-share must be between 0 and 1")
    out = prepare_out_dir(args.out, args.overwrite, ["model.pt", "config.json"])
    cfg = TrainConfig(max_seconds=args.max_seconds, max_epochs=args.max_epochs, patience=args.patience,
                      val_share=args.val_share, seed=args.seed)
    s = train_model(args.model, args.pairs, out, cfg, d_model=args.d_model, layers=args.layers)
    print(f"{args.model}: {s['pairs']} pairs ({s['train']} train / {s['val']} validation), best epoch "
          f"{s['best_epoch']} of {s['epochs']}, validation error {s['val_err_m']:.1f} m (smoothed-towers floor "
          f"{s['val_floor_err_m']:.1f} m), {s['seconds']:.0f} s -> {out}")
    return 0
