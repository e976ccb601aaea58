"""Helpers the server tests share: test methods registered for a module, and raw HTTP requests."""
from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request

from sig2gps.methods import registry


@contextlib.contextmanager
def registered(*classes):
    """The test methods `classes` in the method registry for the block, removed after it."""
    registry.available_methods()  # discover the real ones first, so ours are added, not overwritten
    for cls in classes:
        registry.register(cls)
    try:
        yield
    finally:
        for cls in classes:
            registry._REGISTRY.pop(cls.name, None)


def http(server, method, path, body: bytes | None = None, token="good", headers=None, timeout: float = 20):
    """(status, decoded JSON, response headers) of a raw request — also what the client would refuse to send.
    token "good" sends the server's own token, None none, anything else that string."""
    req = urllib.request.Request(server.url + path, data=body, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {server.token if token == 'good' else token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), dict(e.headers)
