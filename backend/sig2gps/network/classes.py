"""Road classes: which OSM highway values are drivable, and their default speeds."""

# Free-flow speed (m/s) by class; the simulator scales these, routing uses them for travel time.
SPEED_MS = {
    "motorway": 27.8, "trunk": 22.2, "primary": 15.3, "secondary": 13.9, "tertiary": 12.5,
    "unclassified": 11.1, "residential": 8.3, "living_street": 4.2, "service": 5.6, "road": 11.1,
    "motorway_link": 16.7, "trunk_link": 13.9, "primary_link": 11.1, "secondary_link": 11.1,
    "tertiary_link": 9.7,
}
DRIVABLE = frozenset(SPEED_MS)
DEFAULT_CLASS = "unclassified"  # for line files without a road class


def normalize_class(value) -> str:
    if value is None:
        return DEFAULT_CLASS
    s = str(value).strip().lower()
    if s.startswith("[") and s.endswith("]"):  # osmnx exports lists as text: "['primary', 'secondary']"
        s = s.strip("[]").split(",")[0].strip(" '\"")
    return s if s in DRIVABLE else DEFAULT_CLASS


def parse_oneway(value) -> int:
    """+1 one-way along the geometry, -1 against it, 0 two-way (also for missing values)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1 if value else 0
    s = str(value).strip().lower()
    if s in ("yes", "true", "1", "t"):
        return 1
    if s in ("-1", "reverse"):
        return -1
    return 0
