"""How the agent and its fast readers speak. The fork server listens on ``SOCKET_NAME`` in the
directory the agent gives it and says ``READY`` on its stdout once it does.

What crosses the socket from a fast reader process to the agent, framed by
``multiprocessing.Connection``: a one-byte tag, then for ``SCHEMA`` and ``BATCH`` an Arrow IPC
message, for ``FAILED`` a JSON object naming the render error and its cause. ``END`` (no payload)
closes a result read to its end."""

from __future__ import annotations

SCHEMA, BATCH, FAILED, END = b"S", b"B", b"F", b"E"
SOCKET_NAME = "readers.sock"
READY = b"ready\n"
