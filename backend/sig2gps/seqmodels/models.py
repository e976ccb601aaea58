"""The four sequence baselines of the paper's table, small enough to train on a CPU.

All map (B, L, F) grid features to (B, L, 2) offsets. The task is offline reconstruction, so each
model sees the whole trace: the GRU is bidirectional, the TCN's convolutions are centred, and the
GPT-style Transformer (pre-LayerNorm blocks, GELU MLP, learned positions, as in nanoGPT) attends
both ways unless `causal` is set.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

KINDS = ("gru", "mlp", "tcn", "transformer")


@dataclass(frozen=True)
class ModelConfig:
    kind: str = "gru"
    grid: int = 48  # sequence length L (must match FeatureConfig.grid)
    n_features: int = 12
    d_model: int = 64  # hidden width
    layers: int = 2
    heads: int = 4  # transformer only
    kernel: int = 3  # tcn only
    dropout: float = 0.1
    causal: bool = False  # transformer only: GPT's causal mask (sees only earlier grid times)


class MLP(nn.Module):
    """The whole trace flattened: no notion of order beyond positions in the vector."""

    def __init__(self, c: ModelConfig):
        super().__init__()
        h = 4 * c.d_model
        layers, d = [], c.grid * c.n_features
        for _ in range(c.layers):
            layers += [nn.Linear(d, h), nn.GELU(), nn.Dropout(c.dropout)]
            d = h
        self.net = nn.Sequential(*layers, nn.Linear(d, c.grid * 2))
        self.grid = c.grid

    def forward(self, x):
        return self.net(x.flatten(1)).view(x.shape[0], self.grid, 2)


class GRU(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.inp = nn.Linear(c.n_features, c.d_model)
        self.rnn = nn.GRU(c.d_model, c.d_model, num_layers=c.layers, batch_first=True, bidirectional=True,
                          dropout=c.dropout if c.layers > 1 else 0.0)
        self.out = nn.Linear(2 * c.d_model, 2)

    def forward(self, x):
        h, _ = self.rnn(torch.relu(self.inp(x)))
        return self.out(h)


class TCN(nn.Module):
    """Residual dilated 1-D convolutions (dilation 1, 2, 4, ... per layer pair), centred padding."""

    def __init__(self, c: ModelConfig):
        super().__init__()
        self.inp = nn.Conv1d(c.n_features, c.d_model, 1)
        self.blocks = nn.ModuleList()
        for i in range(2 * c.layers):
            dil = 2 ** i
            self.blocks.append(nn.Sequential(
                nn.Conv1d(c.d_model, c.d_model, c.kernel, padding=dil * (c.kernel - 1) // 2, dilation=dil),
                nn.GELU(), nn.Dropout(c.dropout)))
        self.out = nn.Conv1d(c.d_model, 2, 1)

    def forward(self, x):
        h = self.inp(x.transpose(1, 2))
        for b in self.blocks:
            h = h + b(h)
        return self.out(h).transpose(1, 2)


class Block(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
        self.attn = nn.MultiheadAttention(c.d_model, c.heads, dropout=c.dropout, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(c.d_model, 4 * c.d_model), nn.GELU(), nn.Linear(4 * c.d_model, c.d_model),
                                 nn.Dropout(c.dropout))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class Transformer(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.inp = nn.Linear(c.n_features, c.d_model)
        self.pos = nn.Parameter(torch.zeros(1, c.grid, c.d_model))
        nn.init.normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.ln = nn.LayerNorm(c.d_model)
        self.out = nn.Linear(c.d_model, 2)
        self.causal = c.causal

    def forward(self, x):
        L = x.shape[1]
        mask = torch.triu(torch.ones(L, L, dtype=torch.bool, device=x.device), 1) if self.causal else None
        h = self.inp(x) + self.pos[:, :L]
        for b in self.blocks:
            h = b(h, mask)
        return self.out(self.ln(h))


def build_model(c: ModelConfig) -> nn.Module:
    if c.kind not in KINDS:
        raise ValueError(f"unknown sequence model {c.kind!r}; one of {', '.join(KINDS)}")
    m = {"gru": GRU, "mlp": MLP, "tcn": TCN, "transformer": Transformer}[c.kind](c)
    # Zero output layer: an untrained model predicts no offset, i.e. the smoothed-towers floor.
    last = m.net[-1] if c.kind == "mlp" else m.out
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return m
