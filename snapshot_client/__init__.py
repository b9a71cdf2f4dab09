"""``snapshot``: the command-line client of the snapshot HTTP API."""
