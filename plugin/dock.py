"""The Sig2GPS dock: load signaling, pick traces and a time window, reconstruct, watch, compare, export.

The dock is the controller; each tab's widgets live in their own panel (ui/signaling_panel.py,
ui/method_panel.py, ui/results_panel.py, ui/log_panel.py). It reads the panels into one
ReconstructParams (Deepness's pattern), builds the request with the layers module, and hands the
work to a ReconstructTask; it never blocks the GUI. Methods that open dialogs take their answers as
optional arguments too, so tests drive the same code paths.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QLabel, QProgressBar, QPushButton, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from .errors import BackendError, Cancelled, InputError, Sig2GpsError
from .i18n import tr
from .settings import PluginSettings
from .ui.log_panel import LogPanel
from .ui.method_panel import MethodPanel
from .ui.results_panel import ResultsPanel
from .ui.signaling_panel import SignalingPanel
from .ui.widgets import hbox


class Sig2GpsDock(QgsDockWidget):
    def __init__(self, iface, backend, parent=None):
        super().__init__(tr("Sig2GPS"), parent)
        self.setObjectName("Sig2GpsDock")
        self.iface, self.backend = iface, backend
        self.settings = PluginSettings.load()
        self.task = None
        self.result = None  # request.JobResult of the last run
        self.result_group = None  # the last run's layer-tree group
        self.runs: list = []  # layers.run_group.Run of every run of this session
        self.last_message = ("", Qgis.Info)  # what the message bar last said (tests read it)
        self.tile_image = self.tile_bounds = None
        self.methods_task = None
        self._methods_pid = None  # the backend process the method list came from
        self._build()
        from .backend_watch import BackendWatcher

        self.watcher = BackendWatcher(lambda: self.backend, parent=self)
        self.watcher.started.connect(self._on_backend_started)
        self.watcher.crashed.connect(self._on_backend_crashed)
        self.watcher.start()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.signaling = SignalingPanel(self)
        self.method = MethodPanel(self, self.settings)
        self.results = ResultsPanel(self)
        self.log = LogPanel(self)
        tabs = QTabWidget()
        tabs.addTab(self._reconstruct_tab(), tr("Reconstruct"))
        tabs.addTab(self.results, tr("Rollouts"))
        tabs.addTab(self.log, tr("Backend log"))
        self.tabs = tabs
        self.setWidget(tabs)
        # the widgets the controller reads and sets (and tests drive), by their short names
        s, m, r = self.signaling, self.method, self.results
        self.layer_box, self.time_field, self.trace_list = s.layer_box, s.time_field, s.trace_list
        self.method_box, self.rollouts, self.consensus, self.send_tile = (m.method_box, m.rollouts, m.consensus,
                                                                         m.send_tile)
        self.roads_box = m.roads_box
        self.table, self.sketch_box, self.player = r.table, r.sketch_box, r.player
        self.log_view = self.log.log_view

    def _reconstruct_tab(self) -> QWidget:
        """The two groups scroll; Reconstruct, Cancel, the progress bar and the status line stay in view below
        them, whatever the dock's height."""
        inputs = QWidget()
        lay = QVBoxLayout(inputs)
        lay.addWidget(self.signaling)
        lay.addWidget(self.method)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inputs)
        w = QWidget()
        outer = QVBoxLayout(w)
        outer.addWidget(scroll, 1)
        self.run_button = QPushButton(tr("Reconstruct"))
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        help_button = QPushButton(tr("Help"))
        help_button.setToolTip(tr("Open the user guide"))
        help_button.clicked.connect(lambda: self.open_help())
        outer.addLayout(hbox(self.run_button, self.cancel_button, help_button))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        outer.addWidget(self.progress)
        outer.addWidget(self.status)
        return w

    @property
    def result_layers(self) -> tuple | None:
        """(lines, points) of the run in the Rollouts tab."""
        return self.results.layers

    @property
    def compare_task(self):
        return self.results.compare_task

    def open_help(self, opener=None):
        """Open the user guide shipped with the plugin in the browser; returns its URL."""
        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtGui import QDesktopServices

        from .paths import help_path

        url = QUrl.fromLocalFile(str(help_path()))
        (opener or QDesktopServices.openUrl)(url)
        return url

    # ------------------------------------------------------------------ messages
    def message(self, text: str, level=Qgis.Info, details: str = "") -> None:
        self.last_message = (text, level)
        self.status.setText(text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(tr("Sig2GPS"), text, level=level, duration=0 if level >= Qgis.Warning else 5)
        if details:
            self.log_view.setPlainText(details)

    def report(self, err: Sig2GpsError) -> None:
        self.message(err.message, err.level, err.details)

    # ------------------------------------------------------------------ what the panels offer, by name
    def load_csv(self, path=None, mapping=None):
        return self.signaling.load_csv(path, mapping)

    def load_towers(self, path=None):
        return self.signaling.load_towers(path)

    def read_traces(self):
        return self.signaling.read_traces()

    def compare_to_sketch(self, sketch=None):
        return self.results.compare_to_sketch(sketch)

    def keep_selected(self, keep: bool, rows=None):
        return self.results.keep_selected(keep, rows)

    def export(self, path=None, confirm_overwrite=None):
        return self.results.export(path, confirm_overwrite)

    def save_runs(self, path=None, confirm_overwrite=None):
        """Save every run of this session (all rollouts, lines and points) to one GeoPackage and swap the
        project's memory layers for the saved ones, so the runs survive closing QGIS. Returns the path."""
        from qgis.PyQt.QtWidgets import QFileDialog, QMessageBox

        from .layers.run_group import save_runs

        if not self.runs:
            self.message(tr("Nothing to save yet: run a reconstruction first."), Qgis.Info)
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("Save the runs' layers"), "", tr("GeoPackage (*.gpkg)"))
            if not path:
                return None
        path = Path(path)
        if path.suffix.lower() != ".gpkg":
            path = path.with_suffix(".gpkg")
        if path.exists():
            ask = confirm_overwrite or (lambda p: QMessageBox.question(
                self, tr("Overwrite?"), tr("{0} exists. Replace it?").format(p)) == QMessageBox.Yes)
            if not ask(str(path)):
                self.message(tr("Saving cancelled; {0} was left as it was.").format(str(path)), Qgis.Info)
                return None
        shown = self.results.layers
        last = self.runs[-1]
        was_shown = shown is not None and shown[0] is last.lines
        try:
            save_runs(self.runs, path)
        except Sig2GpsError as e:
            self.report(e)
            return None
        if was_shown:
            self.results.layers = (last.lines, last.points)
            self.results.hide_discarded()
        elif shown is not None:
            self.results.layers = None  # its layers were replaced
        self.message(tr("Saved {0} run(s) to {1}; the map now shows the saved layers.")
                     .format(len(self.runs), str(path)), Qgis.Success)
        return path

    def params(self):
        return self.method.params(self.settings.network_path)

    def _canvas(self):
        return self.iface.mapCanvas() if self.iface is not None else None

    # ------------------------------------------------------------------ tile
    def preview_tile(self, size_px: int = 256):
        """Render the first ticked trace's conditioning tile (the backend draws one tile per trace)."""
        from .tile import fit_bounds, render_tile

        try:
            traces, _ = self.read_traces()
        except InputError as e:
            self.report(e)
            return None
        bounds = fit_bounds(traces[:1])
        canvas = self._canvas()
        image = render_tile(self.tile_roads(), traces[:1], bounds, size_px,
                            base_settings=canvas.mapSettings() if canvas is not None else None)
        self.tile_image, self.tile_bounds = image, bounds
        self.method.show_tile(image)
        return image

    def tile_roads(self):
        return self.method.tile_roads(self._canvas())

    # ------------------------------------------------------------------ run
    def build_request(self) -> dict:
        from .request import build_job_request, road_layer_geojson
        from .tile import png_bytes

        traces, problems = self.read_traces()
        if problems:
            self.log_view.setPlainText("\n".join(problems))
        roads = self.roads_box.currentLayer()
        png = bounds = None
        if self.send_tile.isChecked():
            if len(traces) != 1:
                raise InputError(tr("The conditioning tile belongs to one trace: tick a single trace to send it."))
            image = self.preview_tile()
            png, bounds = (png_bytes(image), self.tile_bounds) if image is not None else (None, None)
        try:
            return build_job_request(traces, self.params(), network_geojson=road_layer_geojson(roads) if roads else None,
                                     conditioning_png=png, conditioning_bounds=bounds)
        except ValueError as e:  # the wire check names the field
            raise InputError(tr("The request is not valid: {0}").format(str(e))) from e

    def run(self):
        """Start a reconstruction in the background; returns the task (None when the input is refused)."""
        from .tasks import ReconstructTask, start

        if self.task is not None:
            self.message(tr("A reconstruction is already running."), Qgis.Warning)
            return None
        try:
            request = self.build_request()
        except Sig2GpsError as e:
            self.report(e)
            return None
        self.settings.method, self.settings.rollouts = request["method"], self.rollouts.value()
        self.settings.save()
        self.task = ReconstructTask(self.backend, request, on_done=self._on_done, on_error=self._on_error)
        self.task.progressChanged.connect(self._on_progress)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.message(tr("Reconstructing {0} trace(s) with {1}…").format(len(request["traces"]), request["method"]))
        return start(self.task)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(tr("Cancelling…"))

    def _on_progress(self, value: float) -> None:
        self.progress.setValue(int(value))
        if self.task is not None and self.task.status_message:
            self.status.setText(self.task.status_message)

    def _finish_task(self) -> None:
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_error(self, err: Sig2GpsError) -> None:
        self._finish_task()
        self.watcher.acknowledge_crash()  # this message already says the backend died, with its log
        self.progress.setValue(0)
        self.report(err)
        if err.details and not isinstance(err, Cancelled):
            self.tabs.setCurrentIndex(2)

    def _on_done(self, result) -> None:
        """Show a finished (or cancelled, partial) run: its own layer group, coloured by trace, the map zoomed
        to it, the table with each rollout's plausibility; the message bar says what failed or was cancelled
        and is green only when every trace and every rollout passed."""
        from .layers.results import rollout_colour, rollout_layers
        from .layers.run_group import Run, add_run_group, next_run_number, run_name, zoom_to_layers

        options = dict(self.task.request.get("options", {})) if self.task is not None else {}
        self._finish_task()
        self.result = result
        self.progress.setValue(100 if result.complete else 0)
        errors = "\n".join(f"{t}: {r}" for t, r in result.errors)
        if not result.rollouts:
            if not result.complete:
                self.message(tr("Cancelled before any trace was finished."), Qgis.Info, errors)
            else:
                self.message(tr("No trajectory came back; see the log tab."), Qgis.Warning, errors)
            return
        number = next_run_number()
        lines, points = rollout_layers(result.rollouts, f"#{number} {result.method}")
        name = run_name(number, result.method, options)
        self.result_group = add_run_group(name, [lines, points])
        self.runs.append(Run(number, name, lines, points, self.result_group))
        zoom_to_layers(self._canvas(), [lines])
        order = list(dict.fromkeys(r.trace_id for r in result.rollouts))
        self.results.show_run(result.rollouts, (lines, points),
                              [rollout_colour(order.index(r.trace_id), r.rollout, bool(r.failure))
                               for r in result.rollouts])
        self.tabs.setCurrentIndex(1)
        n_traces = len(order)
        text = tr("{0} rollout(s) of {1} trace(s) in {2:.1f} s ({3}).").format(
            len(result.rollouts), n_traces, result.seconds_total, result.device or "cpu")
        level, details = Qgis.Success, []
        if not result.complete:
            text = tr("Cancelled; what finished before: ") + text
            level = Qgis.Warning
        if result.errors:
            text += " " + tr("{0} trace(s) failed (see the log tab).").format(len(result.errors))
            level = Qgis.Warning
            details.append(errors)
        failed = [r for r in result.rollouts if r.failure]
        if failed:
            text += " " + tr("{0} rollout(s) failed the plausibility check (grey on the map, red in the table).") \
                .format(len(failed))
            level = Qgis.Warning
            details += [tr("trace {0}, rollout {1}: {2}").format(r.trace_id, r.rollout, r.failure) for r in failed]
        self.message(text, level, "\n".join(details))

    # ------------------------------------------------------------------ backend
    def refresh_methods(self, quiet: bool = False):
        """Ask the backend which methods it offers; starting it takes seconds, so in a task.
        quiet: an automatic refresh (the backend just started) that changes the list but says nothing."""
        from .tasks import CallTask, start

        def call():
            from .backend_client import BackendError as ClientError

            try:
                return self.backend.methods()
            except ClientError as e:
                raise BackendError(tr("The Sig2GPS backend is not available: {0}").format(e.message),
                                   self.backend.log_tail()) from e

        self.methods_task = CallTask(tr("Sig2GPS: asking the backend for its methods"), call,
                                     on_done=lambda m: self._on_methods(m, quiet),
                                     on_error=lambda e: self._on_methods_error(e, quiet))
        if not quiet:
            self.status.setText(tr("Starting the backend…"))
        return start(self.methods_task)

    def _on_methods(self, methods: list, quiet: bool = False) -> None:
        from .processing.methods import remember

        self.methods_task = None
        remember(methods)  # the Processing algorithm's drop-down follows the backend too
        self._methods_pid = getattr(self.backend, "pid", None)
        names = self.method.set_methods(methods)
        if not quiet:
            self.message(tr("The backend offers: {0}").format(", ".join(names)))

    def _on_methods_error(self, err: Sig2GpsError, quiet: bool = False) -> None:
        self.methods_task = None
        if not quiet:
            self.report(err)

    def _on_backend_started(self, pid: int) -> None:
        """A backend process came up (for a job, or restarted): list the methods it really offers."""
        if self.methods_task is None and pid != self._methods_pid:
            self.refresh_methods(quiet=True)

    def _on_backend_crashed(self, pid: int, log_tail: str) -> None:
        """The backend died between uses: say so now, and how it ended (signal or exit code), with its log in
        the log tab, rather than at the next job."""
        if self.task is not None:
            return  # the running job fails and reports the crash with the log itself
        how = getattr(self.backend, "how_it_ended", lambda: "stopped")()
        self.message(tr("The Sig2GPS backend (process {0}) {1}. It restarts with the next reconstruction "
                        "(or use Restart backend in the log tab); its log is in the log tab.").format(pid, how),
                     Qgis.Warning, log_tail or tr("(the backend has not written anything yet)"))

    def show_log(self) -> None:
        self.log_view.setPlainText(self.backend.log_tail() or tr("(the backend has not written anything yet)"))

    def restart_backend(self) -> None:
        self.backend.stop()
        self.message(tr("The backend was stopped; it starts again with the next reconstruction."))

    def shutdown(self) -> None:
        self.watcher.stop()
        if self.task is not None:
            self.task.cancel()
        self.player.pause()
