"""CLI subcommands (discovered by sig2gps.cli)."""
