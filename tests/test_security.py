"""Issue 7 §3: one department never sees another's data, mail goes only to configured addresses, no shell
ever sees a user path, LibreOffice runs boxed in, and a whole run needs no network.
"""

from __future__ import annotations

import ast
import email
import email.header
import email.policy
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

import openpyxl
import pytest

from pipeline.departments import bundled_departments_path
from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.readers.legacy import convert
from pipeline.runtime import configure_prefect
from tests.builders.hostile import RUN_DAY, hostile_config, run_once
from tests.builders.office import write_docx

REPO = Path(__file__).resolve().parents[1]
EVIDENCE = Path(sys.executable).with_name("evidence")

# Two departments with a distinctive file each; every marker belongs to exactly one of them.
OWN = {
    "县应急管理局": ("县应急局", "应急独有资料甲XQ7", "应急正文标记甲KZ3", "anban-yj@example.gov.cn"),
    "县教育和体育局": ("县教育和体育局", "教体独有资料乙WM4", "教体正文标记乙RP8", "jiaoti@example.gov.cn"),
}
LEADER = "leader@example.gov.cn"


# ---- one department's report and mail hold only its own data ---------------------------------------------


def _registry_with_emails(path: Path) -> Path:
    """The bundled registry with addresses for the two departments of the test (and nobody else)."""
    text = bundled_departments_path().read_text(encoding="utf-8")
    for name, (*_, address) in OWN.items():
        block = re.search(rf'name = "{name}"\n(?:.*\n)*?email = \[\]', text)
        assert block, name
        text = (
            text[: block.start()]
            + block.group(0).replace("email = []", f'email = ["{address}"]')
            + text[block.end() :]
        )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_departments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two")
    for folder, file_marker, text_marker, _ in OWN.values():
        (root / "inbox" / folder).mkdir(parents=True)
        write_docx(
            root / "inbox" / folder / f"{file_marker}.docx",
            paragraphs=("蓬安办发〔2022〕12号", "关于开展安全生产大检查的通知", text_marker),
        )
    config = replace(
        hostile_config(root),
        departments=_registry_with_emails(root / "departments.toml"),
        leader_email=LEADER,
        deadline=RUN_DAY + timedelta(days=3),  # within escalate_days: reminders copy the leader
    )
    run_once(config, RUN_DAY)
    return root


def _mail(outbox: Path) -> list[tuple[Path, EmailMessage]]:
    out = []
    for path in sorted((outbox / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        out.append((path, message))
    assert out
    return out


def _readable_text(message: EmailMessage) -> str:
    """Headers, every text part, and every cell of attached workbooks: all that a recipient can read."""
    parts = [f"{k}: {v}" for k, v in message.items()]
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_content_maintype() == "text":
            parts.append(payload.decode(part.get_content_charset() or "utf-8"))
        elif (part.get_filename() or "").endswith(".xlsx"):
            wb = openpyxl.load_workbook(io.BytesIO(payload), read_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    parts.extend(str(v) for v in row if v is not None)
            wb.close()
        else:
            parts.append(payload.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_reports_hold_only_their_own_department(two_departments: Path) -> None:
    reports = two_departments / "outbox" / "reports"
    for department, (_, file_marker, *_rest) in OWN.items():
        others = [m[1] for d, m in OWN.items() if d != department]
        for suffix in (".html", ".txt"):
            text = (reports / f"{department}{suffix}").read_text(encoding="utf-8")
            assert file_marker in text, (department, suffix)  # its own file is there…
            for marker in others:  # …and nobody else's
                assert marker not in text, (department, suffix, marker)
    # a third department's report mentions neither
    for path in reports.iterdir():
        if path.stem not in OWN:
            text = path.read_text(encoding="utf-8")
            assert not any(m[1] in text or m[2] in text for m in OWN.values()), path


def test_mail_holds_only_its_own_department(two_departments: Path) -> None:
    seen = set()
    for path, message in _mail(two_departments / "outbox"):
        to = {a for _, a in getaddresses(message.get_all("To", []))}
        owner = [d for d, m in OWN.items() if m[3] in to]
        text = _readable_text(message)
        if owner:
            seen.add(owner[0])
            assert OWN[owner[0]][1] in text or "缺项" in str(message["Subject"]), path
        for department, (_, file_marker, text_marker, _) in OWN.items():
            if department not in owner:
                assert file_marker not in text and text_marker not in text, (path.name, department)
    assert seen == set(OWN)


def test_mail_goes_only_to_configured_addresses(two_departments: Path) -> None:
    allowed = {m[3] for m in OWN.values()} | {LEADER}
    recipients: set[str] = set()
    for path, message in _mail(two_departments / "outbox"):
        for header in ("To", "Cc", "Bcc"):
            recipients |= {a for _, a in getaddresses(message.get_all(header, [])) if a}
        assert message.get_all("Bcc") is None, path
    assert recipients <= allowed
    assert LEADER in recipients  # the escalation copy did happen, so the check above saw a Cc


# ---- no shell, LibreOffice boxed in -----------------------------------------------------------------------


def _python_files() -> list[Path]:
    return sorted(p for d in ("pipeline", "flows", "matchers") for p in (REPO / d).rglob("*.py"))


def test_no_shell_anywhere() -> None:
    """No ``shell=True``, ``os.system`` or ``os.popen``: a file name never reaches a shell."""
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append(f"{path}:{node.lineno} shell=")
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
                and (func.attr in ("system", "popen") or func.attr.startswith("spawn"))
            ):
                found.append(f"{path}:{node.lineno} {func.value.id}.{func.attr}")
    assert len(_python_files()) > 20
    assert not found, found


_FAKE_SOFFICE = """\
#!{python}
# A stand-in for LibreOffice: records its command line and cwd, starts a grandchild, then sleeps.
import json, os, subprocess, sys, time
sleep_s = float(os.environ.get("FAKE_SOFFICE_SLEEP", "0"))
child = subprocess.Popen(["sleep", "60"]) if sleep_s else None
with open(os.environ["FAKE_SOFFICE_LOG"], "w") as f:
    json.dump({{"argv": sys.argv, "cwd": os.getcwd(), "pid": os.getpid(), "child": child and child.pid}}, f)
time.sleep(sleep_s)
"""


def _fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sleep_s: float) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text(_FAKE_SOFFICE.format(python=sys.executable))
    fake.chmod(0o755)
    log = tmp_path / "soffice.json"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    monkeypatch.setenv("FAKE_SOFFICE_SLEEP", str(sleep_s))
    return log


def _gone(pid: int, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # a zombie still answers kill(0): count it as gone
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_libreoffice_gets_an_argument_list_a_private_profile_and_no_user_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_soffice(tmp_path, monkeypatch, sleep_s=0)
    hostile = tmp_path / "inbox" / "-rf $(touch pwned); `id` & <x>.doc"
    hostile.parent.mkdir()
    hostile.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    scratch = tmp_path / "scratch"
    with pytest.raises(DocumentLoadError):  # the stand-in writes no output: "cannot convert"
        convert(hostile, "docx", scratch, timeout_s=30)
    record = json.loads(log.read_text())
    argv: list[str] = record["argv"]
    profile = [a for a in argv if a.startswith("-env:UserInstallation=")]
    assert len(profile) == 1 and profile[0].startswith(f"-env:UserInstallation={scratch.as_uri()}/lo-")
    assert "--headless" in argv and "--norestore" in argv
    assert not any("macro" in a.lower() or a.startswith("vnd.sun.star.script") for a in argv)
    assert Path(record["cwd"]).is_relative_to(scratch)
    # the user's file name never reaches the command line: a copy with a plain name is converted
    assert not any(str(hostile) in a or "pwned" in a for a in argv)
    assert Path(argv[-1]).name == "input.doc" and Path(argv[-1]).is_relative_to(scratch)
    assert not (tmp_path / "pwned").exists() and not list(tmp_path.rglob("pwned"))
    assert not list(scratch.glob("lo-*")), "the scratch folder of a failed conversion is removed"


@pytest.mark.slow
def test_libreoffice_timeout_kills_the_whole_process_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_soffice(tmp_path, monkeypatch, sleep_s=60)
    doc = tmp_path / "a.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        convert(doc, "docx", tmp_path / "scratch", timeout_s=1)
    assert caught.value.code == "timeout" and "超时" in caught.value.message
    assert time.monotonic() - started < 15
    record = json.loads(log.read_text())
    assert _gone(record["pid"]) and _gone(record["child"]), (
        "LibreOffice or a child of it outlived the timeout"
    )


# ---- no network --------------------------------------------------------------------------------------------


def test_configure_prefect_switches_telemetry_off(tmp_path: Path) -> None:
    env: dict[str, str] = {}
    settings = configure_prefect(tmp_path / "state", env)
    assert env["DO_NOT_TRACK"] == "1"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert Path(env["PREFECT_HOME"]).is_relative_to(tmp_path.absolute())
    assert settings == env


def _can_unshare() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    try:
        probe = subprocess.run(
            ["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not _can_unshare(), reason="unshare -n (a private network namespace) is not permitted here"
)
def test_full_run_needs_no_network(tmp_path: Path) -> None:
    """``evidence run`` (the real flow, its embedded Prefect server on loopback) in a namespace with no network.

    Under strace, when available, every connect() is also checked to go to loopback or a Unix socket.
    """
    (tmp_path / "inbox" / "县应急局").mkdir(parents=True)
    write_docx(tmp_path / "inbox" / "县应急局" / "通知.docx")
    trace = tmp_path / "connect.txt"
    strace = (
        f"strace --seccomp-bpf -f -qq -e trace=connect -e signal=none -o {trace} "
        if shutil.which("strace")
        else ""
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EVIDENCE_"))}
    env.update(HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path))
    script = f"ip link set lo up && exec {strace}{EVIDENCE} run"
    proc = subprocess.run(
        ["unshare", "-n", "sh", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-4000:])
    assert "运行完成" in proc.stdout
    outbox = tmp_path / "outbox"
    assert (outbox / "完整性矩阵.xlsx").is_file() and (outbox / "index.html").is_file()
    assert "县应急局/通知.docx" in (outbox / "evidence.csv").read_text(encoding="utf-8-sig")
    if strace:
        connects = [line for line in trace.read_text().splitlines() if "connect(" in line]
        remote = [
            line
            for line in connects
            if "AF_UNIX" not in line
            and "127.0.0.1" not in line
            and '"::1"' not in line
            and "AF_NETLINK" not in line
        ]
        assert not remote, textwrap.shorten(" | ".join(remote), 2000)
        assert any("127.0.0.1" in line for line in connects), "the trace should see the Prefect API calls"
