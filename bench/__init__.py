"""``make bench``: the agent measured against a local, instant AWS endpoint (not part of the product)."""

import agent  # noqa: F401  (the agent's process setup, its Arrow allocator, before anything is measured)
