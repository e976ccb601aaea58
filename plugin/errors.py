"""User-facing errors: a translated message plus the message-bar level it deserves (QuickOSM's pattern)."""
from qgis.core import Qgis


class Sig2GpsError(Exception):
    """An error the user can act on; `message` is already translated."""

    level = Qgis.Critical

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.message = message
        self.details = details  # e.g. the backend's log tail, shown under "details"


class InputError(Sig2GpsError):
    """Bad input layer, field or file: the user fixes the input and tries again."""

    level = Qgis.Warning


class BackendError(Sig2GpsError):
    """The backend is not reachable, crashed, or refused the job."""


class Cancelled(Sig2GpsError):
    """The user cancelled: said plainly, never as a success nor as a failure."""

    level = Qgis.Info
