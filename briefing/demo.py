"""The offline demo: a loopback HTTP server over the shipped demo corpus, and a run over it.

The corpus (``briefing/demo_corpus``) writes every absolute URL as ``{BASE}``; the server replaces
it with its own address, so feeds, links and pages are consistent whatever port it gets.
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "demo_corpus"
DEMO_DATE = "2026-11-20"
PLACEHOLDER_HOST = "127.0.0.1:8765"


def send_with_etag(handler: BaseHTTPRequestHandler, body: bytes, ctype: str) -> bool:
    """Answer 200 with an ETag, or 304 when the client already has this body; True when 304."""
    etag = f'"{zlib.crc32(body):08x}"'
    if handler.headers.get("If-None-Match") == etag:
        handler.send_response(304)
        handler.send_header("ETag", etag)
        handler.end_headers()
        return True
    handler.send_response(200)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("ETag", etag)
    handler.end_headers()
    handler.wfile.write(body)
    return False


def _handler(root: Path, base: list[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "briefing-demo/1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            rel = self.path.split("?", 1)[0].lstrip("/")
            path = (root / rel).resolve()
            if root not in path.parents or not path.is_file():
                self.send_error(404)
                return
            body = path.read_bytes()
            if path.suffix in (".xml", ".json", ".html", ".toml", ".svg"):
                body = body.replace(b"{BASE}", base[0].encode()).replace(PLACEHOLDER_HOST.encode(), base[0].split("//", 1)[1].encode())
            ctype = {
                ".xml": "application/xml; charset=utf-8",
                ".json": "application/feed+json; charset=utf-8",
                ".html": "text/html; charset=utf-8",
                ".svg": "image/svg+xml",
            }.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            send_with_etag(self, body, ctype)

        def log_message(self, format: str, *args: object) -> None:  # silence
            pass

    return Handler


@contextmanager
def serve(root: Path = CORPUS) -> Iterator[str]:
    """Serve ``root`` on an ephemeral loopback port; yields the base URL."""
    base = [""]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root.resolve(), base))
    base[0] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base[0]
    finally:
        server.shutdown()
        server.server_close()


def demo_config_text(base: str) -> str:
    return (CORPUS / "demo.toml").read_text(encoding="utf-8").replace("{BASE}", base).replace(
        f"http://{PLACEHOLDER_HOST}", base
    )


@contextmanager
def demo_workspace(out_dir: Path, state_dir: Path | None = None) -> Iterator[tuple[str, Path, dict]]:
    """Serve the corpus and write a config pointing at it; yields (base URL, config path, overrides)."""
    tmp = Path(tempfile.mkdtemp(prefix="briefing-demo-"))
    try:
        with serve() as base:
            cfg_path = tmp / "feeds.toml"
            cfg_path.write_text(demo_config_text(base), encoding="utf-8")
            overrides = {
                "paths": {
                    "state_dir": str(state_dir or tmp / "state"),
                    "output_dir": str(Path(out_dir).resolve()),
                    "cache_dir": str(tmp / "cache"),
                },
                "fetch": {"allow_private": True},
            }
            yield base, cfg_path, overrides
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
