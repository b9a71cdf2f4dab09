"""Row-level security declared once, on the data: governed tables, the scope a caller may see of
each, and the SQL rewrite that holds every ``sql`` report to it (docs/governance.md)."""
