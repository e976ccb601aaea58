"""Map-visual rendering: tile geometry, the conditioning style, layer rasterisers, composed pictures.

Only numpy and PIL are needed here (no shapely/pyproj/mercantile), so it runs on a bare GPU box.
"""
from .compose import (RenderConfig, condition_layers, conditioning_image, dot_positions, fit_view, map_image, paint, path_layers,
                      target_video, to_uint8, video_from_layers)
from .draw import (dot_mask, frame_times, path_masks, polyline_mask, position_at, road_mask, road_masks,
                   tower_mask, trace_mask)
from .geometry import TileGeometry, mercator_lonlat, mercator_xy
from .roads import RoadGeometry
from .style import Style, load_style

__all__ = ["RenderConfig", "condition_layers", "conditioning_image", "dot_positions", "path_layers", "video_from_layers", "fit_view", "map_image", "paint", "target_video", "to_uint8",
           "dot_mask", "frame_times", "path_masks", "polyline_mask", "position_at", "road_mask", "road_masks",
           "tower_mask", "trace_mask", "TileGeometry", "mercator_lonlat", "mercator_xy", "RoadGeometry", "Style",
           "load_style"]
