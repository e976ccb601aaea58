"""The map-visual training store: render pairs into compact, streamable shards; plain networks for
machines without the GIS stack. Importing this package needs numpy/scipy/PIL only."""
from .sample import FIELDS, decode_video, make_sample, sample_geometry
from .store import FORMAT, MapVisualDataset, ShardWriter

__all__ = ["FIELDS", "decode_video", "make_sample", "sample_geometry", "FORMAT", "MapVisualDataset", "ShardWriter"]
