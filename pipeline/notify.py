"""Mail to departments: gap reminders and receipts, over SMTP or as .eml files.

Not ``email.py``: that would shadow the standard library. A reminder goes out only when the
department's gaps changed or ``remind_every_days`` passed; the sent-log is written per message, so a
run killed mid-send and run again sends nothing twice. The one window left — killed after the server
accepted a message and before it was logged — resends that message with the same Message-ID.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal, Protocol

from pipeline.atomic import atomic_write_bytes
from pipeline.config import Smtp
from pipeline.errors import MailError

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SUBJECT_REMINDER = "【安全生产党政同责】佐证资料缺项提醒（{left}）"
SUBJECT_RECEIPT = "【安全生产党政同责】佐证资料接收回执（{department}）"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: tuple[str, str] = XLSX_MIME


@dataclass(frozen=True)
class Message:
    """One message to one department. ``key`` identifies it in the sent-log; ``digest`` its content."""

    key: str
    kind: Literal["reminder", "receipt"]
    department: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    digest: str
    cc: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()


class SentRecordLike(Protocol):
    # read-only members, so that the ledger's frozen SentRecord satisfies the protocol
    @property
    def digest(self) -> str: ...
    @property
    def sent_at(self) -> datetime: ...
    @property
    def transport(self) -> str: ...


class SentLog(Protocol):
    """What delivery needs of the ledger's sent-log."""

    def last_sent(self, department: str, kind: str = "reminder") -> SentRecordLike | None: ...

    def record_sent(
        self, key: str, department: str, digest: str, transport: str, *, kind: str = "reminder"
    ) -> bool: ...


class Transport(Protocol):
    name: str
    keeps_unaddressed: bool  # write messages that have no recipient (files), or skip them (SMTP)

    def send(self, message: EmailMessage) -> None: ...


@dataclass
class EmlTransport:
    """The embedded default: every message becomes an .eml file under ``outbox/mail/``."""

    folder: Path
    name: str = "eml"
    keeps_unaddressed: bool = True

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = message["X-Evidence-Key"].replace(":", "-").replace("/", "-")
        atomic_write_bytes(self.folder / f"{stem}.eml", bytes(message))


@dataclass
class SmtpTransport:
    """SMTP with STARTTLS, implicit TLS or plain (intranet relays); retried with back-off by ``deliver``."""

    settings: Smtp
    timeout: float = 30.0
    name: str = "smtp"
    keeps_unaddressed: bool = False
    _context: ssl.SSLContext | None = field(default=None, init=False, repr=False)

    def _tls(self) -> ssl.SSLContext:
        # Built once: loading the system CA store costs ~40 ms, paid per message before.
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        port = s.port or (465 if s.tls == "ssl" else 587 if s.tls == "starttls" else 25)
        client: smtplib.SMTP
        if s.tls == "ssl":
            client = smtplib.SMTP_SSL(s.host, port, timeout=self.timeout, context=self._tls())
        else:
            client = smtplib.SMTP(s.host, port, timeout=self.timeout)
        with client:
            if s.tls == "starttls":
                client.starttls(context=self._tls())
            if s.user:
                client.login(s.user, s.password)
            client.send_message(message)


def make_transport(smtp: Smtp, outbox: Path) -> Transport:
    return SmtpTransport(smtp) if smtp.configured else EmlTransport(outbox / "mail")


def gaps_digest(lines: Sequence[str]) -> str:
    """A stable digest of what a department is told, so an unchanged reminder is not resent."""
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()[:16]


def days_left_label(days_left: int | None) -> str:
    if days_left is None:
        return "未设置截止日期"
    if days_left < 0:
        return f"已逾期{-days_left}天"
    return f"剩余{days_left}天"


def reminder_subject(days_left: int | None) -> str:
    return SUBJECT_REMINDER.format(left=days_left_label(days_left))


def to_email(message: Message, mail_from: str, *, now: datetime | None = None) -> EmailMessage:
    """Build the MIME message: plain text + HTML alternative, attachments, a stable Message-ID."""
    msg = EmailMessage()
    msg["Subject"] = message.subject
    msg["From"] = mail_from
    if message.to:
        msg["To"] = ", ".join(message.to)
    if message.cc:
        msg["Cc"] = ", ".join(message.cc)
    msg["Date"] = format_datetime(now or datetime.now().astimezone())
    domain = mail_from.rsplit("@", 1)[-1] or "localhost"
    stable = hashlib.sha256(f"{message.key}|{message.digest}".encode()).hexdigest()[:24]
    msg["Message-ID"] = f"<{stable}@{domain}>"
    msg["X-Evidence-Key"] = message.key
    msg.set_content(message.text)
    if message.html:
        msg.add_alternative(message.html, subtype="html")
    for att in message.attachments:
        msg.add_attachment(att.content, maintype=att.mime[0], subtype=att.mime[1], filename=att.filename)
    return msg


@dataclass
class Delivery:
    """What happened to each message of a run, for the run summary and the workbook."""

    sent: list[str] = field(default_factory=list)  # departments reminded
    receipts: list[str] = field(default_factory=list)  # departments sent a receipt
    unchanged: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (department, Chinese reason)


def should_send(message: Message, previous: SentRecordLike | None, *, today: date, every_days: int) -> bool:
    """Send when never sent or when the content changed; a reminder also every ``every_days`` days."""
    if previous is None or previous.digest != message.digest:
        return True
    if message.kind == "receipt":
        return False
    return (today - previous.sent_at.date()).days >= every_days


def deliver(
    messages: Sequence[Message],
    transport: Transport,
    log: SentLog,
    *,
    mail_from: str,
    today: date,
    every_days: int = 7,
    retries: int = 3,
    backoff_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send what is due, one message at a time, logging each before and after sending."""
    result = Delivery()
    for message in messages:
        channel = transport.name
        if not message.to:
            if message.kind == "reminder":
                result.no_address.append(message.department)
            if not transport.keeps_unaddressed:
                continue
            # An .eml with no recipient is still written so the office can forward or print it;
            # it is logged under its own channel so that adding an address later sends it for real.
            channel = f"{transport.name}-无地址"
        previous = log.last_sent(message.department, message.kind)
        if previous is not None and previous.transport != channel:
            previous = None
        if not should_send(message, previous, today=today, every_days=every_days):
            result.unchanged.append(message.department)
            continue
        email = to_email(message, mail_from)
        error: Exception | None = None
        for attempt in range(retries):
            try:
                transport.send(email)
                error = None
                break
            except (smtplib.SMTPException, OSError) as e:
                error = e
                if attempt + 1 < retries:
                    sleep(backoff_s * (2**attempt))
        if error is not None:
            result.failed.append((message.department, f"邮件发送失败（已重试{retries}次）：{error}"))
            continue
        # Logged right after the hand-over: a run killed before this line resends this one message
        # (same Message-ID, so the receiving side can recognise it); a run killed after it does not.
        # Keyed per channel: the same message later sent for real (SMTP configured, an address
        # added) must be logged again, or every later run would send it once more.
        log_key = f"{message.key}@{channel}"
        log.record_sent(log_key, message.department, message.digest, channel, kind=message.kind)
        if message.kind == "reminder":
            result.sent.append(message.department)
        else:
            result.receipts.append(message.department)
    return result


def require_delivered(delivery: Delivery) -> None:
    """For callers that must fail loudly (e.g. a CLI ``--strict``)."""
    if delivery.failed:
        raise MailError("部分邮件发送失败：" + "；".join(f"{d}：{r}" for d, r in delivery.failed))
