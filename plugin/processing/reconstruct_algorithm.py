"""Processing algorithm "Reconstruct GPS trajectories from signaling".

Inputs: a signaling layer (points, or a table with lon/lat columns) and its trace id / time / cell
fields (defaults: the project's CSV columns trace_id, timestamp, cell_id), an optional towers layer
(points, or a table with lon/lat columns) for records without positions, an optional road layer,
the method (a drop-down of the backend's methods, processing/methods.py) and rollouts. Outputs: a
line layer (one feature per trace and rollout) and a timestamped point layer. The work goes to
the local backend, started on first use, exactly as from the dock.
"""
from __future__ import annotations

from qgis.core import (QgsFeatureSink, QgsProcessing, QgsProcessingAlgorithm, QgsProcessingException,
                       QgsProcessingLayerPostProcessorInterface, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterField, QgsProcessingParameterNumber,
                       QgsProcessingParameterVectorLayer, QgsWkbTypes)

from ..errors import Sig2GpsError
from ..i18n import tr


class ReconstructAlgorithm(QgsProcessingAlgorithm):
    INPUT, TRACE_FIELD, TIME_FIELD, CELL_FIELD = "INPUT", "TRACE_FIELD", "TIME_FIELD", "CELL_FIELD"
    CELLS, CELLS_FIELD, ROADS, METHOD, ROLLOUTS, SEED = "CELLS", "CELLS_FIELD", "ROADS", "METHOD", "ROLLOUTS", "SEED"
    OUTPUT_LINES, OUTPUT_POINTS = "OUTPUT_LINES", "OUTPUT_POINTS"

    # Set by the plugin so the algorithm shares the dock's backend; tests set it too.
    backend = None

    def createInstance(self):  # noqa: N802
        return ReconstructAlgorithm()

    def name(self) -> str:
        return "reconstruct"

    def displayName(self) -> str:  # noqa: N802
        return tr("Reconstruct GPS trajectories from signaling")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr("Sends the signaling traces to the local Sig2GPS backend and returns one line per trace and "
                  "rollout (rollout 0 is the method's best) with start/end time, length and score, plus the "
                  "timestamped points. Without a road layer the backend's own road network is used.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterVectorLayer(self.INPUT, tr("Signaling layer (points, or a table "
                                                                           "with lon/lat columns)"),
                                                            [QgsProcessing.TypeVector]))
        self.addParameter(QgsProcessingParameterField(self.TRACE_FIELD, tr("Trace id field"), "trace_id", self.INPUT))
        self.addParameter(QgsProcessingParameterField(self.TIME_FIELD, tr("Time field"), "timestamp", self.INPUT))
        self.addParameter(QgsProcessingParameterField(self.CELL_FIELD, tr("Cell id field"), "cell_id", self.INPUT))
        self.addParameter(QgsProcessingParameterVectorLayer(self.CELLS, tr("Towers layer (points, or a table with "
                                                                           "lon/lat columns)"),
                                                            [QgsProcessing.TypeVector], optional=True))
        self.addParameter(QgsProcessingParameterField(self.CELLS_FIELD, tr("Towers' cell id field"), "cell_id",
                                                      self.CELLS, optional=True))
        self.addParameter(QgsProcessingParameterVectorLayer(self.ROADS, tr("Road layer"),
                                                            [QgsProcessing.TypeVectorLine], optional=True))
        from .methods import known_methods

        methods = known_methods()
        method = QgsProcessingParameterEnum(self.METHOD, tr("Method"), options=methods,
                                            defaultValue="towers" if "towers" in methods else methods[0])
        method.setUsesStaticStrings(True)  # models and batch runs store the method's name, not a position
        self.addParameter(method)
        self.addParameter(_option_parameter(self.ROLLOUTS, tr("Rollouts per trace"), "rollouts"))
        self.addParameter(_option_parameter(self.SEED, tr("Random seed"), "seed"))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_LINES, tr("Trajectories"),
                                                            QgsProcessing.TypeVectorLine))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_POINTS, tr("Timestamped points"),
                                                            QgsProcessing.TypeVectorPoint))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ..layers.results import WGS84, line_features, line_fields, point_features, point_fields
        from ..layers.signaling import FieldMapping, cells_from_layer, traces_from_layer
        from ..request import ReconstructParams, build_job_request, parse_result, road_layer_geojson
        from ..tasks import run_job

        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        mapping = FieldMapping(trace_id=self.parameterAsString(parameters, self.TRACE_FIELD, context),
                               timestamp=self.parameterAsString(parameters, self.TIME_FIELD, context),
                               cell_id=self.parameterAsString(parameters, self.CELL_FIELD, context))
        towers = self.parameterAsVectorLayer(parameters, self.CELLS, context)
        roads = self.parameterAsVectorLayer(parameters, self.ROADS, context)
        params = ReconstructParams(method=self.parameterAsEnumString(parameters, self.METHOD, context),
                                   rollouts=self.parameterAsInt(parameters, self.ROLLOUTS, context),
                                   seed=self.parameterAsInt(parameters, self.SEED, context), with_frames=False)
        try:
            if layer is None:
                raise QgsProcessingException(tr("No signaling layer was given."))
            cells = cells_from_layer(towers, self.parameterAsString(parameters, self.CELLS_FIELD, context)
                                     or "cell_id") if towers else None
            traces, problems = traces_from_layer(layer, mapping, cells=cells)
            for p in problems:
                feedback.reportError(p)
            if not traces:
                raise QgsProcessingException(tr("No usable trace in {0}.").format(layer.name()))
            geojson = road_layer_geojson(roads) if roads else None
            request = build_job_request(traces, params, network_geojson=geojson)
            feedback.pushInfo(tr("Reconstructing {0} trace(s) with {1}").format(len(traces), params.method))
            body = run_job(self.backend, request,
                           on_progress=lambda st: feedback.setProgress(100.0 * float(st.get("progress", 0))),
                           should_cancel=feedback.isCanceled)
        except Sig2GpsError as e:
            raise QgsProcessingException(e.message) from e
        result = parse_result(body)
        for tid, reason in result.errors:
            feedback.reportError(tr("Trace {0}: {1}").format(tid, reason))
        for w in result.warnings:
            feedback.pushWarning(w) if hasattr(feedback, "pushWarning") else feedback.pushInfo(w)
        lsink, lid = self.parameterAsSink(parameters, self.OUTPUT_LINES, context, line_fields(),
                                          QgsWkbTypes.LineString, WGS84)
        psink, pid = self.parameterAsSink(parameters, self.OUTPUT_POINTS, context, point_fields(),
                                          QgsWkbTypes.Point, WGS84)
        for f in line_features(result.rollouts, line_fields()):
            lsink.addFeature(f, QgsFeatureSink.FastInsert)
        for f in point_features(result.rollouts, point_fields()):
            psink.addFeature(f, QgsFeatureSink.FastInsert)
        if context.willLoadLayerOnCompletion(pid):
            context.layerToLoadOnCompletionDetails(pid).setPostProcessor(_TemporalPoints.create())
        return {self.OUTPUT_LINES: lid, self.OUTPUT_POINTS: pid}


def _option_parameter(key: str, label: str, option: str) -> QgsProcessingParameterNumber:
    """An integer method option as a Processing parameter: default and range as the backend declares them (the
    wire's options schema, generated from the declarations); the description as its help."""
    from ..backend_client import option_schema

    spec = option_schema(option)
    p = QgsProcessingParameterNumber(key, label, QgsProcessingParameterNumber.Integer, spec["default"], False,
                                     spec.get("minimum", -2**31), spec.get("maximum", 2**31 - 1))
    p.setHelp(spec["description"])
    return p


class _TemporalPoints(QgsProcessingLayerPostProcessorInterface):
    """Sets the point output's temporal properties once QGIS has loaded it."""

    instance = None

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        from ..layers.results import set_temporal

        set_temporal(layer)

    @staticmethod
    def create():
        # QGIS keeps only a raw pointer: hold the Python object so it is not collected.
        _TemporalPoints.instance = _TemporalPoints()
        return _TemporalPoints.instance
