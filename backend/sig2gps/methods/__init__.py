"""Reconstruction methods behind one interface (see base.py); their options in options.py."""
from .base import OptionError, ReconstructionMethod, check_options, check_trace
from .options import MethodOptions
from .registry import available_methods, get_method, register

__all__ = ["MethodOptions", "OptionError", "ReconstructionMethod", "available_methods", "check_options", "get_method",
           "register", "check_trace"]
