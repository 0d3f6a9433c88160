"""The completeness workbook ``完整性矩阵.xlsx`` the county office reads every morning (issue 5 §2).

Sheets: 总览, 矩阵, 佐证清单, 问题文件, 催办 and, with a registry, 未设置邮箱. Every string that comes from a
file, a folder or a name goes through ``_put``: it is stripped of characters XML cannot hold and, when it
starts like a formula, stored as text (openpyxl turns any "=…" value into a formula otherwise).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.atomic import atomic_path
from pipeline.matrix import STATUS_SYMBOL, Matrix, SubItemStatus
from pipeline.models import Department, Understood

FILLS = {
    "完成": PatternFill("solid", fgColor="C6EFCE"),
    "部分": PatternFill("solid", fgColor="FFEB9C"),
    "缺失": PatternFill("solid", fgColor="FFC7CE"),
    "待确认": PatternFill("solid", fgColor="DDEBF7"),
    "结果类": PatternFill("solid", fgColor="EDEDED"),
}
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)
LINK = Font(color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")
MAX_WIDTH = 60
_FORMULA_START = ("=", "+", "-", "@")
_MAX_CELL = 32767


class DepartmentRegistryLike(Protocol):
    @property
    def departments(self) -> tuple[Department, ...]: ...


def display_width(text: str) -> int:
    """Columns a text needs: CJK (wide/full-width) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one value; text is never evaluated as a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL]
        cell.value = value
        if value.startswith(_FORMULA_START):
            cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _row(ws: Worksheet, row: int, values: Sequence[Any]) -> list[Cell]:
    return [_put(ws, row, i, v) for i, v in enumerate(values, 1)]


def _header(ws: Worksheet, values: Sequence[str], row: int = 1) -> None:
    for cell in _row(ws, row, values):
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _fit_columns(ws: Worksheet, *, minimum: int = 4, fixed: dict[int, int] | None = None) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            longest = max((display_width(line) for line in str(cell.value).splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, minimum), longest)
    for col, width in widths.items():
        width = (fixed or {}).get(col, width)
        ws.column_dimensions[get_column_letter(col)].width = min(width + 2, MAX_WIDTH)


def _print_setup(ws: Worksheet, title_rows: str = "1:1") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def _table_sheet(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    _header(ws, header)
    n = 1
    for n, values in enumerate(rows, 2):
        for cell in _row(ws, n, values):
            cell.alignment = WRAP
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(n, 1)}"
    _fit_columns(ws)
    _print_setup(ws)
    return n


def _fmt(x: float) -> float:
    value = round(x, 2)
    return value if value != 0 else 0.0


def _num(x: float) -> str:
    value = round(x, 2)
    return f"{value if value != 0 else 0.0:g}"  # never "-0"


def _pct(done: int, total: int) -> float:
    return round(done / total, 4) if total else 1.0


# ---- 总览 ------------------------------------------------------------------------------------------


def _overview(ws: Worksheet, m: Matrix) -> None:
    by_item: dict[int, list[SubItemStatus]] = {}
    for s in m.sub_items:
        by_item.setdefault(s.item_no, []).append(s)
    _put(ws, 1, 1, m.rubric.title or f"{m.assessment_year}年度考核").font = Font(bold=True, size=14)
    info = [
        ("考核年度", m.assessment_year),
        ("统计日期", m.today.isoformat()),
        ("截止日期", m.deadline.isoformat() if m.deadline else "未设置"),
        ("剩余天数", m.days_left if m.days_left is not None else "—"),
        ("预计得分", _fmt(m.projected)),
        (
            "得分范围",
            f"{_num(m.projected_low)} – {_num(m.projected_high)}（部分完成的细项按一半计入预计得分；{m.outcome_basis}）",
        ),
    ]
    for i, (k, v) in enumerate(info, 2):
        _put(ws, i, 1, k).font = BOLD
        _put(ws, i, 2, v)
    top = len(info) + 3
    header = [
        "部分 / 类别",
        "分值",
        "风险分（缺失）",
        "风险分（含部分、待确认）",
        "完成率",
        "预计得分",
        "得分范围",
    ]
    _header(ws, header, top)
    row = top
    veto = m.veto_item

    def stats(items: Iterable[int]) -> tuple[float, float, int, int]:
        subs = [s for no in items for s in by_item.get(no, [])]
        done = sum(1 for s in subs if s.status == "完成")
        owed = sum(1 for s in subs if s.status != "结果类")  # an outcome sub-item owes no evidence
        return sum(s.at_risk_low for s in subs), sum(s.at_risk_high for s in subs), done, owed

    def line(label: str, points: float, items: list[int], bold: bool) -> None:
        nonlocal row
        row += 1
        low, high, done, total = stats(items)
        values = [
            label,
            _fmt(points),
            _fmt(low),
            _fmt(high),
            _pct(done, total),
            _fmt(points - (low + high) / 2),
            f"{_num(points - high)} – {_num(points - low)}",
        ]
        cells = _row(ws, row, values)
        cells[4].number_format = "0%"
        if bold:
            for c in cells:
                c.font = BOLD

    for part in m.rubric.parts:
        line(f"{part.no}、{part.title}", part.points, [i.no for c in part.categories for i in c.items], True)
        for cat in part.categories:
            line(f"    （{cat.no}）{cat.title}", cat.points, [i.no for i in cat.items], False)
    all_items = [i.no for i in m.rubric.items()]
    line("合计", m.total_points, all_items, True)

    row += 2
    if veto is not None:
        item = m.rubric.item(veto)
        _put(ws, row, 1, "一票否决项").font = BOLD
        _put(
            ws,
            row,
            2,
            f"第{veto}项 {item.title.rstrip('。.')}：单独列示，不计入风险分；一旦触发，本年度考核作零分处理",
        )
        row += 1
    _put(ws, row, 1, "加分项").font = BOLD
    _put(ws, row, 2, f"已有佐证 {_num(m.bonus_claimed)} 分 / 上限 {_num(m.bonus_cap)} 分（不计入预计得分）")
    for bonus_id, paths in m.bonus_evidence:
        row += 1
        _put(ws, row, 2, bonus_id)
        _put(ws, row, 3, "；".join(paths))
    row += 2
    _put(ws, row, 1, "图例").font = BOLD
    for status, symbol in STATUS_SYMBOL.items():
        row += 1
        c = _put(ws, row, 1, f"{symbol} {status}")
        c.fill = FILLS[status]
    _fit_columns(ws, fixed={1: 28, 2: 12})
    ws.column_dimensions["B"].width = 14
    _print_setup(ws, f"{top}:{top}")


# ---- 矩阵 ------------------------------------------------------------------------------------------


def _matrix_sheet(ws: Worksheet, m: Matrix) -> None:
    fixed = ["细项", "项目分值", "可扣分", "状态", "考评内容"]
    header = fixed + list(m.departments)
    _header(ws, header)
    col_of = {d: len(fixed) + i for i, d in enumerate(m.departments, 1)}
    for r, s in enumerate(m.sub_items, 2):
        sub = m.rubric.sub_item(s.sub_item_id)
        item = m.rubric.item(s.item_no)
        text = f"{sub.short_text}\n【{s.occurred_note}】" if s.occurred_note else sub.short_text
        cells = _row(ws, r, [s.sub_item_id, _fmt(item.points), _fmt(s.max_loss + s.occurred), s.status, text])
        cells[3].fill = FILLS[s.status]
        cells[4].alignment = WRAP
        for c in s.cells:
            cell = _put(ws, r, col_of[c.department], STATUS_SYMBOL[c.status])
            cell.fill = FILLS[c.status]
            cell.alignment = CENTER
    last = len(m.sub_items) + 1
    ws.freeze_panes = ws.cell(row=2, column=len(fixed) + 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    _fit_columns(ws, fixed={5: 40})
    for d, col in col_of.items():  # department headers wrap; the symbols need little room
        ws.column_dimensions[get_column_letter(col)].width = min(max(display_width(d) // 2, 6), 14) + 2
    ws.row_dimensions[1].height = 48
    _print_setup(ws)


# ---- 佐证清单 ----------------------------------------------------------------------------------------


def _link(u: Understood, inbox: Path | None, workbook: Path) -> str | None:
    if inbox is None:
        return None
    rel = (u.source.container or u.source.rel_path).split("!/", 1)[0]
    target = os.path.relpath(Path(inbox) / rel, workbook.parent).replace(os.sep, "/")
    target = target.replace("%", "%25").replace("#", "%23").replace("?", "%3F")
    return target if target.startswith(".") else "./" + target


def _evidence_sheet(ws: Worksheet, m: Matrix, inbox: Path | None, workbook: Path) -> None:
    header = [
        "文件", "部门", "格式", "类型", "文号", "日期", "对应细项（得分）", "匹配理由", "状态", "问题",
        "待确认建议（未达匹配阈值）",
    ]  # fmt: skip
    status_cn = {
        "matched": "已匹配",
        "unmatched": "未匹配",
        "review": "待确认",
        "problem": "有问题",
        "duplicate": "重复",
    }

    def rows() -> Iterable[list[Any]]:
        for u in m.files:
            matches = sorted(
                (x for x in u.matches if x.status != "rejected"), key=lambda x: (-x.score, x.sub_item_id)
            )
            problems = [p.message for p in m.problems_for(u.source.rel_path)]
            if u.duplicate_of:
                problems.append(f"与 {u.duplicate_of} 内容相同")
            yield [
                u.source.rel_path,
                u.department or "未识别部门",
                u.source.format,
                u.facts.kind,
                "；".join(d.canonical for d in u.facts.doc_numbers),
                u.facts.date.isoformat() if u.facts.date else "",
                "；".join(
                    f"{x.sub_item_id}（{x.score:.1f}{'，待确认' if x.status == 'review' else ''}）"
                    for x in matches
                ),
                "\n".join(f"{x.sub_item_id}：{'；'.join(x.reasons)}" for x in matches),
                status_cn[u.status],
                "；".join(problems),
                "\n".join(f"{x.sub_item_id}（{x.score:.1f}）：{'；'.join(x.reasons)}" for x in u.suggestions),
            ]

    _table_sheet(ws, header, rows())
    for r, u in enumerate(m.files, 2):
        target = _link(u, inbox, workbook)
        if target:
            cell = ws.cell(row=r, column=1)
            cell.hyperlink = target
            cell.font = LINK
    for col in (1, 7, 8, 10, 11):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = min(ws.column_dimensions[letter].width or 10, 40)


# ---- 问题文件, 催办, 未设置邮箱 ------------------------------------------------------------------


def _problems_sheet(ws: Worksheet, m: Matrix) -> None:
    department = {u.source.rel_path: u.department or "" for u in m.files}

    def rows() -> Iterable[list[Any]]:
        for p in m.problems:
            kind = "内容不一致" if p.code == "inconsistent" else "无法读取或有问题"
            yield [p.rel_path, department.get(p.rel_path, ""), kind, p.code, p.message]
        for u in m.files:
            if u.duplicate_of:
                yield [
                    u.source.rel_path,
                    u.department or "",
                    "重复文件",
                    "duplicate",
                    f"与 {u.duplicate_of} 内容相同",
                ]
        for s in m.skipped:
            yield [s.rel_path, "", "已跳过", "skipped", s.reason]

    _table_sheet(ws, ["文件", "部门", "类别", "代码", "原因"], rows())


def _reminders_sheet(ws: Worksheet, m: Matrix) -> None:
    risk: dict[str, float] = {}
    for g in m.gaps:
        risk[g.department] = risk.get(g.department, 0.0) + g.points_at_risk
    order = {d: i for i, d in enumerate(m.departments)}
    departments = sorted(risk, key=lambda d: (-round(risk[d], 4), order.get(d, len(order))))

    def rows() -> Iterable[list[Any]]:
        for d in departments:
            for g in m.gaps_for(d):  # already sorted by points at risk
                yield [
                    d,
                    _fmt(risk[d]),
                    g.sub_item_id,
                    f"{STATUS_SYMBOL[g.status]} {g.status}",
                    _fmt(g.points_at_risk),
                    "、".join(g.missing_materials),
                    g.what_to_send,
                    "；".join(g.examples),
                    "；".join(g.reasons),
                ]

    header = [
        "部门",
        "部门风险分合计",
        "细项",
        "状态",
        "风险分",
        "缺少材料",
        "需提供（考核表原文）",
        "示例",
        "说明",
    ]
    _table_sheet(ws, header, rows())
    for col in (7, 8, 9):
        ws.column_dimensions[get_column_letter(col)].width = 50


def _no_email_sheet(ws: Worksheet, m: Matrix, registry: DepartmentRegistryLike) -> None:
    def rows() -> Iterable[list[Any]]:
        for d in registry.departments:
            if d.email:
                continue
            gaps = m.gaps_for(d.name)
            yield [d.name, d.kind, len(gaps), _fmt(sum(g.points_at_risk for g in gaps))]

    _table_sheet(ws, ["部门", "类型", "缺口数", "风险分"], rows())


def write_workbook(
    matrix: Matrix,
    path: Path | str,
    *,
    registry: DepartmentRegistryLike | None = None,
    inbox: Path | None = None,
) -> Path:
    """Write the workbook atomically; hyperlinks to the files are relative to ``path`` (needs ``inbox``)."""
    path = Path(path)
    wb = Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = "总览"
    _overview(overview, matrix)
    _matrix_sheet(wb.create_sheet("矩阵"), matrix)
    _evidence_sheet(wb.create_sheet("佐证清单"), matrix, inbox, path.absolute())
    _problems_sheet(wb.create_sheet("问题文件"), matrix)
    _reminders_sheet(wb.create_sheet("催办"), matrix)
    if registry is not None:
        _no_email_sheet(wb.create_sheet("未设置邮箱"), matrix, registry)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def department_workbook(matrix: Matrix, department: str) -> bytes:
    """One department's rows of the matrix, as the .xlsx attached to its reminder (only its data)."""
    import io

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "本部门任务"
    header = ["细项", "考评内容", "状态", "可能扣分", "缺少材料", "需提供（考核表原文）", "已收到的文件"]
    _header(ws, header)
    for r, cell in enumerate(matrix.cells_for(department), 2):
        sub = matrix.rubric.sub_item(cell.sub_item_id)
        gap = next((g for g in matrix.gaps_for(department) if g.sub_item_id == cell.sub_item_id), None)
        values = [
            cell.sub_item_id,
            sub.short_text,
            f"{STATUS_SYMBOL[cell.status]} {cell.status}",
            _fmt(cell.points_at_risk),
            "、".join(gap.missing_materials) if gap else "",
            gap.what_to_send if gap else "",
            "\n".join(p.rsplit("/", 1)[-1] for p in cell.evidence),
        ]
        cells = _row(ws, r, values)
        cells[2].fill = FILLS[cell.status]
        for c in cells:
            c.alignment = WRAP
    ws.freeze_panes = "B2"
    _fit_columns(ws, fixed={2: 40, 6: 50, 7: 40})
    _print_setup(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
