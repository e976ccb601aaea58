"""The plugin object (initGui/unload), the frames player and the settings/field-mapping dialogs."""
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
from qgis.PyQt.QtGui import QColor, QImage

import sig2gps_qgis
from sig2gps_qgis.layers.results import RolloutResult
from sig2gps_qgis.ui.field_mapping_dialog import FieldMappingDialog, guess_mapping
from sig2gps_qgis.ui.frames_player import FramesPlayer


def _png(colour: str) -> bytes:
    img = QImage(32, 32, QImage.Format_RGB32)
    img.fill(QColor(colour))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    img.save(buf, "PNG")
    return bytes(data)


def test_init_gui_registers_provider_and_unload_removes_everything(qgis_iface, qgis_new_project):
    plugin = sig2gps_qgis.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById("sig2gps") is not None
        dock = plugin.show_dock(True)
        assert dock.isVisible() and dock.windowTitle() == "Sig2GPS"
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("sig2gps") is None
    assert plugin.dock is None and plugin.actions == []


def test_frames_player_plays_pauses_and_scrubs(qgis_app):
    frames = [_png(c) for c in ("#ff0000", "#00ff00", "#0000ff")]
    t = [0.0, 1.0]
    player = FramesPlayer()
    player.set_rollouts([RolloutResult("A", 0, "video", 1.0, t, [0, 1], [0, 1], frames=frames),
                         RolloutResult("A", 1, "video", 0.5, t, [0, 1], [0, 1], frames=frames[:2]),
                         RolloutResult("B", 0, "hmm", 0.1, t, [0, 1], [0, 1])])
    assert player.rollout_box.count() == 2  # rollouts without frames are not offered
    assert player.frame_count() == 3
    player.slider.setValue(2)
    assert player.current_frame() == 2 and player.image.pixmap().toImage().pixelColor(5, 5) == QColor("#0000ff")
    player.play_button.setChecked(True)
    assert player.timer.isActive()
    player._advance()  # what the timer does
    assert player.current_frame() == 0  # wraps around
    player.play_button.setChecked(False)
    assert not player.timer.isActive()
    player.select("A", 1)
    assert player.frame_count() == 2
    player.set_rollouts([RolloutResult("B", 0, "hmm", 0.1, t, [0, 1], [0, 1])])
    assert player.frame_count() == 0 and not player.play_button.isEnabled()


def test_field_mapping_guesses_common_names(tmp_path, qgis_app):
    m = guess_mapping(["IMSI", "Time", "CGI", "Longitude", "Latitude"])
    assert (m.trace_id, m.timestamp, m.cell_id, m.lon, m.lat) == ("IMSI", "Time", "CGI", "Longitude", "Latitude")
    p = tmp_path / "x.csv"
    p.write_text("uid,datetime,eci\n")
    dlg = FieldMappingDialog(p)
    got = dlg.mapping()
    assert (got.trace_id, got.timestamp, got.cell_id, got.lon) == ("uid", "datetime", "eci", "")


def test_settings_round_trip(qgis_app):
    from sig2gps_qgis.settings import PluginSettings

    s = PluginSettings(backend_python="/opt/x/python", network_path="/data/roads.osm.pbf", method="hmm", rollouts=5)
    s.save()
    back = PluginSettings.load()
    assert (back.backend_python, back.network_path, back.method, back.rollouts) == \
        ("/opt/x/python", "/data/roads.osm.pbf", "hmm", 5)
    PluginSettings(backend_python="", network_path="", method="towers", rollouts=3).save()
