"""Export rollouts to Shapefile or GeoPackage with QgsVectorFileWriter.

Asking before overwriting is the dock's job (a dialog); this function refuses to replace a file
unless told to, so no caller can destroy a file by accident.

Times: a GeoPackage stores date-times as ISO 8601 text; QGIS 3.22's writer drops the milliseconds and
the zone, so the values are rewritten afterwards as UTC with milliseconds ('...T22:13:20.123Z').
dBASE (Shapefile) has no date-time: they become ISO 8601 text, and numbers get a width that holds
them (GDAL's default width cannot hold a Unix time with decimals and warns for every feature).
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import (QgsFeature, QgsFeatureRequest, QgsField, QgsFields, QgsProject, QgsVectorFileWriter,
                       QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QDateTime, Qt, QVariant

from ..errors import InputError, Sig2GpsError
from ..i18n import tr

DRIVERS = {".shp": "ESRI Shapefile", ".gpkg": "GPKG"}


def driver_for(path) -> str:
    ext = Path(path).suffix.lower()
    if ext not in DRIVERS:
        raise InputError(tr("Cannot export to {0}: use a .shp (Shapefile) or .gpkg (GeoPackage) name.")
                         .format(str(path)))
    return DRIVERS[ext]


def points_target(path) -> tuple[Path, str]:
    """Where the points of a line export go: a sibling <name>_points.shp, or a second layer
    <name>_points of the same GeoPackage. Returns (path, layer name)."""
    path = Path(path)
    driver_for(path)
    name = path.stem + "_points"
    return (path, name) if path.suffix.lower() == ".gpkg" else (path.with_name(name + path.suffix), name)


def export_layer(layer: QgsVectorLayer, path, selected_only: bool = False, overwrite: bool = False,
                 feature_ids: list[int] | None = None, layer_name: str | None = None,
                 add_to_file: bool = False) -> Path:
    """Write `layer` (all, selected, or the given feature ids) to `path`; returns the path written.
    add_to_file: add (or replace) the layer `layer_name` in an existing GeoPackage, keeping its other layers."""
    path = Path(path)
    driver = driver_for(path)
    if add_to_file and (driver != "GPKG" or not path.exists()):
        raise InputError(tr("Cannot add a layer to {0}: only an existing GeoPackage takes more layers.")
                         .format(str(path)))
    if path.exists() and not overwrite and not add_to_file:
        raise InputError(tr("{0} exists already; choose another name or allow overwriting.").format(str(path)))
    if path.exists() and driver == "ESRI Shapefile" and overwrite:
        # A shapefile is several files; stale .dbf/.shx from an older export would corrupt the new one.
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix"):
            path.with_suffix(ext).unlink(missing_ok=True)
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = driver
    opts.fileEncoding = "UTF-8"
    opts.layerName = layer_name or path.stem
    opts.actionOnExistingFile = (QgsVectorFileWriter.CreateOrOverwriteLayer if add_to_file
                                 else QgsVectorFileWriter.CreateOrOverwriteFile)
    if feature_ids is not None:  # e.g. the rollouts the user kept, whatever the map selection is
        src = layer.materialize(QgsFeatureRequest().setFilterFids(list(feature_ids)))
    else:
        opts.onlySelectedFeatures = selected_only
        src = layer
    if driver == "ESRI Shapefile":
        # dBASE has dates but no times: write date-times as ISO 8601 text (UTC) so no time is lost
        src = _datetimes_as_text(src, selected_only and feature_ids is None)
    err, msg, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(src, str(path), QgsProject.instance().transformContext(),
                                                            opts)
    if err != QgsVectorFileWriter.NoError:
        raise Sig2GpsError(tr("Export to {0} failed: {1}").format(str(path), msg))
    if driver == "GPKG":
        _gpkg_utc_datetimes(path, opts.layerName, src, selected_only and feature_ids is None)
    return path


UTC_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"


def _gpkg_utc_datetimes(path: Path, table: str, layer: QgsVectorLayer, selected_only: bool) -> None:
    """Rewrite the date-time columns of a just-written GeoPackage table as UTC with milliseconds, feature by
    feature in the order the writer wrote them (fid order). Through OGR, whose GeoPackage connection has
    the spatial functions the table's triggers call."""
    from osgeo import ogr

    names = [f.name() for f in layer.fields() if f.type() == QVariant.DateTime]
    if not names:
        return
    it = layer.getSelectedFeatures() if selected_only else layer.getFeatures()
    values = [[v.toUTC().toString(UTC_FORMAT) if isinstance(v, QDateTime) and v.isValid() else None
               for v in (f[n] for n in names)] for f in it]
    ds = ogr.Open(str(path), 1)
    if ds is None:
        raise Sig2GpsError(tr("Export to {0}: the GeoPackage cannot be reopened to store UTC times.").format(str(path)))
    try:
        out = ds.GetLayerByName(table)
        out.ResetReading()
        feats = sorted(out, key=lambda f: f.GetFID())
        if len(feats) != len(values):
            raise Sig2GpsError(tr("Export to {0}: {1} features written but {2} expected.")
                               .format(str(path), len(feats), len(values)))
        ds.StartTransaction()
        for feat, vals in zip(feats, values):
            for name, v in zip(names, vals):
                if v is None:
                    feat.SetFieldNull(name)
                else:
                    feat.SetField(name, v)
            out.SetFeature(feat)
        ds.CommitTransaction()
    finally:
        ds = None


def _datetimes_as_text(layer: QgsVectorLayer, selected_only: bool) -> QgsVectorLayer:
    fields = QgsFields()
    is_dt = []
    for f in layer.fields():
        dt = f.type() == QVariant.DateTime
        is_dt.append(dt)
        if dt:
            fields.append(QgsField(f.name(), QVariant.String, len=24))
        elif f.type() == QVariant.Double:  # room for a Unix time with milliseconds, and 6 decimals elsewhere
            fields.append(QgsField(f.name(), QVariant.Double, "double", 20, 6))
        else:
            fields.append(QgsField(f))
    out = QgsVectorLayer(f"{QgsWkbTypes.displayString(layer.wkbType())}?crs={layer.crs().authid()}",
                         layer.name(), "memory")
    out.dataProvider().addAttributes(fields.toList())
    out.updateFields()
    feats = []
    it = layer.getSelectedFeatures() if selected_only else layer.getFeatures()
    for f in it:
        g = QgsFeature(out.fields())
        g.setGeometry(f.geometry())
        g.setAttributes([v.toString(Qt.ISODateWithMs) if d and isinstance(v, QDateTime) else v
                         for v, d in zip(f.attributes(), is_dt)])
        feats.append(g)
    out.dataProvider().addFeatures(feats)
    return out
