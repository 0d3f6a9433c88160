"""A small, realistic inbox built in code: a few departments' folders holding Word, Excel, text and
text-layer PDF files (no scans: nothing here needs OCR), plus the files a run is configured with.

``build_inbox`` writes:

- ``应急局/蓬安办发〔2022〕12号 关于开展安全生产大检查的通知.docx`` — the county notice (a 文号 and a table)
- ``应急局/2022年安全生产大检查通知.pdf`` — the same notice as a text-layer PDF
- ``住建/城镇燃气安全隐患排查台账.xlsx`` — a 台账 of inspected sites
- ``住建/安全生产工作会议纪要.txt`` — minutes of a meeting, dated
- ``交通运输局/道路运输安全专项整治工作方案.txt`` — a plan
- with ``corrupt=True`` also ``交通运输局/损坏的总结.docx`` — a Word file cut in half (a problem file)

``NEW_FILE`` is the one file a test adds later (to 交通运输局).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from pipeline.departments import bundled_departments_path, load_departments
from tests.builders.office import write_docx, write_xlsx
from tests.builders.scans import build_text_pdf

# folder → the canonical department it resolves to
FOLDERS: Mapping[str, str] = {
    "应急局": "县应急管理局",
    "住建": "县住房城乡建设局",
    "交通运输局": "县交通运输局",
}
NOTICE_DOCX = "应急局/蓬安办发〔2022〕12号 关于开展安全生产大检查的通知.docx"
NOTICE_PDF = "应急局/2022年安全生产大检查通知.pdf"
LEDGER_XLSX = "住建/城镇燃气安全隐患排查台账.xlsx"
MINUTES_TXT = "住建/安全生产工作会议纪要.txt"
PLAN_TXT = "交通运输局/道路运输安全专项整治工作方案.txt"
CORRUPT_DOCX = "交通运输局/损坏的总结.docx"
NEW_FILE = "交通运输局/2022年道路交通安全隐患排查整治总结.txt"

MINUTES = (
    "县住建局安全生产工作会议纪要\n"
    "2022年5月6日，县住建局召开安全生产工作会议，传达学习上级安全生产会议精神，"
    "研究部署城镇燃气安全排查整治工作。\n"
)
PLAN = (
    "县交通运输局道路运输安全专项整治工作方案\n"
    "为深入开展道路运输安全专项整治，制定本方案。一、整治时间：2022年4月至12月。"
    "二、整治内容：客运、危险货物运输、农村道路交通安全隐患排查整治。\n"
    "县交通运输局\n2022年4月2日\n"
)
SUMMARY = (
    "县交通运输局2022年道路交通安全隐患排查整治工作总结\n"
    "全年共排查道路交通安全隐患35处，已整改33处，挂牌督办2处。\n"
    "县交通运输局\n2022年11月20日\n"
)


def build_inbox(inbox: Path, *, corrupt: bool = False) -> list[str]:
    """Write the inbox described above; returns the rel_paths written."""
    for folder in FOLDERS:
        (inbox / folder).mkdir(parents=True, exist_ok=True)
    write_docx(inbox / NOTICE_DOCX)
    build_text_pdf(inbox / NOTICE_PDF)
    write_xlsx(
        inbox / LEDGER_XLSX,
        {
            "排查台账": [
                ("序号", "检查对象", "检查日期", "隐患数", "整改情况"),
                (1, "蓬溪县城区燃气站", "2022-05-10", 2, "已整改"),
                (2, "赤城镇液化气供应点", "2022-05-12", 1, "整改中"),
            ]
        },
    )
    (inbox / MINUTES_TXT).write_text(MINUTES, encoding="utf-8")
    (inbox / PLAN_TXT).write_text(PLAN, encoding="utf-8")
    written = [NOTICE_DOCX, NOTICE_PDF, LEDGER_XLSX, MINUTES_TXT, PLAN_TXT]
    if corrupt:
        data = (inbox / NOTICE_DOCX).read_bytes()
        (inbox / CORRUPT_DOCX).write_bytes(data[: len(data) // 2])
        written.append(CORRUPT_DOCX)
    return written


def add_new_file(inbox: Path) -> str:
    (inbox / NEW_FILE).parent.mkdir(parents=True, exist_ok=True)
    (inbox / NEW_FILE).write_text(SUMMARY, encoding="utf-8")
    return NEW_FILE


def tree_hashes(root: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime_ns of every file under ``root``: equal before and after means untouched."""
    out: dict[str, tuple[str, int]] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
    return out


def write_departments(
    path: Path, *, domain: str = "county.test", without: tuple[str, ...] = ()
) -> dict[str, str]:
    """The bundled registry with an address for every department (``d01@county.test`` …) except
    those in ``without``; returns department name → address."""
    text = bundled_departments_path().read_text(encoding="utf-8")
    names = [d.name for d in load_departments(bundled_departments_path()).departments]
    addresses: dict[str, str] = {}
    blocks = re.split(r"(?m)^(?=\[\[)", text)
    out: list[str] = []
    for block in blocks:
        m = re.search(r'(?m)^name = "([^"]+)"', block)
        if block.startswith("[[department]]") and m and m.group(1) not in without:
            address = f"d{names.index(m.group(1)) + 1:02d}@{domain}"
            addresses[m.group(1)] = address
            block = re.sub(r"(?m)^email = \[\]", f'email = ["{address}"]', block)
        out.append(block)
    path.write_text("".join(out), encoding="utf-8")
    return addresses


def write_config(path: Path, values: Mapping[str, object], smtp: Mapping[str, object] | None = None) -> Path:
    """An evidence.toml with top-level ``values`` and an optional ``[smtp]`` table."""

    def toml(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"{k} = {toml(v)}" for k, v in values.items()]
    if smtp:
        lines += ["", "[smtp]", *(f"{k} = {toml(v)}" for k, v in smtp.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
