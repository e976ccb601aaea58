"""The column dialog for CSVs with other column names: guesses by name and by content, never puts every
role on the first column, refuses one column for two roles, and previews the first rows in UTC."""
from qgis.PyQt.QtWidgets import QDialogButtonBox

from sig2gps_qgis.layers.signaling import FieldMapping
from sig2gps_qgis.ui.field_mapping_dialog import FieldMappingDialog, guess_mapping, mapping_problem


def _csv(tmp_path, text, name="odd.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


ODD = ("when,who,where,x_deg,y_deg\n"
       "1700000000,phone1,c17,24.9401,60.1701\n"
       "1700000060,phone1,c18,24.9412,60.1712\n"
       "1700000120,phone1,c19,24.9423,60.1723\n"
       "1700000000,phone2,c20,24.9501,60.1801\n")


def test_guess_by_content_when_names_say_nothing(tmp_path):
    dlg = FieldMappingDialog(_csv(tmp_path, ODD))
    assert dlg.mapping() == FieldMapping(trace_id="who", timestamp="when", cell_id="where", lon="x_deg",
                                         lat="y_deg")
    assert dlg.buttons.button(QDialogButtonBox.Ok).isEnabled()


def test_a_role_nothing_fits_stays_empty_not_the_first_column(tmp_path):
    dlg = FieldMappingDialog(_csv(tmp_path, "a,b\nfoo,bar\nfoo,baz\n"))
    m = dlg.mapping()
    assert m.timestamp == "" and m.lon == "" and m.lat == ""  # nothing there is a time or a coordinate
    assert [m.trace_id, m.cell_id].count("a") <= 1
    assert not dlg.buttons.button(QDialogButtonBox.Ok).isEnabled() and "Time" in dlg.problem.text()


def test_the_same_column_for_two_roles_is_refused(tmp_path):
    dlg = FieldMappingDialog(_csv(tmp_path, ODD))
    ok = dlg.buttons.button(QDialogButtonBox.Ok)
    dlg.boxes["cell_id"].setCurrentIndex(dlg.boxes["cell_id"].findData("who"))  # = the trace id's column
    assert not ok.isEnabled()
    assert "who" in dlg.problem.text() and "Trace id" in dlg.problem.text() and "Cell id" in dlg.problem.text()
    dlg.accept()
    assert dlg.result() == 0  # not accepted
    dlg.boxes["cell_id"].setCurrentIndex(dlg.boxes["cell_id"].findData("where"))
    assert ok.isEnabled() and dlg.problem.text() == ""
    assert mapping_problem(FieldMapping(trace_id="a", timestamp="a", cell_id="c", lon="", lat=""))


def test_preview_shows_the_first_rows_with_utc_times_and_problems(tmp_path):
    text = ODD.replace("1700000060", "2023-11-14T22:14:20+02:00").replace("24.9423", "240.9")
    dlg = FieldMappingDialog(_csv(tmp_path, text))
    rows = dlg.preview_rows()
    assert rows[0][:3] == ["phone1", "2023-11-14 22:13:20 UTC", "c17"] and rows[0][5] == ""
    assert rows[1][1] == "2023-11-14 20:14:20 UTC"  # +02:00 shown in UTC
    assert "out of range" in rows[2][5]
    assert dlg.preview.rowCount() == 4 and dlg.preview.item(0, 1).text() == "2023-11-14 22:13:20 UTC"


def test_known_names_win_and_are_never_reused():
    m = guess_mapping(["id", "time", "cell", "lon", "lat"])
    assert m == FieldMapping(trace_id="id", timestamp="time", cell_id="cell", lon="lon", lat="lat")
    m = guess_mapping(["t", "time"])  # both are time names: the second is not taken for another role
    assert m.timestamp == "time" and m.trace_id == "" and m.cell_id == ""
