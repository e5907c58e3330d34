"""Deliver a digest by email: one message per subscriber, exactly once per (date, address).

Exactly once, and what happens after a crash
--------------------------------------------
Every delivery is a row in the ``deliveries`` table keyed by (digest date, address):

- ``pending``  written (with the Message-ID) just before the message goes to the SMTP server;
- ``sent``     written right after the server accepted it (250 after DATA);
- ``deferred`` temporary failures (4xx, refused or dropped connections) outlasted ``[smtp] max_attempts``;
- ``failed``   the server refused it permanently (5xx); the server's reply is kept.

A later run for the same date skips ``sent`` and ``failed`` rows (``retry_failed=True`` retries the
latter) and sends ``deferred`` ones, so after a partial failure only the missing mail goes out.
A ``pending`` row means the process died (or the connection dropped) between handing the message
to the server and hearing back: the server may or may not have it. We resend it with the SAME
Message-ID. Losing a digest silently is worse than a duplicate, and the duplicate carries the
same Message-ID, which Gmail and most clients use to show it once. This window is one SMTP
round trip per message.

Passwords come only from the environment variable named by ``[smtp] password_env`` and never
appear in errors, reports or files.
"""

from __future__ import annotations

import hashlib
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any

from .errors import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL, BriefingError
from .models import Digest, RenderedEmail

SmtpFactory = Callable[[Any], Any]  # cfg -> connected (and logged in) smtplib.SMTP-like object


class SmtpSetupError(BriefingError):
    """The SMTP server cannot be used as configured (TLS, auth): retrying will not help."""


@dataclass
class DeliveryReport:
    date: str
    sent: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)  # had a 'pending' row: resent with the same Message-ID
    skipped: list[str] = field(default_factory=list)  # already sent by an earlier run
    failed: dict[str, str] = field(default_factory=dict)  # permanent failures: address -> server reply
    deferred: dict[str, str] = field(default_factory=dict)  # temporary failures left: sent by the next run
    files: list[Path] = field(default_factory=list)  # .eml files written (dry run)
    empty: bool = False  # no new stories and [briefing] send_empty = false: nothing to send
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        if self.empty:
            return EXIT_NOTHING
        if self.failed or self.deferred:
            return EXIT_PARTIAL if (self.sent or self.skipped) else EXIT_FAILED
        return EXIT_OK

    def problems(self) -> list[str]:
        """One line per address that did not get the digest, for the run summary."""
        return [f"mail to {a} failed: {e}" for a, e in self.failed.items()] + [
            f"mail to {a} deferred (sent by the next run): {e}" for a, e in self.deferred.items()
        ]

    def summary(self) -> str:
        if self.empty:
            return f"{self.date}: no new stories; no email sent ([briefing] send_empty = false)"
        if self.dry_run:
            return f"{self.date}: dry run, {len(self.files)} message(s) written: " + ", ".join(str(p) for p in self.files)
        parts = [f"{self.date}: sent {len(self.sent)}"]
        if self.resent:
            parts.append(f"{len(self.resent)} of them resent after an interrupted run")
        if self.skipped:
            parts.append(f"{len(self.skipped)} already sent earlier")
        lines = [", ".join(parts)]
        lines += [f"  failed (permanent) {a}: {e}" for a, e in self.failed.items()]
        lines += [f"  deferred (will retry on the next run) {a}: {e}" for a, e in self.deferred.items()]
        return "\n".join(lines)


# -- building messages ------------------------------------------------------------------------

def sender_domain(cfg: Any) -> str:
    address = parseaddr(cfg.email.sender)[1]
    return address.rpartition("@")[2].strip().lower() or "localhost"


def message_id(cfg: Any, digest_date: str, address: str) -> str:
    """Deterministic per (sender, date, address): unique across days and subscribers, stable on resend."""
    key = f"{parseaddr(cfg.email.sender)[1].lower()}|{digest_date}|{address.strip().lower()}"
    return f"<briefing.{digest_date}.{hashlib.sha256(key.encode()).hexdigest()[:24]}@{sender_domain(cfg)}>"


def list_id(cfg: Any, title: str) -> str:
    """RFC 2919 List-Id: ``Title <id.domain>``; the id comes from ``[email] list_id`` or the title and sender domain."""
    ident = cfg.email.list_id.strip().strip("<>") if cfg.email.list_id else ""
    if not ident:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "briefing"
        ident = f"{slug}.{sender_domain(cfg)}"
    label = re.sub(r'[\r\n"<>]', "", title).strip()
    return f'"{label}" <{ident}>' if label else f"<{ident}>"


def build_message(
    rendered: RenderedEmail,
    *,
    to: str | None,
    cfg: Any,
    digest_date: str,
    site_url: str | None = None,
    to_name: str = "",
    msg_id: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """One multipart/alternative message (text first, HTML last, both UTF-8) for one recipient.

    ``to`` None makes a message for no one in particular (the .eml beside the web page).
    ``site_url`` is accepted for callers that know it; the web link itself is in ``rendered``.
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = cfg.email.sender
    msg["To"] = formataddr((to_name, to)) if to else "undisclosed-recipients:;"
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = msg_id or message_id(cfg, digest_date, to or "")
    msg["List-Id"] = list_id(cfg, rendered.title or cfg.briefing.title)
    links = [u for u in (rendered.unsubscribe_https, rendered.unsubscribe_mailto) if u]
    if links:
        msg["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in links)
    if rendered.unsubscribe_https:
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: only with an https URI
    if rendered.web_url or site_url:
        msg["List-Archive"] = f"<{rendered.web_url or site_url}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the sender
    msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def _safe_name(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", address)


def write_eml_files(messages: Iterable[tuple[str | None, EmailMessage]], out_dir: Path, digest_date: str) -> list[Path]:
    """Write messages as ``YYYY-MM-DD.eml`` (no address) or ``YYYY-MM-DD-<address>.eml``, atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for address, msg in messages:
        name = f"{digest_date}.eml" if not address else f"{digest_date}-{_safe_name(address)}.eml"
        path = out_dir / name
        tmp = path.with_suffix(".eml.tmp")
        tmp.write_bytes(msg.as_bytes(policy=policy.default))
        os.replace(tmp, path)
        paths.append(path)
    return paths


def write_digest_eml(digest: Digest, cfg: Any, out_dir: Path, *, render: Callable[..., RenderedEmail] | None = None) -> Path:
    """The generic ``YYYY-MM-DD.eml`` for ``[output] email_files`` (``[output] format``, no subscriber)."""
    render = render or _default_render()
    rendered = render(digest, fmt=cfg.output.format, subscriber=None, cfg=cfg)
    msg = build_message(rendered, to=None, cfg=cfg, digest_date=digest.date, site_url=digest.site_url)
    return write_eml_files([(None, msg)], out_dir, digest.date)[0]


def _default_render() -> Callable[..., RenderedEmail]:
    from .render_email import render_email  # the rendering half of the email stage

    return render_email


# -- SMTP -------------------------------------------------------------------------------------

def tls_context(cfg: Any) -> ssl.SSLContext:
    """System CAs, or ``[smtp] ca_file`` (relative to feeds.toml); ``verify = false`` turns checks off."""
    cafile = None
    if cfg.smtp.ca_file:
        path = Path(cfg.smtp.ca_file).expanduser()
        if not path.is_absolute():
            path = cfg.base_dir / path
        if not path.is_file():
            raise SmtpSetupError(f"smtp.ca_file {path} does not exist", hint="give the PEM file of the CA that signed the server's certificate")
        cafile = str(path)
    ctx = ssl.create_default_context(cafile=cafile)
    if not cfg.smtp.verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect_smtp(cfg: Any, env: Mapping[str, str] | None = None) -> smtplib.SMTP:
    """Open, secure and log in to the configured server; SmtpSetupError when configuration is wrong."""
    s = cfg.smtp
    env = os.environ if env is None else env
    password = None
    if s.user:
        password = env.get(s.password_env) if s.password_env else None
        if not password:
            raise SmtpSetupError(
                f"smtp.user is {s.user!r} but the environment variable {s.password_env or '(smtp.password_env is empty)'} holds no password",
                hint=f"export {s.password_env or 'BRIEFING_SMTP_PASSWORD'}=... in the service's environment; passwords are never read from feeds.toml",
            )
    ctx = tls_context(cfg) if s.security in ("ssl", "starttls") else None
    conn: smtplib.SMTP
    try:
        if s.security == "ssl":
            conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ctx)
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=ctx)
                conn.ehlo()
            if s.user:
                conn.login(s.user, password or "")
        except BaseException:
            conn.close()
            raise
    except ssl.SSLCertVerificationError as exc:
        raise SmtpSetupError(
            f"TLS certificate of {s.host}:{s.port} not trusted: {exc.verify_message}",
            hint="set [smtp] ca_file to the CA's PEM file (or host to the name in the certificate)",
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        if "AUTH" in str(exc):
            raise SmtpSetupError(
                f"{s.host}:{s.port} does not offer AUTH on this connection",
                hint='most servers offer AUTH only over TLS: use security = "starttls" (port 587) or "ssl" (port 465)',
            ) from None
        raise SmtpSetupError(
            f"{s.host}:{s.port} does not offer STARTTLS", hint='use security = "ssl" (usually port 465) or a server that offers STARTTLS'
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SmtpSetupError(
            f"{s.host}:{s.port} refused the login for {s.user!r}: {_redact(_reply(exc.smtp_code, exc.smtp_error), password)}",
            hint=f"check smtp.user and the password in ${s.password_env}",
        ) from None
    return conn


def _reply(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join((text or "").split())
    return f"{code} {text}".strip() if code else text


def classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent?, description). 5xx are permanent; 4xx, dropped and refused connections are temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (None, b""))
        return bool(code and 500 <= code < 600), _reply(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return bool(code and 500 <= code < 600), _reply(code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return False, f"connection dropped: {exc}" if str(exc) else "connection dropped"
    return False, f"{type(exc).__name__}: {exc}"


def _connection_usable(exc: BaseException) -> bool:
    """After a refused recipient or a 4xx/5xx reply smtplib has reset the transaction; 421 means the server hangs up."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code != 421 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPConnectError):
        return False
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code != 421


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


# -- the delivery loop ------------------------------------------------------------------------

def deliver_digest(
    digest: Digest,
    cfg: Any,
    store: Any,
    *,
    dry_run: bool = False,
    out_dir: Path | None = None,
    smtp_factory: SmtpFactory | None = None,
    sleep: Callable[[float], None] = time.sleep,
    render: Callable[..., RenderedEmail] | None = None,
    subscribers: list[Any] | None = None,
    retry_failed: bool = False,
    env: Mapping[str, str] | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeliveryReport:
    """Send ``digest`` to every subscriber who has not had it yet; see the module docstring.

    ``dry_run`` writes one ``YYYY-MM-DD-<address>.eml`` per subscriber into ``out_dir`` and neither
    connects nor records anything. Raises SmtpSetupError (nothing more is tried) when TLS or the
    login cannot work as configured; deliveries made before that stay recorded.
    """
    report = DeliveryReport(date=digest.date, dry_run=dry_run)
    if not digest.stories and not cfg.briefing.send_empty:
        report.empty = True
        return report
    render = render or _default_render()
    clock = now or (lambda: datetime.now(UTC))
    env = os.environ if env is None else env
    password = env.get(cfg.smtp.password_env) if cfg.smtp.password_env else None
    subs = _unique(cfg.subscribers if subscribers is None else subscribers)

    plans: dict = {}

    def message_for(sub: Any, msg_id: str) -> EmailMessage:
        rendered = render(digest, subscriber=sub, cfg=cfg, plan_cache=plans)
        return build_message(
            rendered, to=sub.address, to_name=sub.name, cfg=cfg, digest_date=digest.date,
            site_url=digest.site_url, msg_id=msg_id, now=clock(),
        )

    if dry_run:
        if out_dir is None:
            raise BriefingError("a dry run needs an output folder for the .eml files", hint="pass --out DIR")
        msgs = [(s.address, message_for(s, message_id(cfg, digest.date, s.address))) for s in subs]
        report.files = write_eml_files(msgs, Path(out_dir), digest.date)
        return report

    todo: list[tuple[Any, str, int, bool]] = []
    for sub in subs:
        row = store.delivery(digest.date, sub.address)
        if row and row["status"] == "sent":
            report.skipped.append(sub.address)
            continue
        if row and row["status"] == "failed" and not retry_failed:
            report.failed[sub.address] = f"{row['error']} (from an earlier run; not retried)"
            continue
        msg_id = row["message_id"] if row else message_id(cfg, digest.date, sub.address)
        todo.append((sub, msg_id, int(row["attempts"]) if row else 0, bool(row and row["status"] == "pending")))
    if not todo:
        return report

    factory = smtp_factory or (lambda c: connect_smtp(c, env))
    envelope_from = parseaddr(cfg.email.sender)[1]
    max_attempts = max(1, int(cfg.smtp.max_attempts))
    conn: Any = None
    try:
        for index, (sub, msg_id, prior, was_pending) in enumerate(todo):
            msg = message_for(sub, msg_id)
            attempt = 0
            while True:
                attempt += 1
                connected = conn is not None
                try:
                    if conn is None:
                        conn = factory(cfg)
                        connected = True
                    store.record_delivery(digest.date, sub.address, msg_id, "pending", prior + attempt, None)
                    conn.send_message(msg, from_addr=envelope_from, to_addrs=[sub.address])
                except SmtpSetupError:
                    raise
                except (smtplib.SMTPException, OSError) as exc:
                    permanent, why = classify(exc)
                    why = _redact(why, password)
                    if not _connection_usable(exc):
                        conn = _close(conn)  # dropped or closing: reconnect on the next attempt
                    if permanent and (not connected or isinstance(exc, smtplib.SMTPSenderRefused)):
                        # The server refuses us, not this recipient: every other message would fail
                        # the same way, so stop and say what to fix instead of failing each address.
                        store.record_delivery(digest.date, sub.address, msg_id, "deferred", prior + attempt, why)
                        what = f"the sender {envelope_from}" if connected else "the connection"
                        raise SmtpSetupError(
                            f"{cfg.smtp.host}:{cfg.smtp.port} refused {what}: {why}",
                            hint="check [email] sender (the server may only allow its own domain) and [smtp] host/port",
                        ) from None
                    if permanent:
                        store.record_delivery(digest.date, sub.address, msg_id, "failed", prior + attempt, why)
                        report.failed[sub.address] = why
                        break
                    if attempt >= max_attempts:
                        if not connected:
                            # The server cannot be reached at all: defer everyone left instead of
                            # spending max_attempts backoffs on each of them.
                            for s, mid, pr, _ in todo[index:]:
                                store.record_delivery(digest.date, s.address, mid, "deferred", pr + (attempt if s is sub else 0), why)
                                report.deferred[s.address] = why
                            return report
                        store.record_delivery(digest.date, sub.address, msg_id, "deferred", prior + attempt, why)
                        report.deferred[sub.address] = why
                        break
                    sleep(cfg.smtp.retry_delay * 2 ** (attempt - 1))
                    continue
                store.record_delivery(digest.date, sub.address, msg_id, "sent", prior + attempt, None)
                report.sent.append(sub.address)
                if was_pending:
                    report.resent.append(sub.address)
                break
    finally:
        _quit(conn)
    return report


def _unique(subs: Iterable[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for s in subs:
        key = s.address.strip().lower()
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _close(conn: Any) -> None:  # returns None so callers can write ``conn = _close(conn)``
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail in any way
            pass
    return None


def _quit(conn: Any) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except Exception:  # noqa: BLE001
        _close(conn)


# -- CLI entry points (wired by cli.py) ---------------------------------------------------------

def default_out_dir(cfg: Any) -> Path:
    """Where the run writes its output (``config.resolve_paths``), so `send --dry-run` and
    `preview` write beside the site the run wrote."""
    from .config import resolve_paths

    return resolve_paths(cfg).output


def cli_send(
    cfg: Any,
    store: Any,
    digest: Digest,
    *,
    dry_run: bool = False,
    out_dir: Path | None = None,
    retry_failed: bool = False,
    echo: Callable[[str], None] = print,
) -> int:
    """``briefing send [--date D] [--dry-run] [--out DIR] [--retry-failed]``: returns the exit code."""
    if not cfg.subscribers:
        raise BriefingError("no subscribers to send to", hint='add [[subscribers]] with address = "..." to feeds.toml, or set [email] subscribers_file')
    if not dry_run and not cfg.email.enabled:
        raise BriefingError("email is disabled", hint="set [email] enabled = true in feeds.toml, or use --dry-run to write .eml files")
    if dry_run and out_dir is None:
        out_dir = default_out_dir(cfg) / "dry-run"
    report = deliver_digest(digest, cfg, store, dry_run=dry_run, out_dir=out_dir, retry_failed=retry_failed)
    echo(report.summary())
    return report.exit_code


def cli_preview(
    cfg: Any,
    digest: Digest,
    *,
    out_path: Path | None = None,
    fmt: str | None = None,
    address: str | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """``briefing preview [--date D] [--format full|brief] [--for ADDRESS] [-o FILE]``: write HTML + text, print the path."""
    render = _default_render()
    sub = None
    if address:
        sub = next((s for s in cfg.subscribers if s.address.lower() == address.lower()), None)
        if sub is None:
            raise BriefingError(f"{address} is not a subscriber", hint="use an address listed in [[subscribers]]")
    rendered = render(digest, fmt=fmt, subscriber=sub, cfg=cfg)
    path = Path(out_path) if out_path else default_out_dir(cfg) / f"preview-{digest.date}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rendered.html, encoding="utf-8")
    path.with_suffix(".txt").write_text(rendered.text, encoding="utf-8")
    echo(str(path.resolve()))
    return EXIT_OK
