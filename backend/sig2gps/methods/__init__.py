"""Reconstruction methods behind one interface (see base.py)."""
from .base import MethodOptions, ReconstructionMethod, check_trace
from .registry import available_methods, get_method, register

__all__ = ["MethodOptions", "ReconstructionMethod", "available_methods", "get_method", "register", "check_trace"]
