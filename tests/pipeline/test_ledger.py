"""The ledger on real inbox trees: warm re-runs hash nothing, changes and removals are seen,
duplicates keep both paths, a SIGKILLed writer leaves a sound database, originals are untouched."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import pipeline.discover as discover_module
from pipeline.config import Config
from pipeline.departments import DepartmentRegistry, load_departments
from pipeline.discover import Discovery, discover
from pipeline.errors import LedgerError
from pipeline.ledger import (
    SCHEMA_VERSION,
    Ledger,
    facts_from_dict,
    facts_to_dict,
    match_from_dict,
    match_to_dict,
)
from pipeline.models import DocNumber, Evidence, Facts, Match, Page, Problem, SourceFile, Table

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return load_departments()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    root = tmp_path / "inbox"
    write(root / "县住建" / "方案.txt", "关于印发2022年安全生产工作方案的通知 蓬住建发〔2022〕5号")
    write(root / "县住建" / "2022" / "台账.txt", "燃气安全检查台账")
    write(root / "应急局" / "纪要.txt", "县安委会第一次全体会议纪要")
    write(root / "应急局" / "副本" / "纪要.txt", "县安委会第一次全体会议纪要")  # same content
    write(root / "根目录.txt", "无部门")
    write(root / "住建局" / "~$方案.docx", "lock")
    return root


@pytest.fixture
def ledger(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Ledger(tmp_path / "state" / "ledger.sqlite3") as led:
        yield led


def evidence_of(source: SourceFile) -> Evidence:
    text = Path(source.path).read_text(encoding="utf-8")
    return Evidence(
        source,
        text,
        pages=(Page(1, text),),
        tables=(Table("表1", (("a", "b"), ("1", "2"))),),
    )


def run_once(inbox: Path, ledger: Ledger, registry: DepartmentRegistry):  # type: ignore[no-untyped-def]
    """What the flow does, minus the flow: discover, plan, read what is new, record."""
    run_id = ledger.begin_run()
    plan = ledger.plan(discover(inbox, registry, known=ledger.known), run_id=run_id)
    ledger.record_evidence([evidence_of(f) for f in plan.to_read], run_id=run_id)
    ledger.finish_run(run_id, plan.counts)
    return plan


def tree_hashes(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            out[str(p.relative_to(root))] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


@pytest.fixture
def hash_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = discover_module.sha256_file

    def counting(path: str) -> tuple[str, bytes]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(discover_module, "sha256_file", counting)
    return calls


def test_open_creates_versioned_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state" / "ledger.sqlite3"
    with Ledger(path) as led:
        assert led.integrity_check() == []
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    Ledger(path).close()  # reopening migrates nothing and fails nothing


def test_for_config_uses_state_folder(tmp_path: Path) -> None:
    with Ledger.for_config(Config(outbox=tmp_path / "outbox")) as led:
        assert led.path == tmp_path / "outbox" / ".state" / "ledger.sqlite3"
    with Ledger.for_config(Config(state_dir=tmp_path / "elsewhere")) as led:
        assert led.path.parent == tmp_path / "elsewhere"


def test_newer_schema_and_garbage_are_ledger_errors(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(LedgerError, match="更新版本"):
        Ledger(newer)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="无法打开或已损坏"):
        Ledger(garbage)


def test_first_run_reads_each_content_once(inbox: Path, ledger: Ledger, registry: DepartmentRegistry) -> None:
    plan = run_once(inbox, ledger, registry)
    assert len(plan.new) == 5 and not plan.changed and not plan.unchanged
    assert sorted(f.rel_path for f in plan.to_read) == [
        "县住建/2022/台账.txt",
        "县住建/方案.txt",
        "应急局/副本/纪要.txt",  # same first-seen time: the path order decides the original
        "根目录.txt",
    ]
    assert [(d.source.rel_path, d.duplicate_of) for d in plan.duplicates] == [
        ("应急局/纪要.txt", "应急局/副本/纪要.txt")
    ]
    assert [s.rel_path for s in ledger.skipped()] == ["住建局/~$方案.docx"]


def test_second_plan_over_unchanged_tree_hashes_nothing(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry, hash_calls: list[str]
) -> None:
    run_once(inbox, ledger, registry)
    assert len(hash_calls) == 5
    hash_calls.clear()
    plan = run_once(inbox, ledger, registry)
    assert hash_calls == []
    assert plan.to_read == () and plan.new == () and plan.changed == () and plan.withdrawn == ()
    assert len(plan.unchanged) == 5
    assert len(plan.duplicates) == 1  # still a duplicate, of the same original
    assert plan.duplicates[0].duplicate_of == "应急局/副本/纪要.txt"


def test_file_changed_in_place_is_read_again(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry, hash_calls: list[str]
) -> None:
    run_once(inbox, ledger, registry)
    hash_calls.clear()
    target = inbox / "县住建" / "方案.txt"
    target.write_text("关于印发2022年安全生产工作方案的通知（修订版）", encoding="utf-8")
    os.utime(target, (time.time() + 5, time.time() + 5))
    plan = run_once(inbox, ledger, registry)
    assert hash_calls == [str(target)]
    assert [f.rel_path for f in plan.changed] == ["县住建/方案.txt"]
    assert [f.rel_path for f in plan.to_read] == ["县住建/方案.txt"]
    (u,) = [u for u in ledger.understood() if u.source.rel_path == "县住建/方案.txt"]
    assert u.source.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert ledger.text(u.source.sha256) == "关于印发2022年安全生产工作方案的通知（修订版）"


def test_same_size_same_mtime_edit_is_trusted_but_touch_is_noticed(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry, hash_calls: list[str]
) -> None:
    run_once(inbox, ledger, registry)
    hash_calls.clear()
    target = inbox / "根目录.txt"
    os.utime(target, (time.time() + 10, time.time() + 10))  # touched, content identical
    plan = run_once(inbox, ledger, registry)
    assert hash_calls == [str(target)]  # hashed to confirm …
    assert plan.to_read == () and plan.changed == ()  # … and found unchanged


def test_removed_file_is_withdrawn_and_duplicate_promoted(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    run_once(inbox, ledger, registry)
    (inbox / "应急局" / "副本" / "纪要.txt").unlink()
    plan = run_once(inbox, ledger, registry)
    assert plan.withdrawn == ("应急局/副本/纪要.txt",)
    assert plan.to_read == ()  # the other copy's content is already read
    understood = {u.source.rel_path: u for u in ledger.understood()}
    assert "应急局/副本/纪要.txt" not in understood
    assert understood["应急局/纪要.txt"].duplicate_of is None
    assert understood["应急局/纪要.txt"].status == "unmatched"
    # A withdrawn file that comes back is new again, and not read again.
    write(inbox / "应急局" / "副本" / "纪要.txt", "县安委会第一次全体会议纪要")
    plan = run_once(inbox, ledger, registry)
    assert [f.rel_path for f in plan.new] == ["应急局/副本/纪要.txt"]
    assert plan.to_read == ()
    assert [(d.source.rel_path, d.duplicate_of) for d in plan.duplicates] == [
        ("应急局/副本/纪要.txt", "应急局/纪要.txt")
    ]


def test_understood_rebuilds_everything_without_files(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    run_once(inbox, ledger, registry)
    (source,) = [u.source for u in ledger.understood() if u.source.rel_path == "县住建/方案.txt"]
    facts = Facts(
        doc_numbers=(DocNumber("蓬住建发", 2022, 5, "蓬住建发[2022]5号", 20, 32, True),),
        titles=("安全生产法",),
        title="关于印发2022年安全生产工作方案的通知",
        dates=(date(2022, 3, 1), date(2022, 3, 5)),
        date=date(2022, 3, 5),
        organ="县住房城乡建设局",
        kind="通知",
        keywords=("安全生产", "方案"),
    )
    matches = (
        Match("县住建/方案.txt", "9(1)", 88.5, ("引用文号 蓬住建发〔2022〕5号",)),
        Match("县住建/方案.txt", "7(2)", 50.0, ("部门 县住房城乡建设局 负责 7(2)",), "review", False),
    )
    ledger.record_understanding(source.sha256, facts, matches)
    ledger.record_understanding(source.sha256, facts, matches)  # idempotent
    understood = {u.source.rel_path: u for u in ledger.understood()}
    u = understood["县住建/方案.txt"]
    assert u.facts == facts
    assert u.matches == matches
    assert u.pages == 1 and u.table_rows == 2 and not u.ocr
    assert u.status == "matched"
    assert u.source.department == "县住房城乡建设局"
    assert understood["应急局/纪要.txt"].duplicate_of == "应急局/副本/纪要.txt"
    assert understood["应急局/纪要.txt"].status == "duplicate"
    assert understood["根目录.txt"].source.department is None
    db = sqlite3.connect(ledger.path)
    assert db.execute("SELECT COUNT(*) FROM matches").fetchone()[0] == 2
    db.close()
    texts = dict(ledger.texts())
    assert len(texts) == 4
    assert texts[source.sha256].startswith("关于印发2022年")


def test_model_json_round_trip() -> None:
    facts = Facts(doc_numbers=(DocNumber("川办函", 2021, 91, "川办函〔2021〕91号"),), date=date(2021, 1, 2))
    assert facts_from_dict(facts_to_dict(facts)) == facts
    assert facts_from_dict(facts_to_dict(Facts())) == Facts()
    m = Match("a/b.docx", "7(4)", 70.0, ("理由一", "理由二"), "manual", False)
    assert match_from_dict(match_to_dict(m)) == m


def test_recording_the_same_content_twice_is_one_entry(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    plan = run_once(inbox, ledger, registry)
    ledger.record_evidence([evidence_of(f) for f in plan.to_read])
    ledger.record_evidence(evidence_of(plan.to_read[0]))
    db = sqlite3.connect(ledger.path)
    assert db.execute("SELECT COUNT(*) FROM contents").fetchone()[0] == 4
    assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 5
    db.close()


def test_problem_stays_until_fixed_and_machine_problems_are_retried(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    run_id = ledger.begin_run()
    plan = ledger.plan(discover(inbox, registry, known=ledger.known), run_id=run_id)
    by_rel = {f.rel_path: f for f in plan.to_read}
    broken, tool = by_rel["县住建/方案.txt"], by_rel["根目录.txt"]
    ledger.record_problem(broken, Problem(broken.rel_path, "corrupt", "文件已损坏，无法打开"))
    ledger.record_problem(
        tool, Problem(tool.rel_path, "missing_tool", "需要安装 LibreOffice 才能读取 .doc 文件")
    )
    ledger.record_evidence([evidence_of(f) for f in plan.to_read if f not in (broken, tool)])
    plan = ledger.plan(discover(inbox, registry, known=ledger.known))
    assert [f.rel_path for f in plan.to_read] == ["根目录.txt"]  # the tool may be installed now
    problems = {(p.rel_path, p.code) for p in ledger.problems()}
    assert problems == {("县住建/方案.txt", "corrupt"), ("根目录.txt", "missing_tool")}
    statuses = {u.source.rel_path: u.status for u in ledger.understood()}
    assert statuses["县住建/方案.txt"] == "problem"
    # Reader upgrades can ask for everything to be read again.
    assert len(ledger.plan(discover(inbox, registry), reader_version="2", dry_run=True).to_read) == 4


def test_unrecorded_content_is_listed_and_read_next_time(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    ledger.plan(discover(inbox, registry))  # a run killed right after planning
    understood = ledger.understood()
    assert len(understood) == 5
    assert all(u.status == "problem" and u.problems[0].code == "not_read" for u in understood)
    assert len(ledger.plan(discover(inbox, registry, known=ledger.known)).to_read) == 4


def test_path_problems_are_replaced_each_plan(
    tmp_path: Path, inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    outside = write(tmp_path / "outside.txt", "外面")
    link = inbox / "县住建" / "链接.txt"
    os.symlink(outside, link)
    run_once(inbox, ledger, registry)
    assert [(p.rel_path, p.code) for p in ledger.problems()] == [("县住建/链接.txt", "symlink_outside")]
    link.unlink()
    run_once(inbox, ledger, registry)
    assert ledger.problems() == []


def _member(container: SourceFile, name: str, text: str) -> Evidence:
    sha = hashlib.sha256(text.encode()).hexdigest()
    source = SourceFile(
        path=f"/scratch/{sha}/{name}",
        rel_path=f"{container.rel_path}!/{name}",
        department=container.department,
        folder=container.folder,
        sha256=sha,
        size=len(text),
        mtime=0.0,
        format="txt",
        container=container.rel_path,
    )
    return Evidence(source, text)


def test_zip_members_follow_their_bundle(inbox: Path, ledger: Ledger, registry: DepartmentRegistry) -> None:
    bundle = write(inbox / "县住建" / "资料.zip", "pretend zip v1")
    plan = run_once(inbox, ledger, registry)
    (zip_source,) = [f for f in plan.new if f.rel_path == "县住建/资料.zip"]
    ledger.record_evidence([_member(zip_source, "a.txt", "成员一"), _member(zip_source, "b.txt", "成员二")])
    rels = {u.source.rel_path for u in ledger.understood()}
    assert {"县住建/资料.zip!/a.txt", "县住建/资料.zip!/b.txt"} <= rels
    assert run_once(inbox, ledger, registry).withdrawn == ()  # members are not expected in the inbox
    bundle.write_text("pretend zip v2, now longer", encoding="utf-8")
    plan = run_once(inbox, ledger, registry)
    assert [f.rel_path for f in plan.to_read] == ["县住建/资料.zip"]
    rels = {u.source.rel_path for u in ledger.understood()}
    assert not any("!/" in r for r in rels)  # old members go with the old bundle
    bundle.unlink()
    run_once(inbox, ledger, registry)
    assert not any("资料.zip" in u.source.rel_path for u in ledger.understood())


def test_runs_and_interrupted_runs(ledger: Ledger) -> None:
    first = ledger.begin_run()
    second = ledger.begin_run()  # the first never finished: killed
    ledger.finish_run(second, {"new": 3})
    runs = {r.id: r for r in ledger.runs()}
    assert runs[first].status == "interrupted"
    assert runs[second].status == "finished" and runs[second].counts == {"new": 3}
    assert runs[second].finished is not None


def test_sent_log(tmp_path: Path) -> None:
    clock = [datetime(2022, 11, 1, 9, 0, tzinfo=UTC)]
    with Ledger(tmp_path / "l.sqlite3", clock=lambda: clock[0]) as led:
        assert led.sent_before("remind/县住建/abc") is None
        assert led.record_sent("remind/县住建/abc", "县住房城乡建设局", "abc", "eml")
        assert not led.record_sent("remind/县住建/abc", "县住房城乡建设局", "abc", "smtp")  # never twice
        clock[0] += timedelta(days=8)
        led.record_sent("remind/县住建/def", "县住房城乡建设局", "def", "smtp")
        led.record_sent("receipt/县住建/1", "县住房城乡建设局", "r1", "smtp", kind="receipt")
        record = led.sent_before("remind/县住建/abc")
        assert record is not None and record.transport == "eml" and record.digest == "abc"
        last = led.last_sent("县住房城乡建设局")
        assert last is not None and last.digest == "def" and last.sent_at == clock[0]
        assert led.last_sent("县应急管理局") is None


def test_writes_from_threads(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite3") as led:

        def worker(n: int) -> None:
            for i in range(20):
                led.record_sent(f"k{n}-{i}", "县住房城乡建设局", "d", "eml")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        db = sqlite3.connect(led.path)
        assert db.execute("SELECT COUNT(*) FROM sent").fetchone()[0] == 80
        db.close()


def test_the_inbox_is_never_touched(inbox: Path, ledger: Ledger, registry: DepartmentRegistry) -> None:
    before = tree_hashes(inbox)
    listing = sorted(os.listdir(inbox))
    run_once(inbox, ledger, registry)
    run_once(inbox, ledger, registry)
    ledger.understood()
    assert tree_hashes(inbox) == before
    assert sorted(os.listdir(inbox)) == listing


# --------------------------------------------------------------------------------------------
# Crash safety: a real process, really killed
# --------------------------------------------------------------------------------------------

N_DOCS = 600

WORKER = textwrap.dedent(
    """
    import hashlib, sys
    from pathlib import Path
    from pipeline.discover import Discovery
    from pipeline.ledger import Ledger
    from pipeline.models import Evidence, Facts, Match, SourceFile

    path, n = Path(sys.argv[1]), int(sys.argv[2])
    files = []
    for i in range(n):
        text = f"文件{i} 蓬安委〔2022〕{i}号 " * 20
        files.append(SourceFile(f"/inbox/d/{i}.txt", f"县住建/{i}.txt", "县住房城乡建设局", "县住建",
                                hashlib.sha256(text.encode()).hexdigest(), len(text), 1.0 + i, "txt"))
    with Ledger(path) as led:
        run = led.begin_run()
        plan = led.plan(Discovery(tuple(files), (), (), ()), run_id=run)
        print("planned", len(plan.to_read), len(plan.to_understand), flush=True)
        for k, f in enumerate(plan.to_read + plan.to_understand):
            i = int(f.rel_path.split("/")[1].split(".")[0])
            if f in plan.to_read:
                led.record_evidence(Evidence(f, f"文件{i} 蓬安委〔2022〕{i}号 " * 20), run_id=run)
            led.record_understanding(f.sha256, Facts(title=f"文件{i}"), (
                Match(f.rel_path, "7(2)", 80.0, ("理由",)), Match(f.rel_path, "9(1)", 50.0, ("理由",), "review")))
            print("done", k, flush=True)
        # Reminders come from the whole state, not from what this run read (as in the flow).
        for i in range(0, n, 10):
            if led.sent_before(f"mail/{i}") is None:
                led.record_sent(f"mail/{i}", "县住房城乡建设局", str(i), "eml")
                print("sent", i, flush=True)
        led.finish_run(run, plan.counts)
    print("finished", flush=True)
    """
)


def _start(script: Path, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(script), str(db), str(N_DOCS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def _kill_after(proc: subprocess.Popen[str], lines: int) -> int:
    """SIGKILL the writer after it reported ``lines`` progress lines; how many it reported."""
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        if line.startswith("done"):
            seen += 1
            if seen >= lines:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return seen


@pytest.mark.timeout(120)
def test_sigkilled_writer_then_rerun_finishes_with_no_double_entries(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    db = tmp_path / "state" / "ledger.sqlite3"

    reported = 0
    for lines in (1, 37, 150):
        reported += _kill_after(_start(script, db), lines)
        with Ledger(db) as led:  # reopens cleanly after every kill
            assert led.integrity_check() == []
    # Kill by time alone, wherever the writer happens to be (importing, planning, mid-transaction).
    for delay in (0.05, 0.15, 0.25, 0.35):
        proc = _start(script, db)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Ledger(db) as led:
            assert led.integrity_check() == []

    proc = _start(script, db)
    out, err = proc.communicate(timeout=100)
    assert proc.returncode == 0, err
    planned = int(out.splitlines()[0].split()[1])
    assert planned <= N_DOCS - reported  # what was committed before a kill is not read again
    assert out.splitlines()[-1] == "finished"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == N_DOCS
    assert conn.execute("SELECT COUNT(*) FROM contents").fetchone()[0] == N_DOCS
    assert conn.execute("SELECT COUNT(DISTINCT sha256) FROM contents").fetchone()[0] == N_DOCS
    assert conn.execute("SELECT COUNT(*) FROM matches").fetchone()[0] == 2 * N_DOCS
    assert conn.execute("SELECT COUNT(*) FROM contents WHERE facts IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sent").fetchone()[0] == N_DOCS // 10
    statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "finished"
    assert statuses[:3] == ["interrupted"] * 3  # the kills after progress lines
    assert "running" not in statuses  # a timed kill may also land after a run finished
    conn.close()
    with Ledger(db) as led:
        understood = led.understood()
        assert len(understood) == N_DOCS
        assert all(u.status == "matched" and len(u.matches) == 2 for u in understood)


def test_plan_accepts_a_hand_built_discovery(ledger: Ledger) -> None:
    f = SourceFile("/x/a.txt", "县住建/a.txt", None, "县住建", "0" * 64, 1, 1.0, "txt")
    plan = ledger.plan(Discovery((f,), (), (), ()), dry_run=True)
    assert plan.to_read == (f,)
    assert ledger.plan(Discovery((f,), (), (), ()), dry_run=True).new == (f,)  # dry run recorded nothing


def test_read_but_not_understood_content_is_planned_for_understanding(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    plan = run_once(inbox, ledger, registry)  # read, never understood (killed between stages)
    done = plan.to_read[0]
    ledger.record_understanding(done.sha256, Facts(), ())
    again = ledger.plan(discover(inbox, registry, known=ledger.known))
    assert again.to_read == ()
    assert sorted(f.rel_path for f in again.to_understand) == sorted(f.rel_path for f in plan.to_read[1:])
    with pytest.raises(LedgerError, match="尚未记录"):
        ledger.record_understanding("f" * 64, Facts(), ())


def test_a_file_unreadable_this_time_is_not_withdrawn(
    inbox: Path, ledger: Ledger, registry: DepartmentRegistry
) -> None:
    run_once(inbox, ledger, registry)
    found = discover(inbox, registry, known=ledger.known)
    locked = "县住建/方案.txt"
    problem = Problem(locked, "unreadable", "无法读取该文件（可能没有读取权限或正在被占用）")
    partial = Discovery(
        tuple(f for f in found.files if f.rel_path != locked),
        found.skipped,
        (problem,),
        found.unresolved_folders,
    )
    plan = ledger.plan(partial)
    assert plan.withdrawn == ()
    (u,) = [u for u in ledger.understood() if u.source.rel_path == locked]
    assert [p.code for p in u.problems] == ["unreadable"]
