"""``make bench``: the agent measured against a local, instant AWS endpoint (not part of the product)."""
