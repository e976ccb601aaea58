"""The methods the Processing algorithm offers: the backend's own list (GET /methods), remembered in
QgsSettings so that the toolbox shows it without starting the backend when QGIS starts.

Until a backend has been asked once, the list is the methods this plugin version knows. Whenever the
plugin learns the backend's list (the dock asks each time a backend process starts, or
fill_from_backend), it is stored and the provider's algorithms are rebuilt with it.
"""
from __future__ import annotations

import json

from qgis.core import QgsApplication, QgsSettings

KEY = "sig2gps/backend_methods"
KNOWN_METHODS = ["towers", "hmm", "nftrack", "video"]  # shown until a backend has listed its own
PROVIDER_ID = "sig2gps"


def known_methods() -> list[str]:
    """The backend's method names as last listed (test-only methods, named with a leading _, left out)."""
    try:
        names = json.loads(QgsSettings().value(KEY, "", type=str) or "[]")
    except ValueError:
        names = []
    names = [n for n in names if isinstance(n, str) and n and not n.startswith("_")]
    return names or list(KNOWN_METHODS)


def remember(methods: list[dict]) -> list[str]:
    """Store the backend's list (GET /methods entries) and rebuild the provider's algorithms when it changed."""
    names = [m["name"] for m in methods if not m["name"].startswith("_")]
    if names and names != known_methods():
        QgsSettings().setValue(KEY, json.dumps(names))
        provider = QgsApplication.processingRegistry().providerById(PROVIDER_ID)
        if provider is not None:
            provider.refreshAlgorithms()
    return known_methods()


def fill_from_backend(backend) -> list[str]:
    """Ask the backend (starting it: seconds; call off the GUI thread) and remember its list."""
    return remember(backend.methods())
