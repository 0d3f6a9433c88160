"""Per-department gap reports ``outbox/reports/<部门>.html`` and ``.txt`` (issue 5 §4).

A report is written for the department itself and doubles as the body of its reminder e-mail
(issue 6 §3), so it holds only that department's data: its cells, its gaps, the files it submitted and
their problems. Surprises, on purpose:

- A cell's evidence may include a file *issued* by the department but *submitted* by another one; the
  receipt lists only files the department submitted, and a duplicate of another department's file is
  named as such without its path.
- The HTML uses ``style`` attributes rather than a stylesheet: mail clients strip ``<style>`` blocks.
  Every string that is not a fixed label goes through ``html.escape``.
- ``gap_lines`` is what "the department is told": one line per gap and per problem file, without the
  date or the days left, so a reminder is re-sent when these lines change, not every day.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.atomic import atomic_write_text
from pipeline.binder import safe_component
from pipeline.matrix import Cell, Gap, Matrix, fmt_points
from pipeline.models import Match, Problem, Understood
from pipeline.rubric import OUTCOME_RULE

TEXT_WIDTH = 78
STATUS_ORDER: tuple[str, ...] = ("缺失", "部分", "待确认", "完成", "结果类")  # CellStatus values
MATCH_LABEL = {"confident": "已匹配", "manual": "人工确认", "review": "待确认"}
STATUS_COLOUR = {
    "完成": "#1e7b34",
    "部分": "#9a6700",
    "缺失": "#c62828",
    "待确认": "#1f5fa8",
    "结果类": "#8c8c8c",
}
FONT = '-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif'


@dataclass(frozen=True)
class DepartmentReport:
    department: str
    text: str
    html: str
    gap_lines: tuple[str, ...]  # what the department is told: decides whether a reminder changed


# --------------------------------------------------------------------------------------------
# Small formatting helpers (shared with the dashboard)
# --------------------------------------------------------------------------------------------


def fmt_date(value: object) -> str:
    from datetime import date

    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else ""


def deadline_text(matrix: Matrix) -> str:
    """截止日期：2022年11月30日（剩余29天）, 已逾期N天, 今天截止, or 未设置截止日期."""
    days = matrix.days_left
    if matrix.deadline is None or days is None:
        return "未设置截止日期"
    if days > 0:
        left = f"剩余{days}天"
    elif days == 0:
        left = "今天截止"
    else:
        left = f"已逾期{-days}天"
    return f"截止日期：{fmt_date(matrix.deadline)}（{left}）"


def display_width(text: str) -> int:
    """Columns a text needs in a terminal or a fixed-width mail: CJK characters count double."""
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(text: str, width: int = TEXT_WIDTH, indent: str = "", first: str | None = None) -> list[str]:
    """Wrap by display width; Chinese has no spaces to break at, so break between any two characters
    (at a space when one is near)."""
    lead = indent if first is None else first
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = lead
        used = display_width(current)  # kept up to date: measuring the whole line per character was quadratic
        for ch in paragraph:
            w = _char_width(ch)
            if used + w > width and current.strip():
                head, sep, tail = current.rpartition(" ")
                if sep and display_width(tail) < 16 and head.strip():
                    lines.append(head.rstrip())
                    current = indent + tail
                else:
                    lines.append(current.rstrip())
                    current = indent
                used = display_width(current)
                if ch == " ":
                    continue
            current += ch
            used += w
        lines.append(current.rstrip())
        lead = indent
    return lines


def report_names(departments: Iterable[str]) -> dict[str, str]:
    """Department → file stem of its report; safe on every file system, unique (hash suffix on a clash)."""
    import hashlib

    names: dict[str, str] = {}
    used: set[str] = set()
    for dept in departments:
        stem = safe_component(dept, fallback="部门")
        if stem.casefold() in used:
            stem = f"{stem}_{hashlib.sha256(dept.encode('utf-8')).hexdigest()[:6]}"
        used.add(stem.casefold())
        names[dept] = stem
    return names


def report_departments(matrix: Matrix) -> list[str]:
    """Departments that get a report: those with cells, then those that only submitted files."""
    out = list(matrix.departments)
    for u in matrix.files:
        d = u.department
        if d and d not in out:
            out.append(d)
    return out


# --------------------------------------------------------------------------------------------
# What goes into a report: gathered once, rendered twice
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ReceiptLine:
    rel_path: str
    matches: tuple[Match, ...]
    problems: tuple[Problem, ...]
    note: str  # 重复文件 / 未匹配 …


@dataclass(frozen=True)
class _Content:
    department: str
    title: str
    deadline: str
    counts: dict[str, int]
    at_risk: float
    gaps: tuple[Gap, ...]
    gap_texts: dict[str, str]  # sub-item id → short text
    full_texts: dict[str, str]  # sub-item id → the whole text, when the short one cut it
    receipt: tuple[_ReceiptLine, ...]
    skipped: tuple[tuple[str, str], ...]
    inbox_hint: str
    example_name: str


def _receipt(matrix: Matrix, department: str, files: Sequence[Understood]) -> tuple[_ReceiptLine, ...]:
    own = {u.source.rel_path for u in files}
    out: list[_ReceiptLine] = []
    for u in files:
        problems = tuple(dict.fromkeys((*u.problems, *matrix.problems_for(u.source.rel_path))))
        matches = tuple(
            sorted(
                (m for m in u.matches if m.status != "rejected"),
                key=lambda m: (m.status not in ("confident", "manual"), -m.score, m.sub_item_id),
            )
        )
        note = ""
        if u.duplicate_of:
            note = (
                f"与本单位已提交的“{u.duplicate_of}”内容相同，按重复文件处理"
                if u.duplicate_of in own
                else "与其他单位已提交的文件内容相同，按重复文件处理"
            )
        elif not matches and not problems and u.suggestions:
            near = "、".join(f"{m.sub_item_id}（{m.score:.0f}分）" for m in u.suggestions)
            note = f"未能确定对应的考核指标，可能对应 {near}，请县安办确认，或在文件名中写明指标编号"
        elif not matches and not problems:
            note = "未能对应到任何考核指标，请在文件名中写明指标编号"
        out.append(_ReceiptLine(u.source.rel_path, matches, problems, note))
    del department
    return tuple(out)


def _content(matrix: Matrix, department: str, inbox_label: str) -> _Content:
    cells: list[Cell] = matrix.cells_for(department)
    counts = {s: sum(1 for c in cells if c.status == s) for s in STATUS_ORDER}
    gaps = tuple(matrix.gaps_for(department))
    texts: dict[str, str] = {}
    full: dict[str, str] = {}
    for g in gaps:
        try:
            sub = matrix.rubric.sub_item(g.sub_item_id)
        except KeyError:
            texts[g.sub_item_id] = ""
            continue
        texts[g.sub_item_id] = sub.short_text
        if sub.short_text != sub.text:
            full[g.sub_item_id] = sub.text
    files = matrix.files_for(department)
    folders = {u.source.folder for u in files if u.source.folder}
    skipped = tuple((s.rel_path, s.reason) for s in matrix.skipped if s.rel_path.split("/")[0] in folders)
    folder = safe_component(department, fallback="部门")
    example = f"{gaps[0].sub_item_id}-方案.pdf" if gaps else "7(2)-方案.pdf"
    return _Content(
        department=department,
        title=f"{department}：{matrix.assessment_year}年度安全生产党政同责考核佐证资料情况",
        deadline=deadline_text(matrix),
        counts=counts,
        at_risk=round(sum(g.points_at_risk for g in gaps), 4),
        gaps=gaps,
        gap_texts=texts,
        full_texts=full,
        receipt=_receipt(matrix, department, files),
        skipped=skipped,
        inbox_hint=f"{inbox_label}/{folder}/",
        example_name=example,
    )


def _summary(c: _Content) -> str:
    total = sum(c.counts.values())
    return (
        f"负责指标{total}项：完成 {c.counts['完成']} 项，缺失 {c.counts['缺失']} 项，"
        f"部分 {c.counts['部分']} 项，待确认 {c.counts['待确认']} 项"
        + (f"，结果类 {c.counts['结果类']} 项（{OUTCOME_RULE}，不需专门佐证）" if c.counts["结果类"] else "")
    )


def _risk_line(c: _Content) -> str:
    return f"可能扣分合计 {fmt_points(c.at_risk)} 分"


def _match_line(m: Match) -> str:
    label = MATCH_LABEL.get(m.status, m.status)
    reasons = "；".join(m.reasons)
    return f"{m.sub_item_id}（匹配度{round(m.score)}，{label}）" + (f"：{reasons}" if reasons else "")


def _reasons(g: Gap) -> list[str]:
    """The cell's reasons, minus the 缺少材料 one that the report shows on its own line."""
    return [r for r in g.reasons if not (g.missing_materials and r.startswith("缺少材料："))]


def _how_to_submit(c: _Content) -> list[str]:
    return [
        f"请把文件放入 {c.inbox_hint} 文件夹。",
        f"文件名以指标编号开头，例如“{c.example_name}”，便于准确对应考核指标。",
        "请勿加密或压缩成带密码的压缩包；扫描件请保证清晰，照片请保留拍摄日期。",
    ]


def _gap_lines(c: _Content) -> tuple[str, ...]:
    lines = [
        f"{g.sub_item_id}｜{g.status}｜可能扣分{fmt_points(g.points_at_risk)}分"
        + (f"｜缺少：{'、'.join(g.missing_materials)}" if g.missing_materials else "")
        for g in c.gaps
    ]
    for r in c.receipt:
        lines.extend(f"问题文件｜{r.rel_path}｜{p.message}" for p in r.problems)
    return tuple(lines)


# --------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------


def _text(c: _Content) -> str:
    out: list[str] = [*wrap(c.title), "=" * min(TEXT_WIDTH, display_width(c.title)), c.deadline, ""]
    out += wrap("概况：" + _summary(c))
    out.append(_risk_line(c))
    out += ["", "一、缺项与不足（按可能扣分从高到低）", ""]
    if not c.gaps:
        out.append("   暂无缺项。")
    for n, g in enumerate(c.gaps, 1):
        head = f"{n}. {g.sub_item_id} {c.gap_texts.get(g.sub_item_id, '')}".rstrip()
        out += wrap(head, indent="   ", first="")
        out += wrap(
            f"状态：{g.status}；可能扣分 {fmt_points(g.points_at_risk)} 分", indent="   ", first="   "
        )
        if g.sub_item_id in c.full_texts:
            out += wrap("考核要求：" + c.full_texts[g.sub_item_id], indent="      ", first="   ")
        if reasons := _reasons(g):
            out += wrap("原因：" + "；".join(reasons), indent="      ", first="   ")
        out += wrap("需提交：" + g.what_to_send, indent="      ", first="   ")
        if g.missing_materials:
            out += wrap("缺少材料：" + "、".join(g.missing_materials), indent="      ", first="   ")
        if g.examples:
            out += wrap("参考示例：" + "；".join(g.examples), indent="      ", first="   ")
        out.append("")
    out += ["", "二、已收到的材料（回执）", ""]
    if not c.receipt:
        out.append("   尚未收到本单位提交的文件。")
    for n, r in enumerate(c.receipt, 1):
        out += wrap(f"{n}. {r.rel_path}", indent="   ", first="")
        for m in r.matches:
            out += wrap("→ " + _match_line(m), indent="        ", first="   ")
        for p in r.problems:
            out += wrap(f"问题：{p.message}", indent="        ", first="   ")
        if r.note:
            out += wrap(r.note, indent="   ", first="   ")
    if c.skipped:
        out += ["", "未读取的文件："]
        for rel, reason in c.skipped:
            out += wrap(f"- {rel}：{reason}", indent="  ")
    out += ["", "三、提交方式", ""]
    for line in _how_to_submit(c):
        out += wrap(line, indent="   ", first="   ")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# HTML (phone-readable, self-contained, mail-safe)
# --------------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _badge(status: str) -> str:
    colour = STATUS_COLOUR.get(status, "#555")
    return (
        f'<span style="display:inline-block;padding:0 6px;border-radius:4px;color:#fff;'
        f'background:{colour};font-size:13px">{_e(status)}</span>'
    )


_P = 'style="margin:4px 0;line-height:1.6"'
_H2 = 'style="font-size:17px;margin:22px 0 8px;padding-bottom:4px;border-bottom:2px solid #ddd"'
_CARD = 'style="margin:0 0 12px;padding:10px 12px;border:1px solid #e2e2e2;border-radius:8px;background:#fff"'


def _html(c: _Content) -> str:
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(c.title)}</title></head>",
        f'<body style="margin:0;padding:0;background:#f5f5f5;color:#222;font-family:{_e(FONT)}">',
        '<div style="max-width:720px;margin:0 auto;padding:12px 14px;word-break:break-word;'
        'overflow-wrap:anywhere">',
        f'<h1 style="font-size:20px;margin:8px 0">{_e(c.title)}</h1>',
        f"<p {_P}><strong>{_e(c.deadline)}</strong></p>",
        f"<p {_P}>{_e(_summary(c))}</p>",
        f"<p {_P}><strong>{_e(_risk_line(c))}</strong></p>",
        f"<h2 {_H2}>一、缺项与不足（按可能扣分从高到低）</h2>",
    ]
    if not c.gaps:
        parts.append(f"<p {_P}>暂无缺项。</p>")
    for g in c.gaps:
        parts.append(f"<div {_CARD}>")
        parts.append(
            f'<p style="margin:0 0 6px;font-weight:bold">{_e(g.sub_item_id)} '
            f"{_e(c.gap_texts.get(g.sub_item_id, ''))}</p>"
        )
        parts.append(
            f"<p {_P}>{_badge(g.status)} 可能扣分 <strong>{_e(fmt_points(g.points_at_risk))}</strong> 分</p>"
        )
        if g.sub_item_id in c.full_texts:
            parts.append(f"<p {_P}>考核要求：{_e(c.full_texts[g.sub_item_id])}</p>")
        if reasons := _reasons(g):
            parts.append(f"<p {_P}>原因：{_e('；'.join(reasons))}</p>")
        parts.append(f"<p {_P}>需提交：{_e(g.what_to_send)}</p>")
        if g.missing_materials:
            parts.append(f"<p {_P}>缺少材料：<strong>{_e('、'.join(g.missing_materials))}</strong></p>")
        if g.examples:
            parts.append(f"<p {_P}>参考示例：{_e('；'.join(g.examples))}</p>")
        parts.append("</div>")
    parts.append(f"<h2 {_H2}>二、已收到的材料（回执）</h2>")
    if not c.receipt:
        parts.append(f"<p {_P}>尚未收到本单位提交的文件。</p>")
    for r in c.receipt:
        parts.append(f"<div {_CARD}>")
        parts.append(f'<p style="margin:0 0 6px;font-weight:bold">{_e(r.rel_path)}</p>')
        if r.matches:
            parts.append('<ul style="margin:4px 0;padding-left:20px">')
            for m in r.matches:
                parts.append(f'<li style="margin:2px 0">{_e(_match_line(m))}</li>')
            parts.append("</ul>")
        for p in r.problems:
            parts.append(f'<p {_P}><span style="color:#c62828">问题：{_e(p.message)}</span></p>')
        if r.note:
            parts.append(f"<p {_P}>{_e(r.note)}</p>")
        parts.append("</div>")
    if c.skipped:
        parts.append(f'<p {_P}>未读取的文件：</p><ul style="margin:4px 0;padding-left:20px">')
        parts.extend(f"<li>{_e(rel)}：{_e(reason)}</li>" for rel, reason in c.skipped)
        parts.append("</ul>")
    parts.append(f"<h2 {_H2}>三、提交方式</h2>")
    parts.extend(f"<p {_P}>{_e(line)}</p>" for line in _how_to_submit(c))
    parts.append("</div></body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def render_department_report(
    matrix: Matrix, department: str, *, inbox_label: str = "inbox"
) -> DepartmentReport:
    """The report of one department, as plain text and HTML; ``inbox_label`` names the inbox folder."""
    c = _content(matrix, department, inbox_label)
    return DepartmentReport(department, _text(c), _html(c), _gap_lines(c))


def write_department_reports(matrix: Matrix, folder: Path) -> list[Path]:
    """``<folder>/<部门>.html`` and ``.txt`` for every department with cells or files; paths written."""
    written: list[Path] = []
    names = report_names(report_departments(matrix))
    for department, stem in names.items():
        report = render_department_report(matrix, department)
        for suffix, body in ((".html", report.html), (".txt", report.text)):
            path = Path(folder) / f"{stem}{suffix}"
            atomic_write_text(path, body)
            written.append(path)
    return written
