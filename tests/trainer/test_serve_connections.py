"""A class keeps many connections open (every page polls on keep-alive): the server must go on
answering past waitress's default of 100 open connections (issue 13.5: 300 active exercises
timed out by the hundred)."""

from __future__ import annotations

import socket
import sys
import urllib.request

import pytest

from .pg import free_port
from .test_replay import cli, serve


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets")
def test_the_server_answers_with_hundreds_of_connections_open(tmp_path):
    instance = tmp_path / "instance"
    cli(instance, "init-db")
    port = free_port()
    server = serve(instance, port)
    held = []
    try:
        for _ in range(250):  # idle keep-alive connections, as 250 open pages hold
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
            assert r.status == 200
    finally:
        for s in held:
            s.close()
        server.kill()
        server.wait(10)
