"""Trace ids made safe as file names (the video method's GIFs, any per-trace file)."""
from pathlib import Path

from sig2gps.io.names import safe_filename


def test_plain_ids_are_kept():
    assert safe_filename("trace-001_a.b") == "trace-001_a.b"


def test_hostile_ids_stay_in_their_folder_and_stay_distinct():
    ids = ["../../x", "/etc/passwd", "..", ".hidden", "a/b", "a\\b", "a\x00b", "a b", "é", "x" * 500, "a_b"]
    names = [safe_filename(i) for i in ids]
    assert len(set(names)) == len(ids)
    base = Path("/srv/out")
    for n in names:
        assert (base / n).resolve().parent == base and not n.startswith(".") and len(n) <= 80
        assert "/" not in n and "\\" not in n and "\x00" not in n
