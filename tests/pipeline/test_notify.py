"""Mail to departments, delivered to a real SMTP server on 127.0.0.1 (aiosmtpd) and decoded back.

The messages come from a real matrix: the bundled 2022 rubric and registry (with an address for every
department but 县妇联), and a few understood files of 县住房城乡建设局 and 县应急管理局.
"""

from __future__ import annotations

import datetime as dt
import email
import io
import ipaddress
import smtplib
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pipeline.config import Config, Smtp
from pipeline.departments import DepartmentRegistry, load_departments
from pipeline.ledger import Ledger, SentRecord
from pipeline.matrix import Matrix, build_matrix
from pipeline.models import Rubric, Understood
from pipeline.notify import Delivery, EmlTransport, Message, SmtpTransport, deliver, should_send, to_email
from pipeline.reminders import build_messages
from pipeline.rubric import read_rubric
from tests.builders.inbox import write_departments
from tests.builders.net import free_port
from tests.builders.understood import understood

TODAY = date(2022, 12, 1)
DEADLINE = date(2022, 12, 31)
LEADER = "leader@county.test"
ZHUJIAN = "县住房城乡建设局"
YINGJI = "县应急管理局"
NO_ADDRESS = "县妇联"
FILES = {
    ZHUJIAN: ("住建/城镇燃气安全排查整治工作方案.docx", "住建/燃气隐患排查台账.xlsx"),
    YINGJI: ("应急局/安全生产大检查通知.docx", "应急局/应急预案演练记录.pdf"),
}
CONFIG = Config(leader_email=LEADER, escalate_days=7, deadline=DEADLINE)


# --------------------------------------------------------------------------------------------
# A matrix and its messages
# --------------------------------------------------------------------------------------------


@dataclass
class World:
    registry: DepartmentRegistry
    rubric: Rubric
    addresses: dict[str, str]
    files: list[Understood]
    cache: dict[tuple[date, tuple[str, ...]], list[Message]] = field(default_factory=dict)

    def matrix(self, today: date = TODAY) -> Matrix:
        return build_matrix(
            self.rubric,
            self.files,
            departments=[d.name for d in self.registry.departments],
            assessment_year=self.rubric.year,
            today=today,
            deadline=DEADLINE,
            aliases={d.name: d.aliases for d in self.registry.departments},
        )

    def messages(self, today: date = TODAY, newly: tuple[str, ...] = ()) -> list[Message]:
        """All the messages of a run (rendering 45 reports takes a while: built once per day)."""
        if (today, newly) not in self.cache:
            self.cache[today, newly] = build_messages(
                self.matrix(today), self.registry, today=today, newly_processed=set(newly), config=CONFIG
            )
        return self.cache[today, newly]

    def some(self, today: date = TODAY, newly: tuple[str, ...] = ()) -> list[Message]:
        """The messages of the departments with files, the one without an address, and one more."""
        keep = {*FILES, NO_ADDRESS, "县交通运输局"}
        return [m for m in self.messages(today, newly) if m.department in keep]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("notify")
    addresses = write_departments(root / "departments.toml", without=(NO_ADDRESS,))
    registry = load_departments(root / "departments.toml")
    rubric = read_rubric(None, registry=registry, default_owner="县应急局")
    bare = World(registry, rubric, addresses, []).matrix()
    files: list[Understood] = []
    for department, paths in FILES.items():
        owned = [c.sub_item_id for c in bare.cells_for(department)]
        for path, sub_item in zip(paths, owned, strict=False):
            files.append(understood(path, department=department, kind="方案", matches=[(sub_item, 80)]))
    return World(registry, rubric, addresses, files)


def _by_department(messages: list[Message], kind: str = "reminder") -> dict[str, Message]:
    return {m.department: m for m in messages if m.kind == kind}


# --------------------------------------------------------------------------------------------
# A real SMTP server
# --------------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Sink:
    """An aiosmtpd handler that keeps what it accepted and can refuse the next ``refuse`` messages."""

    received: list[Received] = field(default_factory=list)
    refuse: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 请稍后再试 (try again later)"
            parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def by_department_key(self) -> dict[str, Received]:
        return {r.message["X-Evidence-Key"]: r for r in self.received}


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _smtp(port: int, **kwargs: Any) -> SmtpTransport:
    return SmtpTransport(
        Smtp(host="127.0.0.1", port=port, tls=kwargs.pop("tls", "none"), **kwargs), timeout=10
    )


def _ledger(tmp_path: Path, now: datetime = datetime(2022, 12, 1, 2, 0, tzinfo=dt.UTC)) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite3", clock=lambda: now)


def _send(
    messages: list[Message], transport: Any, ledger: Ledger, today: date = TODAY, **kw: Any
) -> Delivery:
    return deliver(messages, transport, ledger, mail_from="anban@county.test", today=today, **kw)


def _rows(xlsx: bytes) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    return [tuple(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]


def _all_text(msg: EmailMessage) -> str:
    """Everything a reader of the message sees: bodies and every cell of the attachments."""
    parts = [msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()]
    for att in msg.iter_attachments():
        parts.extend(str(c) for row in _rows(att.get_content()) for c in row if c is not None)
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Delivered and decoded
# --------------------------------------------------------------------------------------------


def test_reminders_reach_the_server_decoded(world: World, sink: tuple[Sink, int], tmp_path: Path) -> None:
    handler, port = sink
    messages = world.some(newly=FILES[ZHUJIAN])
    with _ledger(tmp_path) as ledger:
        delivery = _send(messages, _smtp(port), ledger)
    addressed = [m for m in messages if m.to]
    assert len(handler.received) == len(addressed)
    assert delivery.failed == [] and delivery.no_address == [NO_ADDRESS]
    assert delivery.receipts == [ZHUJIAN]

    got = handler.by_department_key()
    zhujian = _by_department(messages)[ZHUJIAN]
    r = got[zhujian.key]
    msg = r.message
    assert msg["Subject"] == "【安全生产党政同责】佐证资料缺项提醒（剩余30天）"
    assert r.rcpt_tos == [world.addresses[ZHUJIAN]] and msg["To"] == world.addresses[ZHUJIAN]
    assert msg["Cc"] is None, "30 days left: no escalation"
    assert msg["Message-ID"] and msg["From"] == "anban@county.test"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.startswith(f"{ZHUJIAN}：2022年度安全生产党政同责考核佐证资料情况")
    assert "缺失" in text and "剩余30天" in text
    assert ZHUJIAN in html and "<" in html
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == f"{ZHUJIAN}-任务清单.xlsx"
    rows = _rows(attachment.get_content())
    matrix = world.matrix()
    assert [row[0] for row in rows[1:]] == [c.sub_item_id for c in matrix.cells_for(ZHUJIAN)]
    assert any(FILES[ZHUJIAN][0].split("/")[1] in str(row[6]) for row in rows[1:])

    receipt = got[_by_department(messages, "receipt")[ZHUJIAN].key].message
    assert receipt["Subject"] == f"【安全生产党政同责】佐证资料接收回执（{ZHUJIAN}）"
    body = receipt.get_body(("plain",)).get_content()
    assert all(p.split("/")[1] in body for p in FILES[ZHUJIAN])


def test_a_department_mail_holds_only_its_own_data(
    world: World, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, port = sink
    messages = world.some(newly=FILES[ZHUJIAN] + FILES[YINGJI])
    with _ledger(tmp_path) as ledger:
        _send(messages, _smtp(port), ledger)
    names = {d: {p.split("/")[1].rsplit(".", 1)[0] for p in paths} for d, paths in FILES.items()}
    checked = 0
    for r in handler.received:
        department = r.message["X-Evidence-Key"].split(":")[1]
        seen = _all_text(r.message)
        for other, other_names in names.items():
            for name in other_names:
                if other == department:
                    continue
                assert name not in seen, f"{department} 的邮件中出现了 {other} 的文件 {name}"
        checked += 1
    assert checked == len(handler.received) > 2
    own = _all_text(handler.by_department_key()[_by_department(messages)[YINGJI].key].message)
    assert any(name in own for name in names[YINGJI]), "a department does see its own files"


def test_escalation_copies_the_leader_near_the_deadline(
    world: World, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, port = sink
    near = DEADLINE - dt.timedelta(days=CONFIG.escalate_days)
    messages = world.messages(today=near)
    with _ledger(tmp_path) as ledger:
        _send(world.some(today=near), _smtp(port), ledger, today=near)
    matrix = world.matrix(near)
    escalated = 0
    for m in _by_department(messages).values():
        has_missing = any(g.status == "缺失" for g in matrix.gaps_for(m.department))
        assert m.cc == ((LEADER,) if has_missing else ())
        if m.key not in handler.by_department_key():
            continue
        r = handler.by_department_key()[m.key]
        assert r.message["Subject"] == f"【安全生产党政同责】佐证资料缺项提醒（剩余{CONFIG.escalate_days}天）"
        if has_missing:
            assert r.message["Cc"] == LEADER and LEADER in r.rcpt_tos
            escalated += 1
        else:
            assert LEADER not in r.rcpt_tos
    assert escalated > 0
    # One day more and nobody is copied.
    assert all(m.cc == () for m in world.messages(today=near - dt.timedelta(days=1)))


def test_a_department_with_only_unconfirmed_items_is_not_escalated(world: World) -> None:
    """Escalation is for 缺失 items: a department whose every item has a file to confirm is not."""
    bare = world.matrix()
    department = min(
        (d for d in bare.departments if bare.cells_for(d) and d not in FILES),
        key=lambda d: len(bare.cells_for(d)),
    )
    extra = [
        understood(
            f"{department}/材料{i}.docx", department=department, matches=[(c.sub_item_id, 50, "review")]
        )
        for i, c in enumerate(bare.cells_for(department))
    ]
    near = DEADLINE - dt.timedelta(days=1)
    world2 = World(world.registry, world.rubric, world.addresses, [*world.files, *extra])
    matrix = world2.matrix(near)
    gaps = matrix.gaps_for(department)
    assert gaps and not any(g.status == "缺失" for g in gaps)
    assert _by_department(world2.messages(today=near))[department].cc == ()


# --------------------------------------------------------------------------------------------
# Transport security and authentication
# --------------------------------------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"anban", b"pw")
    return AuthResult(success=ok, handled=False)


@pytest.mark.parametrize("mode", ["none", "starttls", "ssl"])
def test_tls_modes_and_auth(mode: str, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts our self-signed server
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    handler, port = Sink(), free_port()
    # aiosmtpd only counts STARTTLS as TLS for AUTH; over implicit TLS the whole session is encrypted.
    kwargs: dict[str, Any] = {"authenticator": _authenticator, "auth_require_tls": mode == "starttls"}
    if mode == "starttls":
        kwargs.update(tls_context=server_tls, require_starttls=True)
    elif mode == "ssl":
        kwargs.update(ssl_context=server_tls)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        message = _by_department(world.messages())[ZHUJIAN]
        with _ledger(tmp_path) as ledger:
            delivery = _send([message], _smtp(port, tls=mode, user="anban", password="pw"), ledger)
            assert delivery.failed == [] and delivery.sent == [ZHUJIAN] and len(handler.received) == 1
            wrong = _smtp(port, tls=mode, user="anban", password="wrong")
            with pytest.raises(smtplib.SMTPAuthenticationError):
                wrong.send(to_email(message, "anban@county.test"))
    finally:
        controller.stop()


# --------------------------------------------------------------------------------------------
# Failures: retried with back-off, reported, never lost
# --------------------------------------------------------------------------------------------


def test_a_refusing_server_is_retried_with_back_off(
    world: World, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, port = sink
    handler.refuse = 2
    slept: list[float] = []
    message = _by_department(world.messages())[ZHUJIAN]
    with _ledger(tmp_path) as ledger:
        delivery = _send([message], _smtp(port), ledger, retries=3, backoff_s=1.5, sleep=slept.append)
        assert delivery.sent == [ZHUJIAN] and delivery.failed == []
        assert slept == [1.5, 3.0] and handler.refused == 2 and len(handler.received) == 1
        logged = ledger.last_sent(ZHUJIAN)
        assert logged is not None and (logged.digest, logged.transport) == (message.digest, "smtp")


def test_a_failure_is_reported_and_sent_by_the_next_run(
    world: World, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, port = sink
    handler.refuse = 3
    slept: list[float] = []
    message = _by_department(world.messages())[ZHUJIAN]
    with _ledger(tmp_path) as ledger:
        delivery = _send([message], _smtp(port), ledger, retries=3, sleep=slept.append)
        assert delivery.sent == [] and [d for d, _ in delivery.failed] == [ZHUJIAN]
        assert "451" in delivery.failed[0][1] and "已重试3次" in delivery.failed[0][1]
        assert slept == [1.0, 2.0] and handler.received == []
        assert ledger.last_sent(ZHUJIAN) is None, "a failed message is not logged as sent"
        again = _send([message], _smtp(port), ledger, sleep=slept.append)
    assert again.sent == [ZHUJIAN]
    assert [r.message["X-Evidence-Key"] for r in handler.received] == [message.key]


def test_connection_refused_is_retried_then_reported(world: World, tmp_path: Path) -> None:
    slept: list[float] = []
    message = _by_department(world.messages())[ZHUJIAN]
    with _ledger(tmp_path) as ledger:
        delivery = _send([message], _smtp(free_port()), ledger, retries=4, sleep=slept.append)
        assert [d for d, _ in delivery.failed] == [ZHUJIAN] and slept == [1.0, 2.0, 4.0]
        assert ledger.last_sent(ZHUJIAN) is None


# --------------------------------------------------------------------------------------------
# When a message is due
# --------------------------------------------------------------------------------------------


def _record(digest: str, sent: date, transport: str = "smtp") -> SentRecord:
    return SentRecord(
        "k", "reminder", ZHUJIAN, digest, datetime(sent.year, sent.month, sent.day, 2), transport
    )


def _message(kind: str = "reminder", digest: str = "abc") -> Message:
    return Message(f"{kind}:{ZHUJIAN}:{digest}", kind, ZHUJIAN, ("a@b",), "s", "t", "", digest)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "previous", "today", "expected"),
    [
        ("reminder", None, TODAY, True),
        ("reminder", ("abc", TODAY), TODAY, False),  # unchanged, same day
        ("reminder", ("abc", TODAY - dt.timedelta(days=6)), TODAY, False),  # unchanged, 6 < 7 days
        ("reminder", ("abc", TODAY - dt.timedelta(days=7)), TODAY, True),  # unchanged, 7 days passed
        ("reminder", ("old", TODAY), TODAY, True),  # gaps changed
        ("receipt", None, TODAY, True),
        ("receipt", ("abc", TODAY - dt.timedelta(days=30)), TODAY, False),  # a receipt goes out once
        ("receipt", ("old", TODAY), TODAY, True),  # other files, another receipt
    ],
)
def test_should_send(kind: str, previous: tuple[str, date] | None, today: date, expected: bool) -> None:
    record = _record(*previous) if previous else None
    assert should_send(_message(kind), record, today=today, every_days=7) is expected


def test_deliver_sends_an_unchanged_reminder_again_only_after_n_days(
    world: World, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, port = sink
    message = _by_department(world.messages())[ZHUJIAN]
    clock = [datetime(2022, 12, 1, 2, tzinfo=dt.UTC)]
    with Ledger(tmp_path / "ledger.sqlite3", clock=lambda: clock[0]) as ledger:
        assert _send([message], _smtp(port), ledger, every_days=7).sent == [ZHUJIAN]
        later = date(2022, 12, 7)
        assert _send([message], _smtp(port), ledger, today=later, every_days=7).unchanged == [ZHUJIAN]
        clock[0] = datetime(2022, 12, 8, 2, tzinfo=dt.UTC)
        assert _send([message], _smtp(port), ledger, today=date(2022, 12, 8), every_days=7).sent == [ZHUJIAN]
    assert len(handler.received) == 2


# --------------------------------------------------------------------------------------------
# .eml files and departments without an address
# --------------------------------------------------------------------------------------------


def test_eml_transport_writes_whole_files_only(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    messages = world.messages(newly=FILES[YINGJI])
    with _ledger(tmp_path) as ledger:
        delivery = _send(messages, EmlTransport(folder), ledger)
    files = sorted(folder.iterdir())
    assert len(files) == len(messages) == len(delivery.sent) + len(delivery.receipts)
    assert all(f.suffix == ".eml" for f in files), "no temporary file is left behind"
    for f in files:
        msg = email.message_from_bytes(f.read_bytes(), policy=policy.default)
        assert msg["X-Evidence-Key"].replace(":", "-") + ".eml" == f.name
    # A write that fails (the target is taken by a folder) leaves neither a partial nor a temp file.
    message = _by_department(world.messages(), "reminder")[ZHUJIAN]
    blocked = folder / (message.key.replace(":", "-") + "-x.eml")
    blocked.mkdir()
    taken = Message(message.key + "-x", "reminder", ZHUJIAN, message.to, "s", "t", "", "d")
    with pytest.raises(OSError):
        EmlTransport(folder).send(to_email(taken, "anban@county.test"))
    assert sorted(folder.iterdir()) == sorted([*files, blocked])


def test_no_address_is_listed_written_as_eml_and_sent_once_an_address_exists(
    world: World, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, port = sink
    folder = tmp_path / "mail"
    messages = world.messages()
    fulian = _by_department(messages)[NO_ADDRESS]
    assert fulian.to == ()
    with _ledger(tmp_path) as ledger:
        # No SMTP configured: written as .eml for the office to forward, and listed.
        eml = _send(messages, EmlTransport(folder), ledger)
        assert eml.no_address == [NO_ADDRESS] and NO_ADDRESS in eml.sent
        written = email.message_from_bytes(
            (folder / (fulian.key.replace(":", "-") + ".eml")).read_bytes(), policy=policy.default
        )
        assert written["To"] is None and written["Subject"] == fulian.subject
        # SMTP configured, still no address: listed, not sent, not logged.
        # (the others, until now only written as files, now go out for real, once)
        smtp = _send(messages, _smtp(port), ledger)
        assert smtp.no_address == [NO_ADDRESS] and NO_ADDRESS not in smtp.sent
        assert sorted(smtp.sent) == sorted(m.department for m in messages if m.to)
        assert all(r.message["X-Evidence-Key"] != fulian.key for r in handler.received)
        # The office fills in the address: the next run sends it for real, once.
        addressed = [
            Message(**{**m.__dict__, "to": ("fulian@county.test",)}) if m is fulian else m for m in messages
        ]
        now = _send(addressed, _smtp(port), ledger)
        assert now.sent == [NO_ADDRESS] and now.no_address == []
        assert _send(addressed, _smtp(port), ledger).sent == []
    (r,) = [r for r in handler.received if r.message["X-Evidence-Key"] == fulian.key]
    assert r.rcpt_tos == ["fulian@county.test"]
