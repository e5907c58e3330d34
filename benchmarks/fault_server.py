"""Loopback servers that misbehave on purpose, for the fault-injection suite (``benchmarks.faults``).

``FaultServer`` is an HTTP server on 127.0.0.1 with one path per fault (slow, hanging, refused,
error codes with Retry-After, redirect chains and loops, a 50 MB body, a gzip bomb, empty, HTML
instead of a feed, malformed XML, a wrong charset, 10,000 items, duplicate GUIDs, missing and
future dates, 10,000-character titles, hostile markup) and, for everything else, a folder served
with ``{BASE}`` replaced by its own address (the healthy corpus of ``tests.corpus``).

``SmtpSink`` is an aiosmtpd server whose behaviour is switched per test: accept, answer 421 or 451
once, refuse with 550, drop the connection during DATA, or be slow. It counts the messages it
accepted per recipient, counting one only when the 250 reply could still reach the client (RFC
5321: the server takes responsibility for a message when it says 250), so a duplicate copy shows.
"""

from __future__ import annotations

import asyncio
import email
import email.utils
import json
import random
import threading
import time
import zlib
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HOSTILE_TITLE = (
    'Nimbus <script>alert("XSS-T1")</script> update <img src=x onerror=alert("XSS-T2")> '
    '<span style="display:none">HIDDEN-T3</span><b style="position:fixed;z-index:99999">overlay</b>'
)
HOSTILE_HTML = (
    "<p>Summary text <a href=\"javascript:alert('XSS-S1')\">click</a> "
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=">data link</a> '
    '<a href=" JaVaScRiPt:alert(\'XSS-S6\')">mixed case</a> '
    '<img src="{BASE}/pixel.gif?track=PIXEL-S2" width="1" height="1" alt=""> '
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999">OVERLAY-S3</div>'
    "<script>alert('XSS-S4')</script><svg onload=alert('XSS-S5')></svg>"
    '<iframe src="javascript:alert(\'XSS-S7\')"></iframe>'
    '<form action="javascript:alert(1)"><input name=x></form>'
    "<style>body{display:none}</style></p>"
)
HOSTILE_PAGE_BODY = (
    "<!doctype html><html><head><title>Hostile page</title><script>alert('XSS-P1')</script>"
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('XSS-P2')\"></head>"
    "<body onload=\"alert('XSS-P3')\"><article><h1>Stratus-2 hostile coverage</h1>"
    + "".join(
        f"<p>Nimbus Labs released Stratus-2, an open-weights model with 70 billion parameters, paragraph {i}. "
        f"<a href=\"javascript:alert('XSS-P4')\">more</a> <img src=\"{{BASE}}/pixel.gif?track=PIXEL-P5\" width=1 height=1>"
        f"<span style=\"display:none\">HIDDEN-P6</span> It supports a 256,000-token context window.</p>"
        for i in range(6)
    )
    + "<script>document.write('XSS-P7')</script></article></body></html>"
)


def rss(items: list[dict[str, Any]], title: str = "Fault feed") -> bytes:
    """A small RSS 2.0 document; item keys: title, link, guid, date (datetime or None), desc (HTML)."""
    out = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>{title}</title>'
           "<link>{BASE}/</link><description>fault injection</description>"]
    for it in items:
        parts = [f"<title><![CDATA[{it['title']}]]></title>"]
        if it.get("link"):
            parts.append(f"<link><![CDATA[{it['link']}]]></link>")
        if it.get("guid"):
            parts.append(f'<guid isPermaLink="false">{it["guid"]}</guid>')
        if it.get("date"):
            parts.append(f"<pubDate>{email.utils.format_datetime(it['date'])}</pubDate>")
        if it.get("desc"):
            parts.append(f"<description><![CDATA[{it['desc']}]]></description>")
        if it.get("image"):
            parts.append(f'<media:content url="{it["image"]}" medium="image"/>')
        out.append("<item>" + "".join(parts) + "</item>")
    out.append("</channel></rss>")
    return "".join(out).encode("utf-8")


def article_page(title: str, n: int = 5, size: int = 1) -> bytes:
    para = (f"{title}. This is the article's own text, written long enough for the extractor to prefer it "
            "over the feed's summary, with enough words to count as a real article body. ")
    body = "".join(f"<p>{para * size} Paragraph {i}.</p>" for i in range(n))
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:  # clients hang up on purpose here
        pass


class FaultServer:
    """The misbehaving HTTP server; ``hits`` counts requests per path (so a test can prove a feed was not fetched)."""

    DAY = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)

    def __init__(self, root: Path | None = None):
        self.root = root.resolve() if root else None
        self.hits: Counter[str] = Counter()
        self.stop = threading.Event()
        self.big_written = 0
        self.slow_seconds = 8.0  # /slow and /slow-feed answer after this long (0 = at once)
        self.page_delay = 0.0  # seconds before each /article/ page answers
        self.requested = threading.Event()  # set when /slow-feed is first requested
        self._bomb: bytes | None = None
        self.binary = random.Random(7).randbytes(300_000)
        self._lock = threading.Lock()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self.gzip_bomb()  # built before serving: compressing 128 MB takes longer than a read timeout
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()

    # -- bodies ---------------------------------------------------------------------------------
    def gzip_bomb(self) -> bytes:
        """About 120 KB of gzip that inflates to 128 MB (of an XML prologue and spaces)."""
        with self._lock:
            if self._bomb is None:
                comp = zlib.compressobj(9, zlib.DEFLATED, 31)
                chunks = [comp.compress(b'<?xml version="1.0"?><rss version="2.0"><channel>')]
                block = b" " * (1 << 20)
                chunks += [comp.compress(block) for _ in range(128)]
                chunks.append(comp.flush())
                self._bomb = b"".join(chunks)
            return self._bomb

    def feed_body(self, path: str) -> bytes | None:
        d = self.DAY
        if path == "/10k-items":
            return rss([{"title": f"Item {i} about model release number {i}", "link": f"{{BASE}}/article/10k-{i}",
                         "guid": f"urn:10k:{i}", "date": d - timedelta(seconds=i), "desc": f"Item {i}."} for i in range(10_000)])
        if path == "/dup-guids":
            items = [{"title": f"Duplicate guid item {i}", "link": f"{{BASE}}/article/dup-{i}", "guid": "urn:dup:same",
                      "date": d - timedelta(minutes=i), "desc": f"Same guid, item {i}."} for i in range(5)]
            items += [{"title": f"Unique item {i}", "link": f"{{BASE}}/article/uniq-{i}", "guid": f"urn:dup:u{i}",
                       "date": d - timedelta(minutes=10 + i), "desc": f"Unique item {i}."} for i in range(3)]
            return rss(items)
        if path == "/dates":
            return rss([
                {"title": "An item without any date", "link": "{BASE}/article/nodate", "guid": "urn:dates:none", "desc": "No date."},
                {"title": "An item dated in 2099", "link": "{BASE}/article/future", "guid": "urn:dates:future",
                 "date": datetime(2099, 1, 1, tzinfo=UTC), "desc": "From the future."},
                {"title": "An item with a normal date", "link": "{BASE}/article/normal", "guid": "urn:dates:normal",
                 "date": d, "desc": "Normal."},
            ])
        if path == "/long-titles":
            return rss([{"title": "Very long title " + "word " * 2000, "link": "{BASE}/article/long", "guid": "urn:long:1",
                         "date": d, "desc": "A title of 10,000 characters."}])
        if path == "/hostile":
            return rss([
                {"title": HOSTILE_TITLE, "link": "{BASE}/hostile-page/1", "guid": "urn:hostile:1", "date": d, "desc": HOSTILE_HTML,
                 "image": "javascript:alert('XSS-I1')"},
                {"title": "Item whose link is a javascript: URL", "link": "javascript:alert('XSS-L1')", "guid": "urn:hostile:2",
                 "date": d, "desc": HOSTILE_HTML},
                {"title": "Item whose link is a data: URL", "link": "data:text/html,<script>alert('XSS-L2')</script>",
                 "guid": "urn:hostile:3", "date": d, "desc": "Plain."},
            ])
        if path == "/internal-links":
            return rss([
                {"title": "Link to the loopback interface by name", "link": "http://localhost:{PORT}/secret/loopback",
                 "guid": "urn:int:1", "date": d, "desc": "Loopback by name."},
                {"title": "Link into a private network", "link": "http://10.0.0.1/admin", "guid": "urn:int:2", "date": d,
                 "desc": "Private range."},
                {"title": "Link to the cloud metadata service", "link": "http://169.254.169.254/latest/meta-data/",
                 "guid": "urn:int:3", "date": d, "desc": "Link-local metadata."},
                {"title": "Link that redirects to the metadata service", "link": "{BASE}/redirect-to-169.254.169.254",
                 "guid": "urn:int:4", "date": d, "desc": "Redirect to link-local."},
                {"title": "Link that redirects to a file", "link": "{BASE}/redirect-to-file", "guid": "urn:int:5", "date": d,
                 "desc": "Redirect to file:."},
                {"title": "Link to a file", "link": "file:///etc/passwd", "guid": "urn:int:6", "date": d, "desc": "file: link."},
            ])
        if path == "/bad-pages":
            faults = ["slow", "hang-after-headers", "trickle", "big", "gzip-bomb", "404", "500", "redirect-loop", "empty", "malformed", "refused",
                      "binary", "deep-nesting"]
            return rss([{"title": f"Article whose page is {f}", "link": "{REFUSED}/x" if f == "refused" else f"{{BASE}}/{f}",
                         "guid": f"urn:page:{f}", "date": d - timedelta(minutes=i), "desc": f"The feed's own summary of the {f} article."}
                        for i, f in enumerate(faults)])
        if path.startswith("/many-pages"):
            return rss([{"title": f"Long article number {i} on open models", "link": f"{{BASE}}/article/big-{i}", "guid": f"urn:many:{i}",
                         "date": d - timedelta(minutes=i), "desc": f"Summary {i}."} for i in range(60)])
        if path in ("/slow-feed", "/failing"):
            return rss([{"title": f"Item from {path}", "link": f"{{BASE}}/article{path}", "guid": f"urn:{path}", "date": d, "desc": "x"}])
        return None

    # -- the handler ------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # silence
                pass

            def _send(self, code: int, body: bytes = b"", ctype: str = "application/rss+xml; charset=utf-8", headers: dict | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def _fill(self, body: bytes) -> bytes:
                return body.replace(b"{BASE}", outer.base.encode()).replace(b"{PORT}", outer.base.rsplit(":", 1)[1].encode())

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                outer.hits[path] += 1
                o = outer
                if path in ("/slow", "/slow-feed"):
                    o.requested.set()
                    if o.stop.wait(o.slow_seconds) and o.slow_seconds:
                        return
                    if path == "/slow":
                        self._send(200, self._fill(rss([{"title": "Too late", "link": "{BASE}/article/late", "guid": "urn:late", "date": o.DAY}])))
                    else:
                        self._send(200, self._fill(o.feed_body(path) or b""))
                elif path == "/hang-after-headers":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                    self.wfile.flush()
                    o.stop.wait(30)
                    self.close_connection = True
                elif path == "/trickle":  # one byte every 0.5 s: no read ever times out, the total deadline must
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    self.close_connection = True
                    try:
                        for _ in range(120):
                            if o.stop.wait(0.5):
                                return
                            self.wfile.write(b" ")
                            self.wfile.flush()
                    except OSError:
                        return
                elif path in ("/404", "/500"):
                    self._send(int(path[1:]), b"error page", "text/html")
                elif path == "/410":
                    self._send(410, b"gone", "text/html")
                elif path == "/429":
                    self._send(429, b"slow down", "text/plain", {"Retry-After": "120"})
                elif path == "/503":
                    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(minutes=10), usegmt=True)
                    self._send(503, b"maintenance", "text/plain", {"Retry-After": when})
                elif path.startswith("/redirect-chain"):
                    n = int(path.rsplit("/", 1)[1]) if path.count("/") == 2 else 3
                    target = f"/redirect-chain/{n - 1}" if n > 1 else "/feeds/feed0.xml"
                    self._send(301, b"", "text/plain", {"Location": target})
                elif path == "/redirect-loop":
                    self._send(302, b"", "text/plain", {"Location": "/redirect-loop-b"})
                elif path == "/redirect-loop-b":
                    self._send(302, b"", "text/plain", {"Location": "/redirect-loop"})
                elif path == "/redirect-to-169.254.169.254":
                    self._send(302, b"", "text/plain", {"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"})
                elif path == "/redirect-to-file":
                    self._send(302, b"", "text/plain", {"Location": "file:///etc/passwd"})
                elif path == "/big":  # 50 MB, no Content-Length: the client must count and hang up
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    self.close_connection = True
                    chunk = b"<!-- padding -->" * 4096
                    try:
                        while o.big_written < 50_000_000 and not o.stop.is_set():
                            self.wfile.write(chunk)
                            o.big_written += len(chunk)
                    except OSError:
                        return
                elif path == "/gzip-bomb":
                    self._send(200, o.gzip_bomb(), headers={"Content-Encoding": "gzip"})
                elif path == "/empty":
                    self._send(200, b"")
                elif path == "/html":
                    self._send(200, b"<!doctype html><html><head><title>Home</title><link rel=alternate type=application/rss+xml href=/feed></head>"
                               b"<body><h1>Welcome</h1></body></html>", "text/html; charset=utf-8")
                elif path == "/malformed":
                    self._send(200, b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><title>Unclosed & bad</tit'
                               b"<<<>>> \x00\x01 </rss")
                elif path == "/wrong-charset":  # declares UTF-8, sends Latin-1
                    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\u00e9</title>'
                            '<item><title>Caf\u00e9 na\u00efve r\u00e9sum\u00e9 of the week</title><link>{BASE}/article/charset</link>'
                            f'<guid>urn:charset:1</guid><pubDate>{email.utils.format_datetime(o.DAY)}</pubDate>'
                            "<description>D\u00e9j\u00e0 vu.</description></item></channel></rss>").encode("latin-1")
                    self._send(200, self._fill(body), "application/rss+xml; charset=utf-8")
                elif path == "/wrong-charset-2":  # declares Latin-1, sends UTF-8
                    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
                            '<item><title>Caf\u00e9 na\u00efve \u201cquoted\u201d r\u00e9sum\u00e9</title><link>{BASE}/article/charset2</link>'
                            f'<guid>urn:charset:2</guid><pubDate>{email.utils.format_datetime(o.DAY)}</pubDate></item></channel></rss>').encode()
                    self._send(200, self._fill(body), "application/rss+xml; charset=iso-8859-1")
                elif path == "/binary":
                    self._send(200, o.binary, "application/pdf")
                elif path == "/deep-nesting":
                    self._send(200, b"<html><body>" + b"<div>" * 100_000 + b"text " * 50 + b"</div>" * 100_000 + b"</body></html>", "text/html")
                elif path == "/xml-bomb":  # billion laughs: 10^9 "lol"s if entities were expanded
                    ents = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">' for i in range(1, 10))
                    self._send(200, self._fill((f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>x</title>'
                                                '<item><title>Bomb &lol9;</title><link>{BASE}/article/bomb</link><guid>urn:bomb</guid></item>'
                                                "</channel></rss>").encode()))
                elif path == "/xxe":  # an external entity naming a local file
                    self._send(200, self._fill(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                                b'<rss version="2.0"><channel><title>x</title><item><title>XXE &xxe;</title>'
                                                b"<description>Body &xxe;</description><link>{BASE}/article/xxe</link><guid>urn:xxe</guid></item>"
                                                b"</channel></rss>"))
                elif path == "/control-chars":  # a JSON Feed may carry any code point, XML-invalid ones included
                    item = {"id": "urn:ctrl:1", "url": "{BASE}/article/ctrl", "date_published": "2026-11-20T03:00:00Z",
                            "title": "Control\u0001chars \u001b[31mred\u001b[0m \u202eevil\u202c \u200bzero \ud800lone \ufffe end",
                            "summary": "Sum\u0000mary with a bell \u0007 and a lone \udc00 surrogate.",
                            "content_html": "<p>Text \u000b with \u001f controls \ud83d and a real emoji \U0001f600.</p>"}
                    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Ctrl", "items": [item]})
                    self._send(200, self._fill(body.encode()), "application/feed+json")
                elif path == "/429-long":
                    self._send(429, b"slow down", "text/plain", {"Retry-After": "8640000"})
                elif path.startswith("/hostile-page/"):
                    self._send(200, self._fill(HOSTILE_PAGE_BODY.encode()), "text/html; charset=utf-8")
                elif path.startswith("/article/"):
                    if o.page_delay:
                        time.sleep(o.page_delay)
                    big = path.startswith("/article/big-")
                    self._send(200, article_page(path.rsplit("/", 1)[1].replace("-", " "), n=40 if big else 5, size=8 if big else 1),
                               "text/html; charset=utf-8")
                elif path == "/pixel.gif" or path.startswith("/secret"):
                    self._send(200, b"GIF89a", "image/gif")
                elif (body := o.feed_body(path)) is not None:
                    self._send(200, self._fill(body))
                elif o.root and (file := (o.root / path.lstrip("/")).resolve()).is_file() and o.root in file.parents:
                    ctype = "application/feed+json" if file.suffix == ".json" else "text/html; charset=utf-8" if file.suffix == ".html" else "application/rss+xml"
                    etag = f'"{zlib.crc32(file.read_bytes()):08x}"'
                    if self.headers.get("If-None-Match") == etag:
                        self._send(304, b"", ctype, {"ETag": etag})
                    else:
                        self._send(200, self._fill(file.read_bytes()), ctype, {"ETag": etag})
                else:
                    self._send(404, b"not found", "text/plain")

        return Handler


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    import socket

    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """aiosmtpd on loopback; ``mode`` is one of ok, 421-once, 451-once, 550, drop-once, slow, auth-echo."""

    def __init__(self, mode: str = "ok", delay: float = 0.0, port: int = 0):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.mode = mode
        self.delay = delay
        self.accepted: Counter[str] = Counter()  # recipient -> messages accepted (250 sent)
        self.message_ids: dict[str, list[str]] = {}
        self.data_started = 0  # DATA commands that reached the handler
        self.failures_left = 1
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
                sink.data_started += 1
                if sink.mode in ("421-once", "451-once", "drop-once") and sink.failures_left > 0:
                    sink.failures_left -= 1
                    if sink.mode == "drop-once":
                        server.transport.close()  # the connection drops mid-DATA
                        return "421 dropped"
                    return "421 4.3.2 Service shutting down, try later" if sink.mode == "421-once" else "451 4.3.0 Temporary local problem, try later"
                if sink.mode == "550" and any(r.lower().startswith("reject") for r in envelope.rcpt_tos):
                    return "550 5.7.1 Message rejected as spam"
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                if server.transport is None or server.transport.is_closing():
                    return "421 client gone"  # the client never hears 250: not accepted
                msg = email.message_from_bytes(envelope.original_content or envelope.content)
                for rcpt in envelope.rcpt_tos:
                    sink.accepted[rcpt.lower()] += 1
                    sink.message_ids.setdefault(rcpt.lower(), []).append(msg.get("Message-ID", ""))
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            if sink.mode == "auth-echo":  # a careless server that quotes the password back in its error
                secret = getattr(auth_data, "password", b"") or b""
                secret = secret.decode() if isinstance(secret, bytes) else str(secret)
                return AuthResult(success=False, handled=False, message=f"535 5.7.8 Authentication failed for password {secret}")
            return AuthResult(success=True)

        kwargs: dict[str, Any] = {"auth_require_tls": False, "authenticator": authenticator}
        self.port = port or closed_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class SilentServer:
    """Accepts TCP connections and never says a word (a hung SMTP server); closes them on exit."""

    def __init__(self) -> None:
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[Any] = []
        self.accepted = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.conns.append(conn)

    def __enter__(self) -> SilentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()
