"""Which allocator Arrow uses in each of the agent's processes: the system's (glibc malloc) in
the agent itself and its load jobs, pyarrow's bundled mimalloc in the fast readers.

Measured on this repository's bench tables (1M and 5M rows, 2026-12-07, peak RSS):

- the agent encoding a PostgreSQL Parquet extract: 281-306 MB with mimalloc, which keeps the
  pages it freed for reuse, against 240-253 MB with glibc, which gives large blocks back, at the
  same pace; the load job 259-294 MB against 235-265 MB;
- a MariaDB reader process under a 5M-row extract: 104 MB with mimalloc against 238-277 MB with
  glibc (ConnectorX's threads and the drain thread fragment glibc's arenas).

Arrow reads ``ARROW_DEFAULT_MEMORY_POOL`` as it makes its first allocation, and its C++ code
(the Parquet writer, IPC) allocates from that pool whatever Python's ``set_memory_pool`` says
(setting the pool from Python measured 278-282 MB), so the choice is made in the environment
before anything is allocated: by importing ``agent`` first (``python -m agent…`` does), and in the
fork server's environment. A value the operator set wins everywhere.
"""

from __future__ import annotations

import os

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
AGENT_POOL = "system"
READER_POOL = "mimalloc"
_OPERATOR_CHOSE = POOL_VARIABLE in os.environ


def use_system_allocator() -> None:
    os.environ.setdefault(POOL_VARIABLE, AGENT_POOL)


def reader_environment() -> dict[str, str]:
    """The fast readers' fork server's environment."""
    if _OPERATOR_CHOSE:
        return dict(os.environ)
    return {**os.environ, POOL_VARIABLE: READER_POOL}
