class UnreadableReport(ValueError):
    """A source that cannot be read at all: ``migrate reports`` exits 2 with this one line."""
