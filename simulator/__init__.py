"""``make simulate``: job arrival traces through the real scaling decision (scaling.policy)."""
