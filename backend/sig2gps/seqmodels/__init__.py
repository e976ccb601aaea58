"""Learned sequence baselines (GRU, MLP, TCN, GPT-style Transformer): features, models, training,
checkpoints. torch is imported inside the modules that need it (models, train, checkpoint)."""
from .features import FeatureConfig, LocalFrame, trace_features

__all__ = ["FeatureConfig", "LocalFrame", "trace_features"]
