"""Delivery against a real SMTP server on loopback (aiosmtpd) with STARTTLS and AUTH.

The server's certificate is self-signed and generated per test module with ``openssl``; the client
verifies it through ``[smtp] ca_file``. What arrived is parsed with the email package.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from email import message_from_bytes, policy
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import pytest
from _email_digest import make_cfg, make_digest

from briefing.deliver import SmtpSetupError, build_message, deliver_digest, message_id, write_digest_eml
from briefing.errors import EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL
from briefing.models import Digest
from briefing.render_email import render_email
from briefing.store import Store

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is a dev dependency: pip install -e '.[dev]'")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

USER, PASSWORD = "mailer", "s3cret-Pa55"
ADDRESSES = ["ada@example.org", "grace@example.net", "linus@example.com", "barbara@example.org"]


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make the test server's self-signed certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


class Recorder:
    """An aiosmtpd handler that keeps what arrived and misbehaves on request."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.reject: dict[str, str] = {}  # address -> RCPT reply (e.g. 550)
        self.reject_sender: str | None = None  # MAIL FROM reply
        self.fail_data_once: dict[str, str] = {}  # address -> DATA reply, only the first time
        self.drop_once: set[str] = set()  # address -> drop the connection at DATA, first time
        self.fail_data_always: dict[str, str] = {}
        self.data_calls = 0
        self.block_on: str | None = None  # hold DATA for this address until released (crash tests)
        self.blocked = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.reject_sender:
            return self.reject_sender
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return self.reject[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        rcpt = envelope.rcpt_tos[0]
        if rcpt in self.drop_once:
            self.drop_once.discard(rcpt)
            server.transport.close()
            return "421 dropped"
        if rcpt in self.fail_data_once:
            return self.fail_data_once.pop(rcpt)
        if rcpt in self.fail_data_always:
            return self.fail_data_always[rcpt]
        self.messages.append({
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.original_content or envelope.content,
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": session.authenticated,
        })
        if rcpt == self.block_on:  # queued, but the 250 is held back until released
            self.block_on = None
            self.blocked.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 2.0.0 queued"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(certs):
    cert, key = certs
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Recorder()
    port = _free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=ctx, require_starttls=True,
        authenticator=_authenticator, auth_require_tls=True, auth_exclude_mechanism=["CRAM-MD5"],
    )
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def ssl_server(certs):
    """Implicit TLS (port 465 style)."""
    cert, key = certs
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Recorder()
    port = _free_port()
    # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; the whole session is TLS here.
    controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=ctx,
                            authenticator=_authenticator, auth_require_tls=False)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture(autouse=True)
def smtp_password(monkeypatch):
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", PASSWORD)


def cfg_for(port: int, certs, *, security: str = "starttls", addresses=ADDRESSES, **extra):
    cert, _ = certs
    over = {
        "briefing": {"site_url": "https://news.example.org"},
        "email": {
            "enabled": True, "sender": "AI Briefing <briefing@news.example.org>",
            "unsubscribe_url": "https://news.example.org/unsubscribe",
        },
        "smtp": {"host": "127.0.0.1", "port": port, "security": security, "user": USER,
                 "ca_file": str(cert), "max_attempts": 3, "timeout": 10.0},
        "subscribers": [{"address": a, "name": f"Reader {i}", "format": "brief" if i == 1 else "full"}
                        for i, a in enumerate(addresses)],
    }
    for k, v in extra.items():
        over.setdefault(k, {}).update(v)
    return make_cfg(over)


def parse(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "state.db") as s:
        yield s


def test_one_message_per_subscriber_with_all_headers(server, certs, store):
    handler, port = server
    cfg = cfg_for(port, certs)
    digest = make_digest()
    report = deliver_digest(digest, cfg, store, sleep=lambda s: None)
    assert report.exit_code == EXIT_OK and sorted(report.sent) == sorted(ADDRESSES)
    assert len(handler.messages) == len(ADDRESSES)
    ids = set()
    for got in handler.messages:
        assert got["tls"] and got["authenticated"], "mail must go over STARTTLS after AUTH"
        assert got["mail_from"] == "briefing@news.example.org"
        assert len(got["rcpt_tos"]) == 1
        msg = parse(got["data"])
        to = getaddresses(msg.get_all("To"))
        assert [a for _, a in to] == got["rcpt_tos"], "To names exactly the one envelope recipient"
        assert msg["Cc"] is None and msg["Bcc"] is None
        raw = got["data"].decode("utf-8", "replace")
        for other in ADDRESSES:
            if other != got["rcpt_tos"][0]:
                assert other not in raw, "one subscriber's message must not mention another's address"
        assert msg.get_content_type() == "multipart/alternative"
        parts = list(msg.iter_parts())
        assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
        assert all(p.get_content_charset() == "utf-8" for p in parts)
        text, html = parts[0].get_content(), parts[1].get_content()
        assert "Zürich" in text and "Zürich" in html, "UTF-8 survives the trip"
        assert "AT&T <and> everyone" in text and "AT&amp;T &lt;and&gt;" in html
        assert 'name="color-scheme"' in html and "prefers-color-scheme: dark" in html
        assert len(html.encode()) <= cfg.email.max_html_bytes
        assert len(parts[1].get_payload()) <= cfg.email.max_html_bytes, "the encoded HTML part is under budget too"
        mid = msg["Message-ID"]
        assert mid.startswith("<") and mid.endswith("@news.example.org>")
        ids.add(mid)
        assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
        assert msg["List-Id"] == '"AI Briefing" <ai-briefing.news.example.org>'
        unsub = msg["List-Unsubscribe"]
        assert "<https://news.example.org/unsubscribe?address=" in unsub and "<mailto:briefing@news.example.org?subject=" in unsub
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["Subject"] == "AI Briefing for 2026-11-23"
        assert "https://news.example.org/2026-11-23.html" in html and "Read on the web" in html
        assert "display:none" in html.split("<table", 1)[0], "preheader comes first, hidden"
    assert len(ids) == len(ADDRESSES), "Message-IDs are unique per subscriber"
    brief = next(parse(m["data"]) for m in handler.messages if m["rcpt_tos"] == [ADDRESSES[1]])
    assert "Key Takeaways" not in brief.get_body(("html",)).get_content(), "brief format has no takeaways list"
    assert all(r["status"] == "sent" for r in store.deliveries("2026-11-23"))


def test_rerun_same_day_sends_nothing(server, certs, store):
    handler, port = server
    cfg = cfg_for(port, certs)
    digest = make_digest()
    deliver_digest(digest, cfg, store, sleep=lambda s: None)
    n = len(handler.messages)
    again = deliver_digest(digest, cfg, store, sleep=lambda s: None)
    assert again.sent == [] and sorted(again.skipped) == sorted(ADDRESSES)
    assert len(handler.messages) == n and handler.data_calls == n
    assert again.exit_code == EXIT_OK


def test_temporary_451_is_retried_with_backoff(server, certs, store):
    handler, port = server
    handler.fail_data_once[ADDRESSES[0]] = "451 4.3.0 try again later"
    handler.drop_once.add(ADDRESSES[2])
    cfg = cfg_for(port, certs)
    delays: list[float] = []
    report = deliver_digest(make_digest(), cfg, store, sleep=delays.append)
    assert sorted(report.sent) == sorted(ADDRESSES) and not report.deferred and not report.failed
    assert delays == [cfg.smtp.retry_delay, cfg.smtp.retry_delay], "one backoff for the 451, one for the dropped connection"
    assert sorted(m["rcpt_tos"][0] for m in handler.messages) == sorted(ADDRESSES)
    assert store.delivery("2026-11-23", ADDRESSES[0])["attempts"] == 2


def test_permanent_550_is_recorded_and_others_still_sent(server, certs, store):
    handler, port = server
    handler.reject[ADDRESSES[1]] = "550 5.1.1 <grace@example.net>: mailbox unavailable"
    cfg = cfg_for(port, certs)
    delays: list[float] = []
    report = deliver_digest(make_digest(), cfg, store, sleep=delays.append)
    assert delays == [], "a permanent failure is not retried"
    assert list(report.failed) == [ADDRESSES[1]] and "550" in report.failed[ADDRESSES[1]]
    assert sorted(report.sent) == sorted(set(ADDRESSES) - {ADDRESSES[1]})
    assert report.exit_code == EXIT_PARTIAL
    assert report.problems() == [f"mail to {ADDRESSES[1]} failed: 550 5.1.1 <grace@example.net>: mailbox unavailable"]
    row = store.delivery("2026-11-23", ADDRESSES[1])
    assert row["status"] == "failed" and "mailbox unavailable" in row["error"]
    assert PASSWORD not in (row["error"] or "") and PASSWORD not in report.summary()
    # the next run does not hammer the refused address, nor resend to the others
    again = deliver_digest(make_digest(), cfg, store, sleep=delays.append)
    assert again.sent == [] and ADDRESSES[1] in again.failed and len(handler.messages) == 3


def test_partial_failure_then_rerun_sends_only_the_missing(server, certs, store):
    handler, port = server
    handler.fail_data_always[ADDRESSES[2]] = "452 4.2.2 mailbox full, try later"
    handler.fail_data_always[ADDRESSES[3]] = "421 4.3.2 service shutting down"
    cfg = cfg_for(port, certs)
    delays: list[float] = []
    first = deliver_digest(make_digest(), cfg, store, sleep=delays.append)
    assert sorted(first.sent) == sorted(ADDRESSES[:2])
    assert sorted(first.deferred) == sorted(ADDRESSES[2:]) and first.exit_code == EXIT_PARTIAL
    assert delays == [5.0, 10.0, 5.0, 10.0], "exponential backoff, max_attempts = 3 per message"
    assert store.delivery("2026-11-23", ADDRESSES[2])["status"] == "deferred"
    assert any("deferred (sent by the next run): 452 4.2.2 mailbox full" in p for p in first.problems())
    handler.fail_data_always.clear()
    second = deliver_digest(make_digest(), cfg, store, sleep=delays.append)
    assert sorted(second.sent) == sorted(ADDRESSES[2:]) and sorted(second.skipped) == sorted(ADDRESSES[:2])
    assert sorted(m["rcpt_tos"][0] for m in handler.messages) == sorted(ADDRESSES), "every address exactly once"


def test_crash_mid_send_resends_with_the_same_message_id(server, certs, store):
    """A 'pending' row is what a crash between DATA and the 250 leaves behind."""
    handler, port = server
    cfg = cfg_for(port, certs)
    mid = message_id(cfg, "2026-11-23", ADDRESSES[0])
    store.record_delivery("2026-11-23", ADDRESSES[0], mid, "pending", 1, None)
    store.record_delivery("2026-11-23", ADDRESSES[1], message_id(cfg, "2026-11-23", ADDRESSES[1]), "sent", 1, None)
    report = deliver_digest(make_digest(), cfg, store, sleep=lambda s: None)
    assert report.resent == [ADDRESSES[0]] and report.skipped == [ADDRESSES[1]]
    got = {m["rcpt_tos"][0]: parse(m["data"]) for m in handler.messages}
    assert ADDRESSES[1] not in got
    assert got[ADDRESSES[0]]["Message-ID"] == mid
    assert store.delivery("2026-11-23", ADDRESSES[0])["attempts"] == 2


def test_server_unreachable_defers_everyone_quickly(certs, store):
    cfg = cfg_for(_free_port(), certs)  # nothing listens there
    delays: list[float] = []
    report = deliver_digest(make_digest(), cfg, store, sleep=delays.append)
    assert sorted(report.deferred) == sorted(ADDRESSES) and not report.sent
    assert len(delays) == cfg.smtp.max_attempts - 1, "backoff spent once, not once per subscriber"
    assert {r["status"] for r in store.deliveries("2026-11-23")} == {"deferred"}


def test_wrong_password_is_a_setup_error_without_the_password(server, certs, store, monkeypatch):
    _, port = server
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with pytest.raises(SmtpSetupError) as err:
        deliver_digest(make_digest(), cfg_for(port, certs), store, sleep=lambda s: None)
    assert "refused the login" in str(err.value) and PASSWORD not in str(err.value)
    assert store.deliveries("2026-11-23") == []


def test_refused_sender_stops_the_run_instead_of_failing_every_address(server, certs, store):
    handler, port = server
    handler.reject_sender = "553 5.7.1 sender address not allowed"
    with pytest.raises(SmtpSetupError, match="refused the sender briefing@news.example.org: 553"):
        deliver_digest(make_digest(), cfg_for(port, certs), store, sleep=lambda s: None)
    rows = store.deliveries("2026-11-23")
    assert [r["status"] for r in rows] == ["deferred"], "no address is marked failed for the server's refusal"
    handler.reject_sender = None
    report = deliver_digest(make_digest(), cfg_for(port, certs), store, sleep=lambda s: None)
    assert sorted(report.sent) == sorted(ADDRESSES)


def test_untrusted_certificate_is_a_setup_error(server, certs, store, tmp_path):
    _, port = server
    cfg = cfg_for(port, certs)
    cfg.smtp.ca_file = ""  # system CAs do not know our self-signed certificate
    with pytest.raises(SmtpSetupError, match="not trusted"):
        deliver_digest(make_digest(), cfg, store, sleep=lambda s: None)


def test_verify_false_accepts_an_unknown_certificate(server, certs, store):
    handler, port = server
    cfg = cfg_for(port, certs, addresses=ADDRESSES[:1])
    cfg.smtp.ca_file, cfg.smtp.verify = "", False
    assert deliver_digest(make_digest(3), cfg, store).sent == ADDRESSES[:1] and handler.messages[0]["tls"]


def test_missing_password_env_names_the_variable(server, certs, store, monkeypatch):
    _, port = server
    monkeypatch.delenv("BRIEFING_SMTP_PASSWORD")
    with pytest.raises(SmtpSetupError, match="BRIEFING_SMTP_PASSWORD"):
        deliver_digest(make_digest(), cfg_for(port, certs), store, sleep=lambda s: None)


def test_implicit_tls(ssl_server, certs, store):
    handler, port = ssl_server
    report = deliver_digest(make_digest(), cfg_for(port, certs, security="ssl", addresses=ADDRESSES[:1]), store)
    assert report.sent == ADDRESSES[:1] and handler.messages[0]["tls"] and handler.messages[0]["authenticated"]


def test_no_new_stories_no_email(server, certs, store):
    handler, port = server
    empty = Digest(date="2026-11-23", title="AI Briefing", continuing_no_news=2)
    report = deliver_digest(empty, cfg_for(port, certs), store)
    assert report.empty and report.exit_code == EXIT_NOTHING and handler.data_calls == 0
    cfg = cfg_for(port, certs, briefing={"send_empty": True})
    report = deliver_digest(empty, cfg, store)
    assert len(report.sent) == len(ADDRESSES)
    assert "No new stories today" in parse(handler.messages[0]["data"]).get_body(("plain",)).get_content()


def test_dry_run_writes_eml_files_and_sends_nothing(server, certs, store, tmp_path):
    handler, port = server
    cfg = cfg_for(port, certs)
    report = deliver_digest(make_digest(), cfg, store, dry_run=True, out_dir=tmp_path / "eml")
    assert handler.data_calls == 0 and store.deliveries("2026-11-23") == []
    names = sorted(p.name for p in report.files)
    assert names == sorted(f"2026-11-23-{a}.eml" for a in ADDRESSES)
    msg = parse((tmp_path / "eml" / "2026-11-23-ada@example.org.eml").read_bytes())
    assert msg["To"] == "Reader 0 <ada@example.org>" and msg.get_content_type() == "multipart/alternative"
    generic = write_digest_eml(make_digest(), cfg, tmp_path / "site")
    assert generic.name == "2026-11-23.eml"
    gm = parse(generic.read_bytes())
    assert gm["List-Unsubscribe"] and "?address=" not in gm["List-Unsubscribe"]


def test_message_ids_differ_across_days_and_addresses():
    cfg = make_cfg({"email": {"sender": "B <b@x.org>"}})
    ids = {message_id(cfg, d, a) for d in ("2026-11-23", "2026-11-24") for a in ADDRESSES}
    assert len(ids) == 8
    assert message_id(cfg, "2026-11-23", "Ada@Example.org") == message_id(cfg, "2026-11-23", "ada@example.org")


def test_one_click_header_only_with_https(certs):
    cfg = make_cfg({"email": {"sender": "B <b@x.org>", "unsubscribe_mailto": "leave@x.org"}})
    rendered = render_email(make_digest(3), cfg=cfg, subscriber=None)
    msg = build_message(rendered, to="ada@example.org", cfg=cfg, digest_date="2026-11-23")
    assert msg["List-Unsubscribe"] == "<mailto:leave@x.org?subject=unsubscribe>"
    assert msg["List-Unsubscribe-Post"] is None


def test_cli_send_and_preview(server, certs, store, tmp_path):
    from briefing.deliver import cli_preview, cli_send
    from briefing.errors import BriefingError

    handler, port = server
    cfg = cfg_for(port, certs)
    out: list[str] = []
    assert cli_send(cfg, store, make_digest(), dry_run=True, out_dir=tmp_path / "dry", echo=out.append) == EXIT_OK
    assert "dry run, 4 message(s) written" in out[-1] and handler.data_calls == 0
    assert cli_send(cfg, store, make_digest(), echo=out.append) == EXIT_OK
    assert out[-1].startswith("2026-11-23: sent 4") and len(handler.messages) == 4
    assert cli_send(cfg, store, make_digest(), echo=out.append) == EXIT_OK
    assert "sent 0, 4 already sent earlier" in out[-1] and len(handler.messages) == 4

    path = tmp_path / "preview.html"
    assert cli_preview(cfg, make_digest(), out_path=path, fmt="brief", echo=out.append) == EXIT_OK
    assert out[-1] == str(path.resolve()) and "Covered by" in path.read_text() and path.with_suffix(".txt").exists()
    assert cli_preview(cfg, make_digest(), out_path=path, address=ADDRESSES[1], echo=out.append) == EXIT_OK
    assert "grace@example.net subscribed" in path.read_text()

    off = cfg_for(port, certs, email={"enabled": False})
    with pytest.raises(BriefingError, match="email is disabled"):
        cli_send(off, store, make_digest(), echo=out.append)
    none = cfg_for(port, certs, addresses=[])
    with pytest.raises(BriefingError, match="no subscribers"):
        cli_send(none, store, make_digest(), echo=out.append)


def test_subscribers_from_feeds_toml_and_a_separate_file(server, certs, store, tmp_path):
    from briefing.config import load_config

    handler, port = server
    cert, _ = certs
    (tmp_path / "subscribers.toml").write_text(
        '[[subscribers]]\naddress = "file1@example.org"\n\n[[subscribers]]\naddress = "file2@example.org"\nformat = "brief"\n',
        encoding="utf-8",
    )
    (tmp_path / "feeds.toml").write_text(
        f"""
[email]
enabled = true
sender = "Briefing <briefing@news.example.org>"
subscribers_file = "subscribers.toml"

[smtp]
host = "127.0.0.1"
port = {port}
user = "{USER}"
ca_file = "{cert}"

[[subscribers]]
address = "inline@example.org"
name = "Inline Reader"
""",
        encoding="utf-8",
    )
    cfg = load_config(tmp_path / "feeds.toml")
    report = deliver_digest(make_digest(5), cfg, store)
    assert sorted(report.sent) == ["file1@example.org", "file2@example.org", "inline@example.org"]
    assert sorted(m["rcpt_tos"][0] for m in handler.messages) == sorted(report.sent)


CRASH_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[3])
from _email_digest import make_digest
from briefing.config import load_config
from briefing.deliver import deliver_digest
from briefing.store import Store
with Store(sys.argv[2]) as store:
    deliver_digest(make_digest(), load_config(sys.argv[1]), store)
"""


def test_killed_mid_send_then_rerun_resends_only_the_unconfirmed(server, certs, tmp_path):
    """A real crash: the sending process is SIGKILLed while the server holds the second message."""
    handler, port = server
    cert, _ = certs
    subs = "".join(f'[[subscribers]]\naddress = "{a}"\n\n' for a in ADDRESSES)
    (tmp_path / "feeds.toml").write_text(
        f'[email]\nenabled = true\nsender = "B <b@news.example.org>"\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\nca_file = "{cert}"\n\n{subs}',
        encoding="utf-8",
    )
    db = tmp_path / "state.db"
    handler.block_on = ADDRESSES[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(tmp_path / "feeds.toml"), str(db), str(Path(__file__).parent)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        assert handler.blocked.wait(60), proc.stderr.read().decode() if proc.poll() is not None else "sender never reached DATA"
    finally:
        proc.kill()
        proc.wait(10)
    handler.release.set()  # the server had queued it; the client died before it could hear 250
    with Store(db) as store:
        assert store.delivery("2026-11-23", ADDRESSES[0])["status"] == "sent"
        assert store.delivery("2026-11-23", ADDRESSES[1])["status"] == "pending"
        assert store.delivery("2026-11-23", ADDRESSES[2]) is None
        from briefing.config import load_config

        report = deliver_digest(make_digest(), load_config(tmp_path / "feeds.toml"), store)
    assert report.skipped == [ADDRESSES[0]] and report.resent == [ADDRESSES[1]]
    assert sorted(report.sent) == sorted(ADDRESSES[1:])
    got: dict[str, list[str]] = {}
    for m in handler.messages:
        got.setdefault(m["rcpt_tos"][0], []).append(parse(m["data"])["Message-ID"])
    assert {a: len(v) for a, v in got.items()} == {ADDRESSES[0]: 1, ADDRESSES[1]: 2, ADDRESSES[2]: 1, ADDRESSES[3]: 1}
    assert len(set(got[ADDRESSES[1]])) == 1, "the resend carries the same Message-ID, so clients show it once"
