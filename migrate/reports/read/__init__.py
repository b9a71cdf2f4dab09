"""Power BI's file formats into ``migrate.reports.model``: ``read_source(path)`` picks the reader."""
