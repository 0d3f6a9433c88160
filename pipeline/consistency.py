"""Consistency checks the rubric itself asks for (item 7(2)/7(7) 提示).

"重点企业名单要与重点企业检查记录保持一致 … 并附文字描述：全县xx行业领域重点企业单位xx家，安全生产大检查以来
共计检查xx次，发现问题xx个，整改xx个，注意文字描述与提交的清单保持一致". So a department's narrative counts are
checked against the rows of the tables it sent with them, and the names on the 重点企业名单 against the names
inspected in the 检查记录. Every mismatch is a ``Problem`` with code ``inconsistent`` naming the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pipeline.models import Evidence, Problem, Table

CODE = "inconsistent"

# ---- numbers written in a report -----------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"([0-9]+|[零〇一二两三四五六七八九十百千万]+)"
_FILL = r"[^0-9零〇一二两三四五六七八九十百千万，,。；;：:\n]{0,6}?"


def parse_number(text: str) -> int | None:
    """An integer written in Arabic (also full-width) or Chinese numerals: 23, ２３, 二十三, 一百零五, 两千."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


_CLAIMS: dict[str, re.Pattern[str]] = {
    "enterprises": re.compile(r"重点(?:企业|单位|生产经营单位)(?:单位)?" + _FILL + _NUM + r"\s*家(?!次)"),
    "inspections": re.compile(r"检查" + _FILL + _NUM + r"\s*(?:家次|次)"),
    "found": re.compile(r"发现" + _FILL + r"(?:问题|隐患)" + _FILL + _NUM + r"\s*[个处条项]"),
    "rectified": re.compile(r"(?<!未)整改" + _FILL + _NUM + r"\s*[个处条项]"),
}


@dataclass(frozen=True)
class Claims:
    """The counts a report states; None where the report states nothing (or left ``xx``)."""

    enterprises: int | None = None
    inspections: int | None = None
    found: int | None = None
    rectified: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.enterprises, self.inspections, self.found, self.rectified))


def read_claims(text: str) -> Claims:
    normalised = unicodedata.normalize("NFKC", text)
    values: dict[str, int | None] = {}
    for key, pattern in _CLAIMS.items():
        m = pattern.search(normalised)
        values[key] = parse_number(m.group(1)) if m else None
    return Claims(**values)


# ---- tables sent with it ------------------------------------------------------------------------

Role = Literal["名单", "检查记录", "台账"]

_NAME_HEADERS = (
    "企业名称",
    "单位名称",
    "企业（单位）名称",
    "企业(单位)名称",
    "被检查单位",
    "受检单位",
    "检查对象",
)
_HEADER_WORDS = ("序号", *_NAME_HEADERS, "检查时间", "检查日期", "隐患", "问题", "整改", "地址", "负责人")
_FOOTER = re.compile(r"^\s*(合计|小计|总计|共计|填表|制表|审核|备注|说明|注[:：])")
_RECTIFIED_HEADERS = ("整改情况", "整改状态", "是否整改", "整改结果", "完成情况", "整改完成")
_DONE = re.compile(r"已整改|已完成|整改完成|完成|^是$|^√$|^✓$")
_NOT_DONE = re.compile(r"未|正在|整改中|否")


_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class _Sheet:
    """One table with its role, data rows and name column."""

    evidence: Evidence
    table: Table
    role: Role
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    name_col: int | None

    @property
    def label(self) -> str:
        return self.evidence.source.rel_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    def names(self) -> set[str]:
        if self.name_col is None:
            return set()
        return {n for r in self.rows if self.name_col < len(r) and (n := _norm(r[self.name_col]))}

    def rectified(self) -> int | None:
        cols = [i for i, h in enumerate(self.header) if any(k in _norm(h) for k in _RECTIFIED_HEADERS)]
        if not cols:
            return None
        col = cols[0]
        done = 0
        for r in self.rows:
            value = _norm(r[col]) if col < len(r) else ""
            if _DONE.search(value) and not _NOT_DONE.search(value):
                done += 1
        return done


def _header_index(table: Table) -> int | None:
    for i, row in enumerate(table.rows[:6]):
        cells = [_norm(c) for c in row]
        hits = sum(1 for c in cells if c and any(w in c for w in _HEADER_WORDS))
        if hits >= 2 or any(c in _NAME_HEADERS for c in cells):
            return i
    return None


def _classify(evidence: Evidence, table: Table) -> _Sheet | None:
    h = _header_index(table)
    if h is None:
        return None
    header = tuple(_norm(c) for c in table.rows[h])
    titles = "".join(_norm(c) for row in table.rows[:h] for c in row)
    context = _norm(evidence.source.rel_path.rsplit("/", 1)[-1]) + _norm(table.name) + titles
    name_col = next((i for i, c in enumerate(header) if any(n in c for n in _NAME_HEADERS)), None)
    head = "".join(header)
    role: Role | None
    if "台账" in context:
        role = "台账"
    elif "检查记录" in context or "检查情况" in context:
        role = "检查记录"
    elif "名单" in context or "名录" in context:
        role = "名单"
    elif "整改" in head and ("隐患" in head or "问题" in head):
        role = "台账"
    elif "检查时间" in head or "检查日期" in head:
        role = "检查记录"
    elif name_col is not None:
        role = "名单"
    else:
        role = None
    if role is None:
        return None
    rows = []
    for row in table.rows[h + 1 :]:
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        if not filled or _FOOTER.match(filled[0]) or tuple(_norm(c) for c in row) == header:
            continue
        if name_col is not None and (name_col >= len(cells) or not cells[name_col]):
            continue
        rows.append(tuple(cells))
    return _Sheet(evidence, table, role, header, tuple(rows), name_col)


def _labels(sheets: Sequence[_Sheet], limit: int = 3) -> str:
    """The tables a finding rests on, named; a department with hundreds of 台账 gets the first few
    and a count, not a message the length of its whole folder (repeated for every report)."""
    labels = list(dict.fromkeys(s.label for s in sheets))
    shown = "".join(f"《{label}》" for label in labels[:limit])
    return shown if len(labels) <= limit else f"{shown}等{len(labels)}份表格"


def _few(names: Sequence[str], limit: int = 5) -> str:
    shown = "、".join(names[:limit])
    return shown + ("等" if len(names) > limit else "")


def check_consistency(department: str, evidence: Sequence[Evidence]) -> list[Problem]:
    """Mismatches between what ``department``'s reports say and the tables it sent with them."""
    sheets = [s for e in evidence for t in e.tables if (s := _classify(e, t)) is not None]
    by_role: dict[Role, list[_Sheet]] = {"名单": [], "检查记录": [], "台账": []}
    for s in sheets:
        by_role[s.role].append(s)
    problems: list[Problem] = []
    detail = f"department={department}"

    def add(rel_path: str, message: str) -> None:
        problems.append(Problem(rel_path, CODE, message, detail))

    rectified: list[int] | None = None  # per 台账, counted once: many reports may state a number
    for e in evidence:
        claims = read_claims(e.text)
        if not claims.any:
            continue
        where = e.source.rel_path
        name_lists, records, ledgers = by_role["名单"], by_role["检查记录"], by_role["台账"]
        if claims.enterprises is not None and name_lists:
            rows = sum(len(s.rows) for s in name_lists)
            if rows != claims.enterprises:
                word = "只有" if rows < claims.enterprises else "却有"
                add(where, f"报告称重点企业{claims.enterprises}家，但{_labels(name_lists)}{word}{rows}行")
        if claims.inspections is not None and records:
            rows = sum(len(s.rows) for s in records)
            if rows != claims.inspections:
                add(where, f"报告称共计检查{claims.inspections}次，但{_labels(records)}有{rows}条检查记录")
        if claims.found is not None and ledgers:
            rows = sum(len(s.rows) for s in ledgers)
            if rows != claims.found:
                add(where, f"报告称发现问题{claims.found}个，但{_labels(ledgers)}列出{rows}条")
        if claims.rectified is not None:
            if rectified is None:
                rectified = [d for s in ledgers if (d := s.rectified()) is not None]
            done = rectified
            if done and sum(done) != claims.rectified:
                add(where, f"报告称整改{claims.rectified}个，但{_labels(ledgers)}中已整改的有{sum(done)}条")
            if claims.found is not None and claims.rectified > claims.found:
                add(where, f"报告称整改{claims.rectified}个，多于发现的问题{claims.found}个")

    listed = {n for s in by_role["名单"] for n in s.names()}
    inspected = {n for s in by_role["检查记录"] for n in s.names()}
    if listed and inspected:
        name_lists, records = by_role["名单"], by_role["检查记录"]
        not_inspected = sorted(listed - inspected)
        if not_inspected:
            add(
                name_lists[0].evidence.source.rel_path,
                f"{_labels(name_lists)}中有{len(not_inspected)}家企业没有检查记录：{_few(not_inspected)}",
            )
        not_listed = sorted(inspected - listed)
        if not_listed:
            add(
                records[0].evidence.source.rel_path,
                f"{_labels(records)}中有{len(not_listed)}家企业不在{_labels(name_lists)}中：{_few(not_listed)}",
            )
    return problems
