"""``evidence inspect`` and ``evidence assign``: what the pipeline makes of given files, and a person's
correction of it. Inspecting writes nothing to the ledger (it reads the office's examples from it); it
reads files into a private scratch folder.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.departments import resolve_department
from pipeline.discover import sha256_file
from pipeline.errors import ConfigError
from pipeline.ledger import LEDGER_FILE, Ledger
from pipeline.matrix import check_occurrences, event_loss, fmt_points
from pipeline.models import Evidence, Facts, Match, SourceFile
from pipeline.overrides import (
    NOT_EVIDENCE,
    Occurrence,
    apply_overrides,
    assign,
    clear_occurrence,
    load_overrides,
    normalise_sub_item_id,
    record_occurrence,
)
from pipeline.readers import ReadContext, detect_format
from pipeline.stages import Workspace, attach_examples, open_workspace, read_batch, understand


@dataclass(frozen=True)
class InspectRecord:
    file: str
    format: str
    department: str | None
    evidence: Evidence
    facts: Facts
    matches: tuple[Match, ...]

    def to_json(self) -> dict[str, Any]:
        f = self.facts
        live = [m for m in self.matches if m.status not in ("rejected", "suggested")]
        return {
            "file": self.file,
            "format": self.format,
            "department": self.department,
            "kind": f.kind,
            "title": f.title,
            "date": f.date.isoformat() if f.date else None,
            "dates": [d.isoformat() for d in f.dates],
            "doc_numbers": [d.canonical for d in f.doc_numbers],
            "doc_numbers_written": [d.raw for d in f.doc_numbers],
            "bare_numbers": list(f.bare_numbers),
            "titles": list(f.titles),
            "organ": f.organ,
            "keywords": list(f.keywords),
            "items": [m.sub_item_id for m in live],
            "matches": [
                {
                    "sub_item": m.sub_item_id,
                    "score": round(m.score, 1),
                    "status": m.status,
                    "reasons": list(m.reasons),
                }
                for m in self.matches
            ],
            "reasons": {m.sub_item_id: list(m.reasons) for m in live},
            "ocr": self.evidence.ocr,
            "pages": len(self.evidence.pages),
            "problems": [{"code": p.code, "message": p.message} for p in self.evidence.problems],
        }

    def to_text(self) -> str:
        j = self.to_json()
        status = {
            "confident": "匹配",
            "review": "待确认",
            "manual": "人工指定",
            "rejected": "不采用",
            "suggested": "待确认建议（未达匹配阈值）",
        }
        lines = [
            f"文件：{self.file}",
            f"  格式：{self.format}{'（OCR 识别）' if self.evidence.ocr else ''}    部门：{self.department or '未识别部门'}",
            f"  类型：{j['kind']}    标题：{j['title'] or '—'}    日期：{j['date'] or '—'}",
        ]
        if self.facts.doc_numbers:
            numbers = "；".join(
                d.canonical if d.raw == d.canonical else f"{d.canonical}（原文：{d.raw}）"
                for d in self.facts.doc_numbers
            )
            lines.append(f"  文号：{numbers}")
        if j["titles"]:
            lines.append("  引用：" + "；".join(f"《{t}》" for t in j["titles"]))
        if j["keywords"]:
            lines.append("  关键词：" + "、".join(j["keywords"][:12]))
        for p in self.evidence.problems:
            lines.append(f"  问题：{p.message}")
        if not any(m.status != "suggested" for m in self.matches):
            lines.append(
                "  指标：未匹配到任何指标" + ("，以下是得分最高的候选，供人工确认" if self.matches else "")
            )
        for m in self.matches:
            lines.append(f"  指标 {m.sub_item_id}  得分 {m.score:.1f}  {status.get(m.status, m.status)}")
            lines.extend(f"      · {r}" for r in m.reasons)
        return "\n".join(lines)


def _place(path: Path, ws: Workspace) -> tuple[str, str, str | None]:
    """rel_path, top folder and department of a file: through the inbox layout when it is inside."""
    inbox = ws.config.inbox.resolve()
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(inbox).as_posix()
        folder = rel.split("/", 1)[0] if "/" in rel else ""
    except ValueError:
        rel = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
        folder = path.parent.name
    department = None
    if folder:
        resolution = resolve_department(folder, ws.registry)
        department = resolution.department.name if resolution.department else None
    return rel, folder, department


def _source(path: Path, ws: Workspace) -> SourceFile:
    if not path.is_file():
        raise ConfigError(f"找不到文件：{path}")
    rel, folder, department = _place(path, ws)
    sha, head = sha256_file(str(path))
    st = path.stat()
    return SourceFile(
        path=str(path),
        rel_path=rel,
        department=department,
        folder=folder,
        sha256=sha,
        size=st.st_size,
        mtime=st.st_mtime,
        format=detect_format(path, head),
    )


def inspect_files(paths: list[Path], config: Config) -> list[InspectRecord]:
    ws = open_workspace(config)
    overrides = load_overrides(config.state, ws.known_ids) if config.state.exists() else None
    if (config.state / LEDGER_FILE).is_file():  # the office's examples speak here as in a run
        with Ledger.for_config(config) as ledger:
            ws = attach_examples(ledger, ws)
    records: list[InspectRecord] = []
    with tempfile.TemporaryDirectory(prefix="evidence-inspect-") as tmp:
        ctx = ReadContext(limits=config.limits, scratch=Path(tmp), ocr_cache=Path(tmp) / "ocr")
        for path in paths:
            source = _source(path, ws)
            evidence = read_batch([source], ctx)
            understood = {u.sha256: u for u in understand(evidence, ws)}
            for ev in evidence:
                u = understood.get(ev.source.sha256)
                facts = u.facts if u else Facts()
                matches = u.matches if u else ()
                if overrides is not None:
                    matches = apply_overrides(ev.source.rel_path, ev.source.sha256, matches, overrides)
                department = ev.source.department or facts.organ
                records.append(
                    InspectRecord(ev.source.rel_path, ev.source.format, department, ev, facts, matches)
                )
    return records


def record_outcome(
    sub_item: str, deduct: float | None, config: Config, *, note: str = "", clear: bool = False
) -> str:
    """Record that an outcome sub-item's adverse event happened (or withdraw it): the projection
    then loses those points for certain instead of assuming nothing happened."""
    ws = open_workspace(config)
    sub_id = normalise_sub_item_id(sub_item)
    if clear:
        if clear_occurrence(config.state, sub_id):
            return (
                f"已撤销：指标 {sub_id} 的已发生扣分情形。下次运行 evidence run 或 evidence report 时生效。"
            )
        return f"指标 {sub_id} 没有登记过已发生的扣分情形，未作改动。"
    check_occurrences(ws.rubric, [Occurrence(sub_id)])
    entry = record_occurrence(config.state, sub_id, deduct, known_ids=ws.known_ids, note=note)
    sub = ws.rubric.sub_item(entry.sub_item_id)
    loss = event_loss(sub, ws.rubric.item(sub.item_no), entry)
    capped = f"（细则规定本项最多扣 {fmt_points(loss)} 分）" if deduct is not None and loss < deduct else ""
    return (
        f"已登记：指标 {entry.sub_item_id} 已发生扣分情形，扣 {fmt_points(loss)} 分{capped}。"
        "下次运行 evidence run 或 evidence report 时，预计得分随之核减。"
    )


def assign_file(path: Path, sub_items: list[str] | None, config: Config, *, note: str = "") -> str:
    """Record a person's decision for one inbox file; it wins over the matcher on every later run."""
    ws = open_workspace(config)
    source = _source(path, ws)
    entry = assign(config.state, source.rel_path, source.sha256, sub_items, known_ids=ws.known_ids, note=note)
    what = NOT_EVIDENCE if entry.sub_item_ids is None else "指标 " + "、".join(entry.sub_item_ids)
    return f"已记录：{source.rel_path} → {what}。下次运行 evidence run 或 evidence report 时生效。"
