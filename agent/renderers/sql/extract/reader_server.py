"""A fork server for fast readers, run by the agent as
``python -m agent.renderers.sql.extract.reader_server DIR``.

It imports pyarrow and ConnectorX once, listens on ``DIR/readers.sock`` and forks one reader per
connection: the reader sends its pid, takes one request (``fast_reader.read_into``'s arguments as
JSON) and streams its result back on the same socket. Forked readers start in milliseconds and
share those libraries' memory; each dies with its query. (``multiprocessing``'s own fork server
would re-import the agent's ``__main__`` in every reader.)

The server ends when its stdin closes: the agent closed it, or the agent is gone.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
from multiprocessing.connection import Connection
from typing import NoReturn

from agent.renderers.sql.extract import fast_reader
from agent.renderers.sql.extract.reader_protocol import READY, SOCKET_NAME


def serve(directory: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished readers
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener, selectors.DefaultSelector() as events:
        listener.bind(os.path.join(directory, SOCKET_NAME))
        listener.listen(128)
        events.register(listener, selectors.EVENT_READ)
        events.register(sys.stdin.buffer, selectors.EVENT_READ)
        _say_ready()
        while True:
            for key, _ in events.select():
                if key.fileobj is not listener:
                    return  # stdin is readable only at its end: the agent let go of us
                connection, _ = listener.accept()
                if os.fork() == 0:
                    _reader(listener, connection)
                connection.close()


def _say_ready() -> None:
    os.write(sys.stdout.fileno(), READY)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nothing else may block on the agent's pipe


def _reader(listener: socket.socket, connection: socket.socket) -> NoReturn:
    listener.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    pipe = Connection(connection.detach())
    try:
        pipe.send_bytes(str(os.getpid()).encode())
        fast_reader.read_into(pipe, **json.loads(pipe.recv_bytes()))
    except (EOFError, OSError):
        pass  # the agent went away before it sent its request
    finally:
        os._exit(0)


if __name__ == "__main__":
    serve(sys.argv[1])
