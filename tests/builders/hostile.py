"""The hostile inbox of issue 7 §1, built by code, and a Prefect-free run over it.

``build_hostile_inbox`` writes every kind of bad input a department has sent or could send: damaged and
encrypted files, bombs, zip slip, symlinks out of the inbox, unprintable and over-long names, names that
a spreadsheet or a browser would execute, a file over the size limit. Each entry says what must become of
it (``Expect``): read as evidence, or listed with one of a few problem codes.

``run_once`` does what ``flows.evidence_flow.evidence_run`` does, step for step, by calling the same
``pipeline.stages`` functions without Prefect (a run then takes a second instead of thirty).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pipeline import stages
from pipeline.config import MB, Config, Limits
from pipeline.departments import bundled_departments_path
from pipeline.discover import printable_name
from pipeline.ledger import Ledger
from tests.builders.office import (
    truncate,
    write_docx,
    write_encrypted_doc,
    write_encrypted_ooxml,
    write_entity_bomb_docx,
    write_nested_zip,
    write_xls,
    write_xlsx,
    write_zip,
    write_zip_bomb,
)
from tests.builders.scans import (
    build_broken_xref_pdf,
    build_encrypted_pdf,
    build_png_bomb,
    build_text_pdf,
    build_truncated_pdf,
)

SECRET_MARKER = "SECRET-MARKER-9f3c1e-外部机密"
DEPARTMENT = "县应急局"  # a folder name (alias) that resolves to 县应急管理局
EMPTY_DEPARTMENT = "县水利局"
MAX_FILE_BYTES = 2 * MB  # the test limit: every fixture but the oversized one stays below it
RUN_DAY = date(2022, 11, 1)  # inside the assessment year, before the deadline: reminders are due
GBK_NAME = "安全生产".encode("gbk") + b".docx"  # b"\xb0\xb2…": not UTF-8 (some GBK names happen to be)


@dataclass(frozen=True)
class Expect:
    """What must become of one inbox entry. ``codes`` empty: read as evidence; else one of the codes."""

    codes: frozenset[str] = frozenset()
    skipped: bool = False  # listed as skipped with a reason (symlinks), not read

    @property
    def readable(self) -> bool:
        return not self.codes and not self.skipped


OK = Expect()


def _problem(*codes: str) -> Expect:
    return Expect(frozenset(codes))


def hostile_config(root: Path, **limits: int) -> Config:
    """inbox/, outbox/ (state and scratch inside it) under ``root``; the bundled registry."""
    return Config(
        inbox=root / "inbox",
        outbox=root / "outbox",
        departments=bundled_departments_path(),
        limits=replace(Limits(max_file_bytes=MAX_FILE_BYTES), **limits),
    )


def _docx(path: Path, marker: str) -> Path:
    """A notice made distinct by ``marker`` (otherwise every copy would be a duplicate of the first)."""
    return write_docx(
        path, paragraphs=("蓬安办发〔2022〕12号", "关于开展安全生产大检查的通知", f"编号：{marker}")
    )


def build_hostile_inbox(inbox: Path, outside: Path) -> dict[str, Expect]:
    """Write the corpus; return ``rel_path`` (as discovery prints it) → what must become of it.

    ``outside`` is a folder beside the inbox holding a file with ``SECRET_MARKER`` that symlinks point at.
    """
    dept = inbox / DEPARTMENT
    dept.mkdir(parents=True)
    (inbox / EMPTY_DEPARTMENT).mkdir()
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "机密.txt"
    secret.write_text(f"{SECRET_MARKER}\n县应急管理局 安全生产 工作方案\n", encoding="utf-8")
    (outside / "sub").mkdir(exist_ok=True)
    (outside / "sub" / "机密2.txt").write_text(SECRET_MARKER, encoding="utf-8")

    expect: dict[str, Expect] = {}

    def put(name: str, outcome: Expect) -> None:
        expect[f"{DEPARTMENT}/{name}"] = outcome

    # A good file, so that the run has evidence to match.
    _docx(dept / "正常通知.docx", "正常")
    put("正常通知.docx", OK)

    # Damaged files
    truncate(_docx(dept / "截断.docx", "截断"), 0.5)
    put("截断.docx", _problem("corrupt"))
    (dept / "乱码.docx").write_bytes(b"this is not a zip at all " * 40)
    put("乱码.docx", _problem("corrupt"))
    truncate(write_xlsx(dept / "截断.xlsx", {"台账": [["序号", "单位"], [1, "某企业"]]}), 0.5)
    put("截断.xlsx", _problem("corrupt"))
    (dept / "乱码.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 200)
    put("乱码.xlsx", _problem("corrupt"))
    build_truncated_pdf(dept / "截断.pdf")
    put("截断.pdf", _problem("truncated", "corrupt"))
    (dept / "乱码.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    put("乱码.pdf", _problem("corrupt", "truncated"))
    build_broken_xref_pdf(dept / "交叉引用表损坏.pdf", recoverable=False)
    put("交叉引用表损坏.pdf", _problem("corrupt", "truncated"))
    truncate(write_zip(dept / "截断.zip", [("a.txt", "安全生产".encode() * 2000)]), 0.5)
    put("截断.zip", _problem("corrupt"))
    (dept / "乱码.zip").write_bytes(b"PK\x05\x06" + b"\xff" * 100)
    put("乱码.zip", _problem("corrupt"))

    # Encrypted
    build_encrypted_pdf(dept / "加密.pdf")
    put("加密.pdf", _problem("encrypted"))
    write_encrypted_ooxml(dept / "加密.docx")
    put("加密.docx", _problem("encrypted"))
    write_encrypted_ooxml(dept / "加密.xlsx")
    put("加密.xlsx", _problem("encrypted"))
    write_encrypted_doc(dept / "加密.doc")
    put("加密.doc", _problem("encrypted"))
    write_xls(dept / "加密.xls", "台账", [["序号"], [1.0]], encrypted=True)
    put("加密.xls", _problem("encrypted"))

    # Bombs
    write_zip_bomb(dept / "压缩炸弹.zip")
    put("压缩炸弹.zip", OK)  # the bundle itself is listed; its member is refused (next line)
    expect[f"{DEPARTMENT}/压缩炸弹.zip!/报表.txt"] = _problem("zip_bomb")
    write_nested_zip(dept / "多层嵌套.zip", 5, ("最里层.txt", "嵌套".encode()))
    put("多层嵌套.zip", OK)
    # the top zip is level 1: 第1层.zip (level 2) is expanded, 第2层.zip (level 3) is refused
    expect[f"{DEPARTMENT}/多层嵌套.zip!/第1层.zip!/第2层.zip"] = _problem("too_deep")
    write_entity_bomb_docx(dept / "实体炸弹.docx")
    put("实体炸弹.docx", _problem("hostile"))
    build_png_bomb(dept / "三万像素.png")
    put("三万像素.png", _problem("too_large"))

    # Zip slip: ../ and absolute names are refused, the honest member is read.
    write_zip(
        dept / "路径穿越.zip",
        [
            ("../../逃逸.txt", b"escape"),
            ("/tmp/evidence-desk-slip.txt", b"escape"),
            ("正常.txt", "安全生产会议纪要".encode()),
        ],
    )
    put("路径穿越.zip", OK)
    expect[f"{DEPARTMENT}/路径穿越.zip!/../../逃逸.txt"] = _problem("zip_slip")
    expect[f"{DEPARTMENT}/路径穿越.zip!//tmp/evidence-desk-slip.txt"] = _problem("zip_slip")
    expect[f"{DEPARTMENT}/路径穿越.zip!/正常.txt"] = OK

    # Symlinks out of the inbox: to a file, to a folder.
    os.symlink(secret, dept / "外部链接.txt")
    put("外部链接.txt", Expect(frozenset({"symlink_outside"}), skipped=True))
    os.symlink(outside / "sub", dept / "外部文件夹")
    put("外部文件夹", Expect(frozenset({"symlink_outside"}), skipped=True))

    # Names
    control = "控制\x07字符\x1b.docx"
    _docx(dept / control, "控制字符")
    put(printable_name(control), _problem("bad_name"))
    stem = "长" * 83  # 249 bytes of UTF-8 + ".docx" = 254; the file system allows 255
    long_name = stem + "a.docx"
    assert len(long_name.encode()) == 255
    _docx(dept / long_name, "长文件名")
    put(long_name, OK)
    gbk = os.fsencode(dept) + b"/" + GBK_NAME
    _docx(Path(os.fsdecode(gbk)), "GBK")
    put(printable_name(os.fsdecode(GBK_NAME)), _problem("bad_name"))
    for i, name in enumerate(
        ("=HYPERLINK(A1).docx", "+SUM(1).docx", "-2+3.docx", "@cmd.docx", "<script>alert(1)<script>.docx")
    ):
        _docx(dept / name, f"名称{i}")
        put(name, OK)

    # Size, type and emptiness
    (dept / "超大.txt").write_bytes(("安全生产" * 400_000).encode()[: MAX_FILE_BYTES + MB])
    put("超大.txt", _problem("too_large"))
    build_text_pdf(dept / "其实是PDF.docx")
    put("其实是PDF.docx", OK)
    _docx(dept / "其实是Word.pdf", "其实是Word")
    put("其实是Word.pdf", OK)
    (dept / "空文件.docx").write_bytes(b"")
    put("空文件.docx", _problem("empty"))
    return expect


BUSY_DEPARTMENTS = ("县应急局", "县教育和体育局", "县住房城乡建设局")


def build_busy_inbox(inbox: Path, files_per_department: int = 60) -> list[str]:
    """An ordinary inbox big enough that a run spends seconds in each stage (for the SIGKILL tests).

    Notices, 台账 and a zip bundle per department, one empty file; returns the rel_paths of the files
    on disk (zip members come on top when read).
    """
    rel_paths: list[str] = []
    for d, department in enumerate(BUSY_DEPARTMENTS):
        folder = inbox / department
        folder.mkdir(parents=True)
        for i in range(files_per_department):
            if i % 6 == 5:
                name = f"隐患排查台账{i:03d}.xlsx"
                write_xlsx(
                    folder / name, {"台账": [["序号", "单位", "隐患"], [1, f"企业{d}-{i}", "消防通道堵塞"]]}
                )
            else:
                name = f"安全生产通知{i:03d}.docx"
                _docx(folder / name, f"{department}-{i}")
            rel_paths.append(f"{department}/{name}")
        write_zip(
            folder / "会议资料.zip",
            [(f"纪要{k}.txt", f"{department}安全生产会议纪要{k}".encode()) for k in range(3)],
        )
        rel_paths.append(f"{department}/会议资料.zip")
    (inbox / BUSY_DEPARTMENTS[0] / "空文件.docx").write_bytes(b"")
    rel_paths.append(f"{BUSY_DEPARTMENTS[0]}/空文件.docx")
    return rel_paths


def tree_hashes(root: Path) -> dict[str, tuple[str, str]]:
    """Every entry under ``root`` (bytes names, links not followed) → (kind, sha256 or link target)."""
    import hashlib

    out: dict[str, tuple[str, str]] = {}
    base = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.fsdecode(os.path.relpath(full, base))
            if os.path.islink(full):
                out[rel] = ("link", os.fsdecode(os.readlink(full)))
            elif os.path.isdir(full):
                out[rel] = ("dir", "")
            else:
                with open(full, "rb") as f:
                    out[rel] = ("file", hashlib.sha256(f.read()).hexdigest())
    return out


def run_once(
    config: Config, today: date | None = None, workspace: stages.Workspace | None = None
) -> stages.RunSummary:
    """One run, the steps of ``evidence_run`` in the same order, without Prefect.

    ``workspace`` (from ``stages.open_workspace``, any config) saves the seconds of loading the rubric
    and the tokenizer again; its config is replaced by ``config``.
    """
    day = today or stages.today_in(config.timezone)
    ws = replace(workspace, config=config) if workspace else stages.open_workspace(config)
    with Ledger.for_config(config) as ledger:
        run_id = ledger.begin_run()
        discovery = stages.discover_inbox(ws, ledger)
        plan = stages.plan_reads(ledger, discovery, run_id)
        ctx = stages.read_context(config)
        read = 0
        for batch in stages.make_batches(plan.to_read):
            read += stages.record_batch(ledger, stages.read_batch(batch, ctx), ws, run_id)
        stages.understand_recorded(ledger, plan.to_understand, ws)
        matrix = stages.compute_matrix(ledger, ws, day)
        outputs = stages.write_outputs(matrix, ws)
        delivery = stages.send_reminders(matrix, ws, ledger, day, stages.newly_processed(plan, ledger))
        summary = stages.summarise(plan, discovery, read, outputs, delivery, ws)
        ledger.finish_run(run_id, summary.counts())
    return summary


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.builders.hostile ROOT [MAX_FILE_BYTES]``: one run over ROOT/inbox in this process.

    For tests that need a run in a process of its own (peak memory, SIGKILL, strace). Prints one JSON
    line: the peak RSS of this process and of its children (LibreOffice), in KiB, and the run's counts.
    """
    import json
    import resource
    import sys

    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0])
    config = hostile_config(root, **({"max_file_bytes": int(args[1])} if len(args) > 1 else {}))
    summary = run_once(config, today=RUN_DAY)
    print(
        json.dumps(
            {
                "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "children_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                "counts": summary.counts(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
