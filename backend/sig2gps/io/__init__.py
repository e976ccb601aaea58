"""Reading and writing the project's file formats, with errors that name file, line and field."""
from .errors import InputError
from .signaling import read_signaling, write_signaling
from .gps import read_gps, write_gps
from .cells import read_cells, write_cells
from .report import ReadReport
from .parse import ReadOptions

__all__ = ["InputError", "ReadOptions", "ReadReport", "read_signaling", "write_signaling", "read_gps", "write_gps",
           "read_cells", "write_cells"]
