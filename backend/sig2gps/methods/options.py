"""MethodOptions: what a caller may ask of any method, the union of the options each method declares.

Each option is declared once, as a dataclass field made with `base.option()` (default, help, checks, the methods
that read it, where it is offered), beside the method that reads it: CommonOptions in base.py, VideoOptions in
video.py, NFTrackOptions in nftrack.py. A method with options of its own adds its class to the bases below.
Generated from these declarations: the CLI flags (commands/reconstruct.py), the wire schema's options
(resources/wire/schemas/options.schema.json, by `python -m sig2gps.server.wire`) and the server's conversion
(server/convert.py); tests/contract/test_options.py fails when any of them drifts.
"""
from __future__ import annotations

from dataclasses import dataclass

from .base import CommonOptions
from .nftrack import NFTrackOptions
from .video import VideoOptions


@dataclass(frozen=True)
class MethodOptions(VideoOptions, NFTrackOptions, CommonOptions):
    """Every method's options in one frozen object; each method reads the fields that apply to it. Made objects
    are checked (base.check_options, through CommonOptions.__post_init__): a refused value raises OptionError."""
