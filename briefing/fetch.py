"""Concurrent HTTP for feeds and article pages (httpx, asyncio).

Polite by construction: a global and a per-host concurrency limit, a User-Agent naming the
project, conditional GET with the validators stored verbatim, Retry-After honoured. Defensive
by construction: connect/read/total deadlines, a body cap counted after decompression (so a gzip
bomb stops at the cap), redirects followed by hand so each hop is checked, and addresses that
resolve to loopback, private or link-local ranges refused unless the configuration allows them.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import re
import socket
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .models import FetchResult

ACCEPT_FEED = "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass
class FetchRequest:
    key: str  # feed name or article entry id: how the caller finds the result again
    url: str
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    user_agent: str = ""
    kind: str = "feed"  # "feed" or "page"


class BlockedAddress(Exception):
    pass


class BodyTooLarge(Exception):
    pass


class _BoundedDecoder:
    """Content-Encoding decoding that never produces more than ``limit`` bytes.

    httpx decompresses each network chunk in one go, so 50 KB of gzip can become 50 MB in memory
    before any cap is checked. Here zlib gets ``max_length``: output stops one byte past the cap.
    """

    def __init__(self, encoding: str, limit: int):
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        enc = encoding.strip().lower()
        if enc in ("", "identity"):
            self._z = None
        elif enc in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._z = zlib.decompressobj()
            self._raw_deflate_tried = False
        else:
            raise zlib.error(f"unsupported content encoding {encoding!r}")
        self._encoding = enc

    def _out(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise BodyTooLarge()
        if data:
            self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self._z is None:
            self._out(data)
            return
        while data:
            try:
                out = self._z.decompress(data, self.limit - self.size + 1)
            except zlib.error:
                # "deflate" is often sent as raw deflate without the zlib header
                if self._encoding == "deflate" and not self._raw_deflate_tried and self.size == 0:
                    self._raw_deflate_tried = True
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._out(out)
            data = self._z.unconsumed_tail
            if self._z.eof:
                break

    def finish(self) -> None:
        if self._z is not None:
            self._out(self._z.flush())

    def body(self) -> bytes:
        return b"".join(self.parts)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now_ts = now if now is not None else time.time()
    return max(0.0, when.timestamp() - now_ts)


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]+@")


def redact(text: str) -> str:
    """Remove credentials written into URLs (``https://user:password@host/``) from a message.

    Errors end up in logs, the run summary and the web page's feed-health footer; a feed address
    with a password in it must not publish that password there."""
    return _USERINFO.sub(r"\1***@", text)


def _ip_blocked(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not addr.is_global or addr.is_multicast


def _refusal(host: str, ip: object) -> BlockedAddress:
    return BlockedAddress(
        f"refused {host}: it resolves to the non-public address {ip} "
        "(set [fetch] allow_private = true or list the host in allowed_hosts to allow it)"
    )


async def _public_addresses(host: str, port: int) -> list[str]:
    """The addresses of ``host``, refusing the host when any of them is not public."""
    try:
        ips = [str(ipaddress.ip_address(host))]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            resolved = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise BlockedAddress(f"cannot resolve {host}: {exc.strerror}") from None
        ips = list(dict.fromkeys(str(r[4][0]) for r in resolved))
    for ip in ips:
        if _ip_blocked(ip):
            raise _refusal(host, ip)
    return ips


async def check_address(url: str, settings: SimpleNamespace) -> None:
    """Refuse non-http(s) schemes and hosts that resolve to non-public addresses (unless allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddress(f"refused {parts.scheme or 'schemeless'}: URL (only http and https are fetched)")
    host = parts.hostname or ""
    if not host:
        raise BlockedAddress("the URL has no host")
    if settings.allow_private or host in settings.allowed_hosts:
        return
    await _public_addresses(host, parts.port or 443)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to the public addresses it has just checked.

    check_address runs before each hop, but the connection resolves the name again: a DNS answer
    that changes in between (DNS rebinding) could still reach 127.0.0.1 or 169.254.169.254. This
    backend resolves, checks and connects to the checked address itself (TLS still verifies the
    host name, which httpcore passes separately).
    """

    def __init__(self, settings: SimpleNamespace):
        self.s = settings
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if self.s.allow_private or host in self.s.allowed_hosts:
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        last: Exception | None = None
        for ip in await _public_addresses(host, port):
            try:
                return await self._inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise BlockedAddress("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _install_guard(client: httpx.AsyncClient, settings: SimpleNamespace) -> bool:
    """Put _GuardedBackend under httpx's connection pool; False when httpx's internals moved."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    if isinstance(pool, httpcore.AsyncConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = _GuardedBackend(settings)
        return True
    return False


class Fetcher:
    """One client for a whole run; use ``fetch_many`` from synchronous code."""

    def __init__(self, settings: SimpleNamespace, progress: Callable[[FetchResult], None] | None = None,
                 on_result: Callable[[FetchRequest, FetchResult], None] | None = None):
        self.s = settings
        self.progress = progress
        self.on_result = on_result
        self._global = asyncio.Semaphore(max(1, int(settings.concurrency)))
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(max(1, int(settings.per_host))))

    def _client(self) -> httpx.AsyncClient:
        timeout = httpx.Timeout(connect=self.s.connect_timeout, read=self.s.read_timeout, write=self.s.read_timeout, pool=None)
        limits = httpx.Limits(max_connections=max(1, int(self.s.concurrency)), max_keepalive_connections=20)
        # trust_env=False: no proxy or netrc surprises in a daemon; follow_redirects=False: every hop is checked.
        client = httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False, trust_env=False, http2=False)
        self.guarded = _install_guard(client, self.s)  # tests assert it; check_address still runs per hop
        return client

    async def run(self, requests: list[FetchRequest]) -> list[FetchResult]:
        async with self._client() as client:
            return await asyncio.gather(*(self._one(client, r) for r in requests))

    async def _one(self, client: httpx.AsyncClient, req: FetchRequest) -> FetchResult:
        start = time.monotonic()
        host = urlsplit(req.url).hostname or ""
        # the host's slot first: requests queued for one busy host must not hold global slots
        async with self._hosts[host], self._global:
            try:
                async with asyncio.timeout(self.s.total_timeout):
                    result = await self._follow(client, req)
            except TimeoutError:
                result = FetchResult(url=req.url, error=f"timed out after {self.s.total_timeout:g} s")
            except BlockedAddress as exc:
                result = FetchResult(url=req.url, error=str(exc))
            except httpx.TimeoutException as exc:
                result = FetchResult(url=req.url, error=f"timed out ({type(exc).__name__})")
            except httpx.HTTPError as exc:
                result = FetchResult(url=req.url, error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            except (OSError, ValueError) as exc:
                result = FetchResult(url=req.url, error=f"{type(exc).__name__}: {exc}")
        if result.error:
            result.error = redact(result.error)
        result.elapsed = time.monotonic() - start
        if self.progress:
            self.progress(result)
        if self.on_result:
            self.on_result(req, result)
        return result

    async def _follow(self, client: httpx.AsyncClient, req: FetchRequest) -> FetchResult:
        url = req.url
        seen: list[str] = []
        all_permanent = True
        headers = {
            "User-Agent": req.user_agent or self.s.user_agent,
            "Accept": ACCEPT_FEED if req.kind == "feed" else ACCEPT_PAGE,
            "Accept-Encoding": "gzip, deflate",
            **req.headers,
        }
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        for _hop in range(int(self.s.max_redirects) + 1):
            await check_address(url, self.s)
            if url in seen:
                return FetchResult(url=req.url, error=f"redirect loop at {url}", final_url=url)
            seen.append(url)
            async with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code in (301, 302, 303, 307, 308) and "location" in resp.headers:
                    all_permanent = all_permanent and resp.status_code in (301, 308)
                    url = urljoin(url, resp.headers["location"])
                    continue
                result = FetchResult(
                    url=req.url,
                    status=resp.status_code,
                    headers={k.lower(): v for k, v in resp.headers.items()},
                    final_url=url,
                    permanent_redirect=url if (len(seen) > 1 and all_permanent) else None,
                )
                if resp.status_code == 304:
                    result.not_modified = True
                    return result
                if resp.status_code == 410:
                    result.gone = True
                    result.error = "410 Gone: the server says this address is gone for good"
                    return result
                if resp.status_code in (429, 503):
                    result.retry_after = parse_retry_after(resp.headers.get("retry-after"))
                    wait = f", retry after {result.retry_after:.0f} s" if result.retry_after is not None else ""
                    result.error = f"HTTP {resp.status_code}{wait}"
                    return result
                if resp.status_code >= 400:
                    result.error = f"HTTP {resp.status_code} {resp.reason_phrase}".strip()
                    return result
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.s.max_bytes:
                    result.error = f"body too large: {int(declared):,} bytes declared, limit {self.s.max_bytes:,}"
                    return result
                try:
                    decoder = _BoundedDecoder(resp.headers.get("content-encoding", ""), int(self.s.max_bytes))
                    async for raw in resp.aiter_raw():
                        decoder.feed(raw)
                    decoder.finish()
                except BodyTooLarge:
                    result.error = f"body too large: over {self.s.max_bytes:,} bytes (after decompression)"
                    return result
                except zlib.error as exc:
                    result.error = f"corrupt compressed body ({resp.headers.get('content-encoding')}): {exc}"
                    return result
                result.body = decoder.body()
                result.etag = resp.headers.get("etag")
                result.last_modified = resp.headers.get("last-modified")
                if not result.body.strip():
                    result.error = "empty response body"
                return result
        return FetchResult(url=req.url, error=f"too many redirects (more than {self.s.max_redirects})", final_url=url)


def fetch_many(
    requests: list[FetchRequest],
    settings: SimpleNamespace,
    progress: Callable[[FetchResult], None] | None = None,
    on_result: Callable[[FetchRequest, FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch all requests concurrently; results come back in the order of the requests.
    ``on_result(request, result)`` is called as each one finishes (to start work on it at once)."""
    if not requests:
        return []
    return asyncio.run(Fetcher(settings, progress, on_result).run(requests))


def retry_until(result: FetchResult, max_wait: float, now: datetime | None = None) -> str | None:
    """ISO time before which a 429/503 feed must not be fetched again."""
    if result.retry_after is None:
        return None
    base = (now or datetime.now(UTC)).timestamp()
    return datetime.fromtimestamp(base + min(result.retry_after, max_wait), UTC).isoformat(timespec="seconds")
