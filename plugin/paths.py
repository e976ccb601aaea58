"""Where the plugin's resources are, in the checkout (plugin/ beside resources/, i18n/) and once
installed (sig2gps_qgis/ holding icon.png, resources/, wire/, locale/ as `make package` lays them out)."""
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _first(*candidates: Path) -> Path:
    return next((c for c in candidates if c.exists()), candidates[0])


def icon_path() -> Path:
    return _first(HERE / "icon.png", HERE.parent / "resources" / "icons" / "icon.png")


def styles_dir() -> Path:
    return _first(HERE / "resources" / "styles", HERE.parent / "resources" / "styles")


def i18n_dir() -> Path:
    """Compiled .qm files: locale/ in the installed plugin (i18n/ there would shadow i18n.py), i18n/ here."""
    return _first(HERE / "locale", HERE.parent / "i18n")


def help_path() -> Path:
    """The user guide (help/index.html), the same in the checkout and in the installed plugin."""
    return HERE / "help" / "index.html"
