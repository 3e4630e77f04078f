"""``serve --processes N``: N server processes behind a small HTTP router on one port.

One Python process answers polls on one core at most (the GIL). With ``--processes N`` the
command starts N ordinary ``serve`` processes on free loopback ports and forwards every request
to one of them: every ``/exercises/<id>/…`` (or team exercise's ``/teams/<id>/…``) request
of one exercise to the same process
(``id mod N``), so that exercise's live model stays in that process's cache and is never
replayed in two places; any other path to the next process in turn. The router keeps the
browser's connection and a pool of connections to each process, adds the client's address to
``X-Forwarded-For`` (the processes trust one more proxy hop than the operator set) and names the
process that answered in ``X-Stormdesk-Worker``.

It speaks just enough HTTP/1.1 for the trainer: request bodies with ``Content-Length`` (a
chunked request body is refused with 411), responses framed by ``Content-Length``, chunked or
by closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re

MAX_HEAD = 64 * 1024
EXERCISE_PATH = re.compile(rb"^/(?:exercises|teams)/(\d{1,10})(?:[/?]|$)")
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"te", b"upgrade"}


class BadRequest(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def worker_for(path: bytes, n: int, turn: itertools.count) -> int:
    """The process for a request path: an exercise's own, else the next in turn."""
    m = EXERCISE_PATH.match(path)
    if m:
        return int(m.group(1)) % n
    return next(turn) % n


def _parse_head(head: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    lines = head.split(b"\r\n")
    first, headers = lines[0], []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip():
            raise BadRequest(400, "malformed header line")
        headers.append((name, value.strip()))
    return first, headers


def _get(headers, name: bytes) -> bytes | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
    """Bytes up to the blank line (None: the peer closed between requests)."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial.strip():
            return None
        raise BadRequest(400, "the request ended inside its headers") from None
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "request headers too large") from None


class Router:
    def __init__(self, ports: list[int], peer_hops_note: str = ""):
        self.ports = ports
        self.idle: list[list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = [
            [] for _ in ports
        ]
        self.turn = itertools.count()

    async def _backend(self, k: int):
        pool = self.idle[k]
        while pool:
            r, w = pool.pop()
            if not r.at_eof() and not w.is_closing():
                return r, w, True
            w.close()
        r, w = await asyncio.open_connection("127.0.0.1", self.ports[k], limit=MAX_HEAD)
        return r, w, False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        peer = writer.get_extra_info("peername")
        addr = (peer[0] if peer else "unknown").encode()
        try:
            while True:
                head = await _read_head(reader)
                if head is None:
                    break
                keep = await self._one(reader, writer, head, addr)
                if not keep:
                    break
        except BadRequest as e:
            body = e.reason.encode() + b"\n"
            writer.write(
                f"HTTP/1.1 {e.status} {e.reason}\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            with contextlib.suppress(ConnectionError, OSError):
                await writer.drain()
            writer.close()

    async def _one(self, reader, writer, head: bytes, addr: bytes) -> bool:
        first, headers = _parse_head(head[:-4])
        parts = first.split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            raise BadRequest(400, "malformed request line")
        method, target, version = parts
        if _get(headers, b"transfer-encoding") is not None:
            raise BadRequest(411, "send the body with a Content-Length")
        length = _get(headers, b"content-length")
        if length is not None and (not length.isdigit() or len(length) > 12):
            raise BadRequest(400, "bad Content-Length")
        body = await reader.readexactly(int(length)) if length else b""
        conn = (_get(headers, b"connection") or b"").lower()
        keep = b"close" not in conn and (version == b"HTTP/1.1" or b"keep-alive" in conn)

        forwarded, protos, out = [], [], [first]
        for k, v in headers:
            low = k.lower()
            if low == b"x-forwarded-for":
                forwarded.append(v)
            elif low == b"x-forwarded-proto":
                protos.append(v)
            elif low not in HOP_BY_HOP:
                out.append(k + b": " + v)
        out.append(b"X-Forwarded-For: " + b", ".join([*forwarded, addr]))
        out.append(b"X-Forwarded-Proto: " + b", ".join([*protos, b"http"]))
        out.append(b"Connection: keep-alive")
        request = b"\r\n".join(out) + b"\r\n\r\n" + body

        k = worker_for(target, len(self.ports), self.turn)
        for attempt in range(2):
            br, bw, reused = await self._backend(k)
            try:
                bw.write(request)
                await bw.drain()
                status_head = await br.readuntil(b"\r\n\r\n")
                break
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                bw.close()
                if not reused or attempt:  # a fresh connection failed: the process is down
                    raise BadRequest(502, "the server process is not answering") from None
        backend_keep = await self._relay(br, writer, status_head, method, keep)
        if backend_keep:
            self.idle[k].append((br, bw))
        else:
            bw.close()
        return keep and backend_keep

    async def _relay(self, br, writer, status_head: bytes, method: bytes, keep: bool) -> bool:
        """Send the process's response on; True if its connection can be used again."""
        first, headers = _parse_head(status_head[:-4])
        status = int(first.split(b" ", 2)[1])
        backend_conn = (_get(headers, b"connection") or b"").lower()
        out = [first]
        out += [k + b": " + v for k, v in headers if k.lower() not in HOP_BY_HOP]
        length = _get(headers, b"content-length")
        chunked = (_get(headers, b"transfer-encoding") or b"").lower().endswith(b"chunked")
        no_body = method == b"HEAD" or status in (204, 304) or 100 <= status < 200
        close_delimited = not no_body and length is None and not chunked
        out.append(b"Connection: " + (b"keep-alive" if keep and not close_delimited else b"close"))
        writer.write(b"\r\n".join(out) + b"\r\n\r\n")
        if no_body:
            pass
        elif length is not None:
            remaining = int(length)
            while remaining:
                data = await br.read(min(remaining, 65536))
                if not data:
                    raise ConnectionError("the server process closed mid-response")
                writer.write(data)
                remaining -= len(data)
        elif chunked:
            while True:
                size_line = await br.readuntil(b"\r\n")
                writer.write(size_line)
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while True:  # trailers, then the blank line
                        line = await br.readuntil(b"\r\n")
                        writer.write(line)
                        if line == b"\r\n":
                            break
                    break
                writer.write(await br.readexactly(size + 2))
        else:
            while data := await br.read(65536):
                writer.write(data)
            await writer.drain()
            return False
        await writer.drain()
        return b"close" not in backend_conn and not close_delimited


async def serve(host: str, port: int, ports: list[int], stop: asyncio.Event) -> None:
    """Route until ``stop`` is set, then stop listening and return at once.

    (Not ``async with server``: since Python 3.12 that waits for every open connection to
    close, and browsers keep theirs open.)
    """
    router = Router(ports)
    server = await asyncio.start_server(router.handle, host, port, limit=MAX_HEAD, backlog=1024)
    try:
        await stop.wait()
    finally:
        server.close()
