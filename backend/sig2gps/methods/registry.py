"""Method registry: every module in sig2gps.methods registers its classes with @register.

Modules are discovered, so adding a method is adding a file. Method modules keep heavy imports
(torch, diffusers) inside functions so that listing methods stays fast.
"""
from __future__ import annotations

import importlib
import pkgutil

from .base import ReconstructionMethod

_REGISTRY: dict[str, type[ReconstructionMethod]] = {}
_DISCOVERED = False


def register(cls: type[ReconstructionMethod]) -> type[ReconstructionMethod]:
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    from . import __path__ as pkg_path

    for mod in pkgutil.iter_modules(pkg_path):
        if mod.name not in ("base", "options", "registry") and not mod.name.startswith("_"):
            importlib.import_module(f"{__package__}.{mod.name}")
    _DISCOVERED = True


def available_methods() -> dict[str, type[ReconstructionMethod]]:
    _discover()
    return dict(sorted(_REGISTRY.items()))


def get_method(name: str) -> type[ReconstructionMethod]:
    methods = available_methods()
    if name not in methods:
        raise ValueError(f"unknown method {name!r}; available: {', '.join(methods)}")
    return methods[name]
