"""Signaling simulator: vehicles on real road networks and the cellular records their phones make."""
from .config import EventConfig, RadioConfig, SimConfig, TowerConfig, TripConfig
from .simulator import SimResult, SimTrace, simulate
from .output import write_simulation

__all__ = ["SimConfig", "TripConfig", "TowerConfig", "RadioConfig", "EventConfig", "simulate", "SimResult",
           "SimTrace", "write_simulation"]
