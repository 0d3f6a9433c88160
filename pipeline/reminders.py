"""Which messages a run owes each department: a gap reminder and, for new files, a receipt.

The bodies come from the department's own report (``pipeline.reports``), so a message never holds
another department's data; the attachment is the department's rows of the matrix.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from datetime import date

from pipeline.config import Config
from pipeline.departments import DepartmentRegistry
from pipeline.matrix import Matrix
from pipeline.models import Understood
from pipeline.notify import SUBJECT_RECEIPT, Attachment, Message, gaps_digest, reminder_subject
from pipeline.reports import render_department_report
from pipeline.workbook import department_workbook


def build_messages(
    matrix: Matrix,
    registry: DepartmentRegistry,
    *,
    today: date,
    newly_processed: Collection[str],
    config: Config,
) -> list[Message]:
    """Reminders for departments with gaps, receipts for departments whose files were just read."""
    messages: list[Message] = []
    days_left = matrix.days_left
    near = days_left is not None and days_left <= config.escalate_days
    for department in registry.departments:
        name = department.name
        to = tuple(department.email)
        gaps = matrix.gaps_for(name)
        if gaps:
            report = render_department_report(matrix, name)
            digest = gaps_digest(report.gap_lines)
            missing = any(g.status == "缺失" for g in gaps)
            cc = (config.leader_email,) if near and missing and config.leader_email else ()
            messages.append(
                Message(
                    key=f"reminder:{name}:{digest}:{today.isoformat()}",
                    kind="reminder",
                    department=name,
                    to=to,
                    cc=cc,
                    subject=reminder_subject(days_left),
                    text=report.text,
                    html=report.html,
                    digest=digest,
                    attachments=(Attachment(f"{name}-任务清单.xlsx", department_workbook(matrix, name)),),
                )
            )
        fresh = [u for u in matrix.files_for(name) if u.source.rel_path in newly_processed]
        if fresh:
            messages.append(_receipt(name, to, fresh))
    return messages


def _receipt(department: str, to: tuple[str, ...], files: list[Understood]) -> Message:
    lines = [f"{department}：", "", "县安办已收到并处理以下佐证资料：", ""]
    for u in files:
        name = u.source.rel_path.split("/", 1)[-1]
        if u.problems:
            understood = "有问题：" + "；".join(p.message for p in u.problems)
        elif u.duplicate_of:
            understood = "与已收到的文件内容相同（重复提交）"
        else:
            ids = [m.sub_item_id + ("（待确认）" if m.status == "review" else "") for m in u.matches
                   if m.status in ("confident", "manual", "review")]  # fmt: skip
            understood = (
                "对应指标 " + "、".join(ids) if ids else "未能对应到考核指标，请在文件名中注明指标编号"
            )
        lines.append(f"- {name}：{understood}")
    lines += ["", "如理解有误，请回复本邮件或联系县安办。"]
    text = "\n".join(lines)
    body = "".join(f"<p>{html.escape(line)}</p>" if line else "" for line in lines)
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body style="font-family: sans-serif; max-width: 40em;">{body}</body></html>'
    )
    digest = gaps_digest([f"{u.source.rel_path}|{u.source.sha256}" for u in files])
    return Message(
        key=f"receipt:{department}:{digest}",
        kind="receipt",
        department=department,
        to=to,
        subject=SUBJECT_RECEIPT.format(department=department),
        text=text,
        html=page,
        digest=digest,
    )
