"""fetch against a real threaded HTTP server on loopback: validators, redirects, limits, refusals."""

from __future__ import annotations

import copy
import gzip
import http.server
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from briefing.config import load_config
from briefing.fetch import (
    BlockedAddress,
    BodyTooLarge,
    Fetcher,
    FetchRequest,
    _BoundedDecoder,
    _GuardedBackend,
    fetch_many,
    parse_retry_after,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>A</title></item></channel></rss>'
ETAG = '"v1-abc"'
LAST_MODIFIED = "Mon, 23 Nov 2026 08:00:00 GMT"


def _bomb(size: int = 50 * 1024 * 1024) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join(comp.compress(block) for _ in range(size // len(block))) + comp.flush()


@dataclass
class ServerState:
    hits: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    active: int = 0
    max_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    bomb: bytes = b""


Route = Callable[[http.server.BaseHTTPRequestHandler, ServerState], None]


def _send(h: http.server.BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    if "Content-Length" not in (headers or {}) and "Transfer-Encoding" not in (headers or {}):
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body:
        h.wfile.write(body)


def _feed(h, st):
    if h.headers.get("If-None-Match") == ETAG or h.headers.get("If-Modified-Since") == LAST_MODIFIED:
        _send(h, 304, headers={"ETag": ETAG})
        return
    _send(h, 200, FEED, {"Content-Type": "application/rss+xml", "ETag": ETAG, "Last-Modified": LAST_MODIFIED})


def _redirect(status: int, to: str) -> Route:
    return lambda h, st: _send(h, status, headers={"Location": to})


def _slow(h, st):
    with st.lock:
        st.active += 1
        st.max_active = max(st.max_active, st.active)
    time.sleep(0.3)
    with st.lock:
        st.active -= 1
    _send(h, 200, FEED)


def _hang(h, st):
    h.send_response(200)
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b"<rss>")
    h.wfile.flush()
    st.release.wait(15)


def _chunked_big(h, st):
    h.send_response(200)
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"x" * 65536
    for _ in range(40):  # 2.6 MB, no Content-Length
        h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    h.wfile.write(b"0\r\n\r\n")


def _gzip_feed(h, st):
    _send(h, 200, gzip.compress(FEED), {"Content-Encoding": "gzip"})


def _deflate_raw_feed(h, st):
    comp = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    _send(h, 200, comp.compress(FEED) + comp.flush(), {"Content-Encoding": "deflate"})


ROUTES: dict[str, Route] = {
    "/feed": _feed,
    "/gzip": _gzip_feed,
    "/deflate": _deflate_raw_feed,
    "/r301": _redirect(301, "/r308"),
    "/r308": _redirect(308, "/feed"),
    "/t301": _redirect(301, "/t302"),
    "/t302": _redirect(302, "/feed"),
    "/loop1": _redirect(301, "/loop2"),
    "/loop2": _redirect(301, "/loop1"),
    "/to-metadata": _redirect(302, "http://169.254.169.254/latest/meta-data/"),
    "/gone": lambda h, st: _send(h, 410, b"gone"),
    "/r429": lambda h, st: _send(h, 429, b"slow down", {"Retry-After": "120"}),
    "/r503": lambda h, st: _send(h, 503, b"busy", {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}),
    "/r404": lambda h, st: _send(h, 404, b"nope"),
    "/r500": lambda h, st: _send(h, 500, b"oops"),
    "/big-declared": lambda h, st: _send(h, 200, b"x" * 2_000_000),
    "/big-chunked": _chunked_big,
    "/bomb": lambda h, st: _send(h, 200, st.bomb, {"Content-Encoding": "gzip", "Content-Type": "application/xml"}),
    "/hang": _hang,
    "/slow": _slow,
    "/empty": lambda h, st: _send(h, 200, b""),
}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, ServerState]]:
    state = ServerState(bomb=_bomb())

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - http.server API
            path = self.path.split("?")[0]
            if path.startswith("/chain/"):
                route: Route = _redirect(301, f"/chain/{int(path.rsplit('/', 1)[1]) + 1}")
            else:
                route = ROUTES.get(path, lambda h, st: _send(h, 404, b"no route"))
            with state.lock:
                state.hits[path] = state.hits.get(path, 0) + 1
                state.headers[path] = dict(self.headers.items())
            try:
                route(self, state)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", state
    state.release.set()
    srv.shutdown()
    srv.server_close()


def settings(**overrides):
    s = copy.deepcopy(load_config(None).fetch)
    s.allow_private = True
    s.connect_timeout = 5.0
    s.read_timeout = 10.0
    s.total_timeout = 20.0
    for k, v in overrides.items():
        setattr(s, k, v)
    return s


def get(url: str, **kw):
    req_kw = {k: kw.pop(k) for k in ("etag", "last_modified", "kind") if k in kw}
    return fetch_many([FetchRequest(key="k", url=url, **req_kw)], settings(**kw))[0]


# --- validators ------------------------------------------------------------------------------------


def test_conditional_get_round_trip(server) -> None:
    base, st = server
    first = get(base + "/feed")
    assert first.ok and first.status == 200 and first.body == FEED
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    assert "briefing/" in st.headers["/feed"]["User-Agent"]
    second = get(base + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert st.headers["/feed"]["If-None-Match"] == ETAG  # stored verbatim, sent back verbatim
    assert st.headers["/feed"]["If-Modified-Since"] == LAST_MODIFIED
    assert second.not_modified and second.ok and second.status == 304 and second.body == b""


def test_gzip_and_raw_deflate_bodies_are_decoded(server) -> None:
    base, _ = server
    assert get(base + "/gzip").body == FEED
    assert get(base + "/deflate").body == FEED


# --- redirects -------------------------------------------------------------------------------------


def test_permanent_redirect_chain_is_reported(server) -> None:
    base, _ = server
    r = get(base + "/r301")
    assert r.ok and r.body == FEED
    assert r.permanent_redirect == base + "/feed" == r.final_url


def test_a_temporary_hop_makes_the_chain_not_permanent(server) -> None:
    base, _ = server
    r = get(base + "/t301")
    assert r.ok and r.final_url == base + "/feed"
    assert r.permanent_redirect is None


def test_redirect_loop_is_an_error(server) -> None:
    base, _ = server
    r = get(base + "/loop1")
    assert not r.ok and "redirect loop" in r.error


def test_too_many_redirects(server) -> None:
    base, _ = server
    r = get(base + "/chain/0", max_redirects=3)
    assert not r.ok and "too many redirects" in r.error


def test_redirect_to_a_private_address_is_refused_before_connecting(server) -> None:
    base, _ = server
    r = get(base + "/to-metadata", allow_private=False, allowed_hosts=["127.0.0.1"])
    assert not r.ok
    assert "refused 169.254.169.254" in r.error and "non-public address" in r.error


# --- statuses -------------------------------------------------------------------------------------


def test_410_means_gone(server) -> None:
    base, _ = server
    r = get(base + "/gone")
    assert r.gone and not r.ok and r.status == 410 and "410" in r.error


def test_429_and_503_carry_retry_after(server) -> None:
    base, _ = server
    r = get(base + "/r429")
    assert r.status == 429 and r.retry_after == 120.0 and "retry after 120 s" in r.error
    r = get(base + "/r503")
    assert r.status == 503 and r.retry_after is not None and r.retry_after > 365 * 86400


def test_retry_after_forms() -> None:
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40.0) == 60.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(("path", "text"), [("/r404", "HTTP 404 Not Found"), ("/r500", "HTTP 500 Internal Server Error")])
def test_http_errors(server, path: str, text: str) -> None:
    base, _ = server
    r = get(base + path)
    assert not r.ok and r.error == text and not r.gone and r.retry_after is None


def test_empty_body_is_an_error(server) -> None:
    base, _ = server
    r = get(base + "/empty")
    assert not r.ok and r.error == "empty response body"


# --- size and time limits --------------------------------------------------------------------------


def test_declared_body_over_the_cap(server) -> None:
    base, _ = server
    r = get(base + "/big-declared", max_bytes=1_000_000)
    assert not r.ok and "body too large: 2,000,000 bytes declared" in r.error


def test_undeclared_body_over_the_cap(server) -> None:
    base, _ = server
    r = get(base + "/big-chunked", max_bytes=1_000_000)
    assert not r.ok and "body too large: over 1,000,000 bytes" in r.error


def test_gzip_bomb_stops_at_the_cap_without_inflating_it(server) -> None:
    base, st = server
    assert len(st.bomb) < 100_000  # 50 MB of zeros on the wire is ~50 KB
    tracemalloc.start()
    try:
        r = get(base + "/bomb", max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not r.ok and "body too large" in r.error and "after decompression" in r.error
    assert peak < 15_000_000, f"peak {peak:,} bytes while reading a 50 MB bomb with a 1 MB cap"


def test_bounded_decoder_output_never_exceeds_cap() -> None:
    d = _BoundedDecoder("gzip", 10_000)
    data = gzip.compress(bytes(5_000))
    d.feed(data)
    d.finish()
    assert d.body() == bytes(5_000)
    with pytest.raises(BodyTooLarge):
        _BoundedDecoder("gzip", 4_999).feed(data)


def test_server_that_hangs_after_headers_times_out(server) -> None:
    base, _ = server
    start = time.monotonic()
    r = get(base + "/hang", total_timeout=1.0, read_timeout=30.0)
    elapsed = time.monotonic() - start
    assert not r.ok and r.error == "timed out after 1 s"
    assert elapsed < 3.0


def test_connection_refused() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    r = get(f"http://127.0.0.1:{port}/feed")
    assert not r.ok and r.status is None and "ConnectError" in r.error


# --- refusals -------------------------------------------------------------------------------------


def test_loopback_refused_unless_allowed(server) -> None:
    base, st = server
    before = st.hits.get("/feed", 0)
    r = get(base + "/feed", allow_private=False)
    assert not r.ok and r.status is None
    assert r.error == (
        "refused 127.0.0.1: it resolves to the non-public address 127.0.0.1 "
        "(set [fetch] allow_private = true or list the host in allowed_hosts to allow it)"
    )
    assert st.hits.get("/feed", 0) == before  # refused before connecting
    assert get(base + "/feed", allow_private=False, allowed_hosts=["127.0.0.1"]).ok


def test_link_local_metadata_address_refused_before_connecting() -> None:
    start = time.monotonic()
    r = get("http://169.254.169.254/latest/meta-data/", allow_private=False, connect_timeout=30.0)
    assert time.monotonic() - start < 2.0  # no connection attempt (it would hang until the timeout)
    assert not r.ok and "refused 169.254.169.254: it resolves to the non-public address 169.254.169.254" in r.error


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/feed"])
def test_non_http_schemes_refused(url: str) -> None:
    r = get(url)
    assert not r.ok and "only http and https are fetched" in r.error


# --- politeness ------------------------------------------------------------------------------------


def test_per_host_concurrency_limit(server) -> None:
    base, st = server
    st.max_active = 0
    reqs = [FetchRequest(key=str(i), url=f"{base}/slow?i={i}") for i in range(8)]
    start = time.monotonic()
    results = fetch_many(reqs, settings(per_host=2, concurrency=16))
    elapsed = time.monotonic() - start
    assert all(r.ok for r in results)
    assert [r.url for r in results] == [r.url for r in reqs]  # results in request order
    assert st.max_active == 2  # never more than the per-host limit, and it was used
    assert elapsed >= 4 * 0.3 - 0.05


def test_a_busy_host_does_not_hold_global_slots(server) -> None:
    """Requests queued for one host wait for that host's slot without taking a global one."""
    base, _ = server
    other = base.replace("127.0.0.1", "localhost")  # same server, another host name
    try:
        socket.getaddrinfo("localhost", None)
    except OSError:
        pytest.skip("localhost does not resolve here")
    reqs = [FetchRequest(key=str(i), url=f"{base}/slow?h={i}") for i in range(3)]
    reqs.append(FetchRequest(key="other", url=other + "/feed"))
    results = fetch_many(reqs, settings(per_host=1, concurrency=2))
    assert all(r.ok for r in results)
    assert results[-1].elapsed < 0.25  # not queued behind the slow host's 3 x 0.3 s


def test_connection_guard_is_installed_under_httpx() -> None:
    f = Fetcher(settings(allow_private=False))
    f._client()
    assert f.guarded, "httpx internals moved: the connect-time address check is not installed"


def test_connect_time_check_stops_dns_rebinding(server, monkeypatch) -> None:
    """The name passes check_address, then resolves to loopback when the connection is made."""
    import briefing.fetch as fetch_mod

    base, st = server

    async def passes(url, s):  # the first DNS answer was public
        return None

    monkeypatch.setattr(fetch_mod, "check_address", passes)
    before = st.hits.get("/feed", 0)
    r = get(base + "/feed", allow_private=False)
    assert not r.ok and "refused 127.0.0.1: it resolves to the non-public address 127.0.0.1" in r.error
    assert st.hits.get("/feed", 0) == before


def test_guarded_backend_refuses_private_names_and_addresses() -> None:
    import asyncio

    backend = _GuardedBackend(settings(allow_private=False))
    for host in ("127.0.0.1", "localhost", "169.254.169.254", "::1"):
        with pytest.raises(BlockedAddress, match="non-public address"):
            asyncio.run(backend.connect_tcp(host, 80, timeout=1))
