"""The static dashboard ``outbox/index.html`` (issue 5 §6): one self-contained page, no server, no JS.

It opens from a file share or a USB stick on an intranet PC, so it loads nothing: CSS is inline, bars are
``div`` widths, fonts are the system's. Every link is relative (``links`` refusing anything with a scheme),
every string from a file, a folder or the rubric is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from pipeline.atomic import atomic_write_text
from pipeline.matrix import SETTLED, Matrix, SubItemStatus
from pipeline.reports import (
    FONT,
    STATUS_COLOUR,
    STATUS_ORDER,
    deadline_text,
    fmt_points,
    report_departments,
    report_names,
)


def workbook_link(links: Mapping[str, str]) -> tuple[str, str] | None:
    """The (label, path) of the workbook among ``links``: labelled 完整性矩阵[.xlsx] or pointing to it."""
    for label, path in links.items():
        if label.startswith("完整性矩阵") or path.rsplit("/", 1)[-1].startswith("完整性矩阵"):
            return label, path
    return None


TOP_GAPS = 10
BAR_ORDER = ("完成", "部分", "待确认", "缺失", "结果类")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _href(path: str) -> str:
    """A relative link, percent-encoded (file names may hold #, ? or %) and escaped for the attribute."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith(("/", "\\")):
        raise ValueError(f"dashboard links must be relative paths, got {path!r}")
    return _e(quote(path, safe="/"))


def _bar(counts: Mapping[str, int]) -> str:
    total = sum(counts.values()) or 1
    segments = "".join(
        f'<div title="{_e(s)} {counts[s]}" style="width:{counts[s] * 100 / total:.2f}%;'
        f'background:{STATUS_COLOUR[s]}"></div>'
        for s in BAR_ORDER
        if counts.get(s)
    )
    return f'<div class="bar">{segments}</div>'


def _pct(n: int, total: int) -> str:
    return f"{(n * 100 / total if total else 0):.0f}%"


def _part_rows(matrix: Matrix) -> list[tuple[str, dict[str, int]]]:
    """Sub-item statuses counted per part of the rubric (the veto item is not among them)."""
    by_id = {s.sub_item_id: s for s in matrix.sub_items}
    rows: list[tuple[str, dict[str, int]]] = []
    for part in matrix.rubric.parts:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for category in part.categories:
            for item in category.items:
                for sub in item.sub_items:
                    if sub.id in by_id:
                        counts[by_id[sub.id].status] += 1
        rows.append((f"{part.no}、{part.title}", counts))
    return rows


def worst_gaps(matrix: Matrix, limit: int = TOP_GAPS) -> list[SubItemStatus]:
    """Sub-items not 完成, most points at risk first (then rubric order)."""
    order = {s.sub_item_id: i for i, s in enumerate(matrix.sub_items)}
    gaps = [s for s in matrix.sub_items if s.status not in SETTLED]
    gaps.sort(key=lambda s: (-s.at_risk_high, -s.at_risk_low, order[s.sub_item_id]))
    return gaps[:limit]


def _department_rows(matrix: Matrix) -> list[tuple[str, float, dict[str, int]]]:
    rows = []
    for dept in report_departments(matrix):
        cells = matrix.cells_for(dept)
        counts = {s: sum(1 for c in cells if c.status == s) for s in STATUS_ORDER}
        risk = round(sum(g.points_at_risk for g in matrix.gaps_for(dept)), 4)
        rows.append((dept, risk, counts))
    rows.sort(key=lambda r: (-r[1], -r[2]["缺失"], -r[2]["部分"]))
    return rows


_CSS = f"""
body{{margin:0;background:#f4f5f7;color:#222;font-family:{FONT};font-size:15px}}
main{{max-width:1100px;margin:0 auto;padding:16px}}
h1{{font-size:22px;margin:8px 0 4px}} h2{{font-size:17px;margin:0 0 10px}}
.muted{{color:#666;font-size:13px}}
.grid{{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:14px}}
.card{{background:#fff;border:1px solid #e1e3e8;border-radius:10px;padding:14px 16px;margin-bottom:14px}}
.score{{font-size:44px;font-weight:700;line-height:1.1}}
.bar{{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#e6e6e6;margin:4px 0 10px}}
.bar div{{height:100%}}
table{{width:100%;border-collapse:collapse;font-size:14px}}
th,td{{text-align:left;padding:5px 6px;border-bottom:1px solid #eee;vertical-align:top;word-break:break-word}}
th{{background:#fafafa;font-weight:600}} td.num,th.num{{text-align:right;white-space:nowrap}}
.badge{{display:inline-block;padding:0 6px;border-radius:4px;color:#fff;font-size:12px;white-space:nowrap}}
.legend span{{display:inline-block;margin-right:10px;font-size:13px}}
.legend i{{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:3px}}
.veto{{border-left:4px solid #c62828}}
a{{color:#0b57d0}}
"""


def _badge(status: str) -> str:
    return f'<span class="badge" style="background:{STATUS_COLOUR[status]}">{_e(status)}</span>'


def render_dashboard(
    matrix: Matrix, *, links: Mapping[str, str], generated_at: datetime | None = None
) -> str:
    """The page as a string. ``links``: label → relative path; a department's name links its report,
    ``完整性矩阵.xlsx`` the workbook; other labels are listed as downloads."""
    when = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    report_stem = report_names(report_departments(matrix))

    def link_for(label: str, default: str | None = None) -> str | None:
        target = links.get(label, default)
        return None if target is None else _href(target)

    total = matrix.total_points
    h: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(matrix.assessment_year)}年度安全生产党政同责佐证资料总览</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(matrix.assessment_year)}年度安全生产党政同责佐证资料总览</h1>",
        f'<p class="muted">{_e(matrix.rubric.title)}　｜　{_e(deadline_text(matrix))}　｜　'
        f'生成时间：<span id="generated">{_e(when)}</span></p>',
        '<div class="grid">',
        # --- projected score
        '<section class="card"><h2>预测得分</h2>',
        f'<div class="score" id="projected">{_e(fmt_points(matrix.projected))}</div>',
        f'<p>区间 <span id="projected-range">{_e(fmt_points(matrix.projected_low))}–'
        f"{_e(fmt_points(matrix.projected_high))}</span> 分（满分 {_e(fmt_points(total))} 分）</p>",
        f'<p class="muted">缺失项按全部扣分、部分/待确认项按一半计，{_e(matrix.outcome_basis)}；'
        f"可能扣分 {_e(fmt_points(matrix.at_risk_low))}–{_e(fmt_points(matrix.at_risk_high))} 分。</p>",
    ]
    bonus_ids = "、".join(b for b, _ in matrix.bonus_evidence)
    h.append(
        f'<p>加分项：已有佐证 <strong id="bonus">{_e(fmt_points(matrix.bonus_claimed))}</strong> 分'
        f"（上限 {_e(fmt_points(matrix.bonus_cap))} 分）"
        + (f"，涉及 {_e(bonus_ids)}" if bonus_ids else "")
        + "；不计入预测得分。</p>"
    )
    h.append("</section>")
    # --- problems and downloads
    workbook = workbook_link(links)
    problems = len(matrix.problems)
    h.append('<section class="card"><h2>问题文件与下载</h2>')
    problem_text = f'问题文件 <strong id="problems">{problems}</strong> 个'
    if workbook:
        problem_text += f'，详见 <a href="{_href(workbook[1])}">{_e(workbook[0])}</a>（问题文件表）'
    h.append(f"<p>{problem_text}。收到文件 {len(matrix.files)} 个，跳过 {len(matrix.skipped)} 个。</p>")
    downloads = [k for k in links if k not in report_stem]
    if downloads:
        h.append("<ul>")
        h.extend(f'<li><a href="{link_for(k)}">{_e(k)}</a></li>' for k in downloads)
        h.append("</ul>")
    h.append("</section>")
    # --- veto
    if matrix.veto_item is not None:
        try:
            veto = matrix.rubric.item(matrix.veto_item)
            veto_text = veto.sub_items[0].text if veto.sub_items else veto.title
        except KeyError:
            veto_text = ""
        h.append(
            f'<section class="card veto" id="veto"><h2>一票否决项（第{_e(matrix.veto_item)}项）</h2>'
            f'<p>{_e(veto_text)}</p><p class="muted">不计入预测得分，请单独核实。</p></section>'
        )
    h.append("</div>")
    # --- progress by part
    legend = "".join(f'<span><i style="background:{STATUS_COLOUR[s]}"></i>{_e(s)}</span>' for s in BAR_ORDER)
    h.append(f'<section class="card"><h2>分部分进度</h2><div class="legend">{legend}</div>')
    h.append(
        '<table><tr><th>部分</th><th class="num">完成</th><th class="num">部分</th>'
        '<th class="num">待确认</th><th class="num">缺失</th><th class="num">结果类</th><th style="width:36%">进度</th></tr>'
    )
    for title, counts in _part_rows(matrix):
        n = sum(counts.values())
        h.append(
            f"<tr><td>{_e(title)}</td>"
            + "".join(
                f'<td class="num">{counts[s]}（{_pct(counts[s], n)}）</td>'
                for s in ("完成", "部分", "待确认", "缺失", "结果类")
            )
            + f"<td>{_bar(counts)}</td></tr>"
        )
    h.append("</table></section>")
    # --- worst gaps
    gaps = [s for s in matrix.sub_items if s.status not in SETTLED]
    h.append(
        f'<section class="card"><h2>扣分风险最高的缺项（共 <span id="gap-count">{len(gaps)}</span> 个指标未完成，'
        f"{len(matrix.gaps)} 条部门缺项）</h2>"
    )
    h.append(
        '<table><tr><th style="width:55%">指标</th><th>责任部门</th><th>状态</th><th class="num">可能扣分</th></tr>'
    )
    for s in worst_gaps(matrix):
        try:
            text = matrix.rubric.sub_item(s.sub_item_id).short_text
        except KeyError:
            text = ""
        open_cells = [c.department for c in s.cells if c.status not in SETTLED]
        depts = "、".join(open_cells[:5]) + (f"等{len(open_cells)}个单位" if len(open_cells) > 5 else "")
        h.append(
            f"<tr><td><strong>{_e(s.sub_item_id)}</strong> {_e(text)}</td><td>{_e(depts)}</td>"
            f'<td>{_badge(s.status)}</td><td class="num">{_e(fmt_points(s.at_risk_high))}</td></tr>'
        )
    h.append("</table></section>")
    # --- departments ranked
    h.append('<section class="card"><h2>部门排名（按可能扣分）</h2>')
    h.append(
        '<table id="departments"><tr><th>#</th><th>部门</th><th class="num">可能扣分</th><th class="num">缺失</th>'
        '<th class="num">部分</th><th class="num">待确认</th><th class="num">完成</th><th>报告</th></tr>'
    )
    for rank, (dept, risk, counts) in enumerate(_department_rows(matrix), 1):
        href = link_for(dept, f"reports/{report_stem[dept]}.html")
        h.append(
            f'<tr><td class="num">{rank}</td><td>{_e(dept)}</td><td class="num">{_e(fmt_points(risk))}</td>'
            + "".join(f'<td class="num">{counts[s]}</td>' for s in ("缺失", "部分", "待确认", "完成"))
            + f'<td><a href="{href}">缺项报告</a></td></tr>'
        )
    h.append("</table></section>")
    h.append("</main></body></html>")
    return "\n".join(h) + "\n"


def write_dashboard(
    matrix: Matrix, path: Path, *, links: Mapping[str, str], generated_at: datetime | None = None
) -> None:
    """Write ``outbox/index.html``; ``links`` are relative to its folder (see ``render_dashboard``)."""
    atomic_write_text(path, render_dashboard(matrix, links=links, generated_at=generated_at))
