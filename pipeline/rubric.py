"""The assessment rubric (考核任务分解表) as a typed catalog.

Three forms of the same Word table are read: the Word text dump (``.txt``), the table itself
(``.docx``) and a spreadsheet copy (``.xlsx``). Each reader only turns its file into a ``RawTable``
of six-cell rows (考评指标/考评内容/评分标准/考核分值/职责分工及提供内容/佐证资料); one builder then
finds the structure by content — "一、…（13分）", "（一）…（10分）", "1.…", "（1）…" — never by row
position, because county offices merge, split and drop cells freely.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import RubricError
from pipeline.models import (
    Bonus,
    BonusItem,
    Category,
    Deduction,
    DeductionUnit,
    Item,
    ItemKind,
    Part,
    Rubric,
    SubItem,
)

if TYPE_CHECKING:
    from pipeline.departments import DepartmentRegistry

COLUMNS: tuple[str, ...] = ("考评指标", "考评内容", "评分标准", "考核分值", "职责分工及提供内容", "佐证资料")
IND, CONTENT, CRITERIA, POINTS, DUTY, EVIDENCE = range(6)

# Normalised material → the words (regular expressions) that ask for it, in the order reports list them.
MATERIALS: dict[str, tuple[str, ...]] = {
    "方案": ("方案",),
    "纪要": ("纪要",),
    "台账": ("台账",),
    "照片": ("照片", "图片"),
    "签到": ("签到",),
    "文件": ("文件", "发文"),
    "通知": ("通知",),
    "总结": ("总结",),
    "报告": ("报告",),
    "清单": ("清单",),
    "制度": ("制度",),
    "规划": ("规划",),
    "预案": ("预案",),
    "名单": ("名单", "名录"),
    "记录": ("记录",),
    "简报": ("简报",),
    "讲话": ("讲话",),
    "通报": ("通报",),
    "信息": ("新闻", "报道", "信息(?!化|共享|系统|平台)"),
    "预算": ("预算",),
    "说明": ("说明(?![：:])",),  # 说明： opens a note of the rubric, it asks for nothing
    "值班表": ("值班表", "排班表"),
    "细则": ("细则", "规则"),
    "批示": ("批示",),
    "函": ("提醒函", "告知函"),
    "统计表": ("统计表",),
}
_MATERIAL_RES = {name: re.compile("|".join(words)) for name, words in MATERIALS.items()}

# Checked in this order: the longer phrase wins (每项次 before 每项, 1个隐患 before 1个).
_ONE = r"(?:1|一)"
DEDUCTION_UNITS: tuple[tuple[DeductionUnit, re.Pattern[str]], ...] = (
    ("tenth_accident", re.compile(r"每超\s*0?\.1\s*起")),
    ("percent_point", re.compile(rf"每少{_ONE}个百分点")),
    ("person", re.compile(rf"每位|每人|每少\s*{_ONE}\s*人")),
    ("occurrence", re.compile(rf"每项次|每次|每发现\s*{_ONE}\s*次")),
    ("times", re.compile(rf"每少\s*{_ONE}\s*次")),
    ("department", re.compile(rf"(?:每缺|每少|缺)\s*{_ONE}\s*个(?:重点|重要)?行业")),
    ("enterprise", re.compile(rf"每少\s*{_ONE}\s*家|每缺\s*{_ONE}\s*家")),
    ("hazard", re.compile(rf"{_ONE}\s*个隐患")),
    ("region", re.compile(rf"{_ONE}\s*个片区|{_ONE}\s*个扣")),
    ("item", re.compile(rf"每项|每缺\s*{_ONE}\s*(?:项|个)|未完成\s*{_ONE}\s*项|缺\s*{_ONE}\s*(?:项|个活动)")),
)

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "一二三四五六七八九十"
_NUMBER = r"\d+(?:\.\d+)?"

_BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
_PART_RE = re.compile(rf"^([{_CN_NUM}]+)\s*[、.．]\s*(.+?)\s*[（(]([^（()）]*)[)）]\s*$")
_CATEGORY_RE = re.compile(rf"^[（(]([{_CN_NUM}]+)[)）]\s*(.+?)\s*[（(]({_NUMBER})\s*分[)）]\s*$")
_ITEM_RE = re.compile(r"^(\d{1,2})\s*[.．、]\s*(\S.*)$")  # not when the whole cell is a number (1.5)
_SUB_LABEL_RE = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[)）]\s*")
_DUTY_LABELS_RE = re.compile(r"^\s*((?:[（(]\s*\d{1,2}\s*[)）]\s*)+)")
_BONUS_LABEL_RE = re.compile(rf"^\s*[（(]([{_CN_NUM}]+)[)）]\s*")
_POINTS_CELL_RE = re.compile(rf"^\s*({_NUMBER})\s*分?\s*$")
_DEDUCT_RE = re.compile(rf"扣\s*({_NUMBER})\s*分")
_CAP_RE = re.compile(rf"本项\s*({_NUMBER})\s*分\s*[，,]\s*扣完为止")
_AWARD_RE = re.compile(rf"加\s*({_NUMBER})\s*分((?:\s*[、，,]\s*{_NUMBER}\s*分)*)")
_TITLE_RE = re.compile(r"《([^《》]+)》")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21 (the numbering of parts and categories); 0 if invalid."""
    tens, ten, ones = text.partition("十")
    try:
        if not ten:
            return _CN_DIGITS[text]
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    except KeyError:
        return 0


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _fmt(value: float) -> str:
    return f"{_num(value)}"


# --------------------------------------------------------------------------------------------
# Raw table: what every file format is reduced to
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawTable:
    """The rubric table as six-cell rows, plus the lines above it (附件, title)."""

    header_lines: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: str = ""


def bundled_rubric_path() -> Path:
    return Path(__file__).parent / "data" / "rubrics" / "2022-pengxi.txt"


def read_rubric_table(path: Path) -> RawTable:
    """Dispatch on the suffix; every reader ends in the same ``RawTable``."""
    path = Path(path)
    if not path.is_file():
        raise RubricError(f"找不到考核细则文件：{path}")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return _table_from_text(_read_text(path), source=str(path))
    if suffix == ".docx":
        return _table_from_docx(path)
    if suffix == ".xlsx":
        return _table_from_xlsx(path)
    raise RubricError(f"不支持的考核细则文件格式：{path.name}（支持 .txt、.docx、.xlsx）")


def read_rubric(
    path: Path | None = None,
    *,
    registry: DepartmentRegistry | None = None,
    default_owner: str = "县应急局",
    year: int | None = None,
) -> Rubric:
    """Read the rubric (the bundled 2022 table by default) into the typed catalog."""
    table = read_rubric_table(Path(path) if path is not None else bundled_rubric_path())
    if registry is None:
        from pipeline.departments import load_departments

        registry = load_departments()
    return build_rubric(table, registry=registry, default_owner=default_owner, year=year)


def _clean(text: str) -> str:
    """Remove Word bookmark debris and the blanks around each line (indentation is layout)."""
    lines = [_BOOKMARK_RE.sub("", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RubricError(f"考核细则文本文件的编码无法识别（应为 UTF-8 或 GB18030）：{path}")


# ---- Word text dump ----------------------------------------------------------------------------


def _is_header_row(cells: Sequence[str]) -> bool:
    squashed = "".join(re.sub(r"\s+", "", c) for c in cells)
    return "评分标准" in squashed and ("考核分值" in squashed or "考评内容" in squashed)


def _table_from_text(text: str, *, source: str = "") -> RawTable:
    """Split the dump into rows of cells.

    A cell starts with a tab; a line without one continues the cell; a blank line ends the row.
    Later rows of the dump are separated by a line starting with " \\t" instead. The dump has seven
    grid columns (part and category are two columns under the one 考评指标 header): full rows map
    positionally; a short row that starts with text is aligned by what that text is.
    """
    header_lines: list[str] = []
    dump_rows: list[list[str]] = []
    loose: set[int] = set()
    row: list[str] | None = None
    for raw_line in text.replace("\r\n", "\n").split("\n"):
        line = _BOOKMARK_RE.sub("", raw_line)
        if not line.strip() and not line.startswith(("\t", " \t")):
            row = None  # blank line: end of row
            continue
        if line.startswith(" \t"):
            row = None  # " \t": a new row begins with this cell
        if line.startswith(("\t", " \t")):
            if row is None:
                row = []
                dump_rows.append(row)
            row.append(line.split("\t", 1)[1])
        elif row is not None:
            row[-1] += "\n" + line
        elif not dump_rows:
            header_lines.append(line.strip())
        else:
            row = [line]  # text outside any cell: a row of its own, the builder decides
            dump_rows.append(row)
            loose.add(len(dump_rows) - 1)
    rows: list[tuple[str, ...]] = []
    for index, cells in enumerate(dump_rows):
        cells = [_clean(c) for c in cells]
        if not any(cells):
            continue
        if index in loose:
            rows.append(("\n".join(cells), "", "", "", "", ""))
            continue
        if _is_header_row(cells):
            rows.append(tuple((cells + [""] * 6)[:6]))
            continue
        start = _dump_start_column(cells)
        grid = [""] * 7
        for offset, cell in enumerate(cells):
            col = min(start + offset, 6)
            grid[col] = f"{grid[col]}\n{cell}".strip() if grid[col] else cell
        six = ["\n".join(c for c in grid[:2] if c), *grid[2:]]
        if start >= 3 and rows:
            # the rest of the previous row, cut off by a " \t" separator (item 18's 职责分工)
            prev = list(rows[-1])
            for col in range(1, 6):
                if six[col]:
                    prev[col] = f"{prev[col]}\n{six[col]}" if prev[col] else six[col]
            rows[-1] = tuple(prev)
        else:
            rows.append(tuple(six))
    return RawTable(tuple(h for h in header_lines if h), tuple(rows), source)


def _dump_start_column(cells: Sequence[str]) -> int:
    """The grid column of a short row's first cell, from the first cell that has text.

    Merged cells drop out of the dump unevenly (item 20's row keeps one empty leading cell,
    item 22's two), so the row is anchored on what its first non-empty cell is.
    """
    if len(cells) >= 7:
        return 0
    anchor = next((i for i, c in enumerate(cells) if c.strip()), 0)
    first = cells[anchor].strip().split("\n", 1)[0].strip()
    if _POINTS_CELL_RE.match(first):
        column = 4
    elif _PART_RE.match(first):
        column = 0
    elif _CATEGORY_RE.match(first):
        column = 1
    elif _ITEM_RE.match(first):
        column = 2
    elif anchor == 0:
        column = 5  # loose text after a cut-off row: the 职责分工 cell
    else:
        column = anchor
    return max(column - anchor, 0)


# ---- .docx --------------------------------------------------------------------------------------


def _table_from_docx(path: Path) -> RawTable:
    """Read the first table that has the rubric header; merged slots count once.

    python-docx repeats a merged cell in every grid slot it covers, all sharing one ``_tc``
    element; the elements are kept in a set (their ``id()`` would be reused once freed).
    """
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise RubricError("读取 .docx 考核细则需要 python-docx") from e
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise RubricError(
            f"无法打开 Word 考核细则（文件损坏或不是 .docx）：{path.name}", detail=str(e)
        ) from e

    header_lines: list[str] = []
    chosen: Any = None
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            if chosen is None:
                text = Paragraph(child, document).text.strip()
                header_lines.extend(line.strip() for line in text.split("\n") if line.strip())
        elif tag == "tbl":
            table = Table(child, document)
            if any(_is_header_row([c.text for c in row.cells]) for row in table.rows[:3]):
                chosen = table
                break
            if chosen is None:
                chosen = table  # keep looking for a table with the header, else use the first
    if chosen is None:
        raise RubricError(f"Word 文件中没有表格：{path.name}")

    seen: set[Any] = set()
    grid: list[list[str]] = []
    for row in chosen.rows:
        cells: list[str] = []
        for cell in row.cells:
            tc = cell._tc
            if tc in seen:
                cells.append("")
                continue
            seen.add(tc)
            cells.append(_clean("\n".join(p.text for p in cell.paragraphs)))
        grid.append(cells)
    return RawTable(tuple(header_lines), _align_columns(grid), str(path))


# ---- .xlsx --------------------------------------------------------------------------------------


def _table_from_xlsx(path: Path) -> RawTable:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise RubricError("读取 .xlsx 考核细则需要 openpyxl") from e
    try:
        workbook = openpyxl.load_workbook(str(path), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise RubricError(
            f"无法打开 Excel 考核细则（文件损坏或不是 .xlsx）：{path.name}", detail=str(e)
        ) from e
    try:
        sheet = workbook.worksheets[0]
        for candidate in workbook.worksheets:
            if any(
                _is_header_row([_cell_text(v) for v in r])
                for r in candidate.iter_rows(max_row=10, values_only=True)
            ):
                sheet = candidate
                break
        raw = [[_cell_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    header_at = next((i for i, r in enumerate(raw) if _is_header_row(r)), None)
    header_lines: list[str] = []
    if header_at is not None:
        for r in raw[:header_at]:
            header_lines.extend(line.strip() for c in r for line in c.split("\n") if line.strip())
        raw = raw[header_at:]
    return RawTable(tuple(header_lines), _align_columns(raw), str(path))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _fmt(value)
    return _clean(str(value))


def _align_columns(grid: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """Map the columns to the six canonical ones by the header row; positional without one."""
    mapping = list(range(6))
    for cells in grid[:3]:
        if _is_header_row(cells):
            keys = ("考评指标", "考评内容", "评分标准", "考核分值", "职责分工", "佐证资料")
            squashed = [re.sub(r"\s+", "", c) for c in cells]
            found = [next((i for i, c in enumerate(squashed) if k in c), -1) for k in keys]
            if all(i >= 0 for i in found):
                mapping = found
            break
    rows: list[tuple[str, ...]] = []
    for cells in grid:
        if not any(cells):
            continue
        padded = list(cells) + [""] * 6
        six = [padded[i] for i in mapping]
        # cells left of the 考评内容 column (序号, a two-column 考评指标) belong to 考评指标
        extra = [padded[i] for i in range(mapping[CONTENT]) if i not in mapping and padded[i]]
        if extra:
            six[IND] = "\n".join([*extra, six[IND]]).strip()
        rows.append(tuple(six))
    return tuple(rows)


# --------------------------------------------------------------------------------------------
# Builder: RawTable → Rubric
# --------------------------------------------------------------------------------------------


@dataclass
class _ItemDraft:
    no: int
    title: list[str]
    criteria: list[str] = field(default_factory=list)
    points_cells: list[str] = field(default_factory=list)
    duty: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class _CategoryDraft:
    no: str
    title: str
    points: float
    items: list[_ItemDraft] = field(default_factory=list)


@dataclass
class _PartDraft:
    no: str
    title: str
    points: float
    categories: list[_CategoryDraft] = field(default_factory=list)


def build_rubric(
    table: RawTable,
    *,
    registry: DepartmentRegistry,
    default_owner: str = "县应急局",
    year: int | None = None,
) -> Rubric:
    """Find parts, categories, items and the bonus part by content and freeze them into a Rubric."""
    warnings: list[str] = []
    title = "".join(line for line in table.header_lines if not re.fullmatch(r"附件\s*\d*[:：]?", line))
    if year is None:
        m = _YEAR_RE.search(title)
        if not m:
            raise RubricError("无法从考核细则标题中识别考核年度，请指定年度", detail=title or "（无标题）")
        year = int(m.group(1))

    parts: list[_PartDraft] = []
    bonus_heading: tuple[str, str] | None = None
    bonus_lines: list[str] = []
    item: _ItemDraft | None = None

    for row in table.rows:
        if _is_header_row(row):
            continue
        if bonus_heading is not None:
            bonus_lines.extend(line for cell in row for line in cell.split("\n"))
            continue
        new_item: _ItemDraft | None = None
        for col in (IND, CONTENT):
            for line in row[col].split("\n"):
                s = line.strip()
                if not s:
                    continue
                if bonus_heading is not None:
                    bonus_lines.append(line)
                    continue
                if m := _PART_RE.match(s):
                    item = new_item = None
                    if "加分" in s:
                        bonus_heading = (m.group(2), m.group(3))
                        continue
                    points = _points_in(m.group(3))
                    if points is None:
                        warnings.append(f"第{m.group(1)}部分“{m.group(2)}”的标题中没有分值")
                    parts.append(_PartDraft(m.group(1), m.group(2), points or 0.0))
                elif (m := _CATEGORY_RE.match(s)) and new_item is None:
                    if not parts:
                        warnings.append(
                            f"类别（{m.group(1)}）{m.group(2)}出现在任何部分之前，已归入未命名部分"
                        )
                        parts.append(_PartDraft("", "未命名部分", 0.0))
                    parts[-1].categories.append(_CategoryDraft(m.group(1), m.group(2), float(m.group(3))))
                    item = None
                elif (m := _ITEM_RE.match(s)) and new_item is None and not _POINTS_CELL_RE.match(s):
                    new_item = _ItemDraft(int(m.group(1)), [m.group(2)])
                    if not parts or not parts[-1].categories:
                        warnings.append(f"第{m.group(1)}项不属于任何类别，已归入未命名类别")
                        if not parts:
                            parts.append(_PartDraft("", "未命名部分", 0.0))
                        parts[-1].categories.append(_CategoryDraft("", "未命名类别", 0.0))
                    parts[-1].categories[-1].items.append(new_item)
                    item = new_item
                elif new_item is not None:
                    new_item.title.append(s)
                elif col == CONTENT and item is not None:
                    item.title.append(s)  # a title cell that continues in the next row
                else:
                    warnings.append(f"无法识别的表格内容，已忽略：{s[:30]}")
        if bonus_heading is not None:
            bonus_lines.extend(line for cell in row[CRITERIA:] for line in cell.split("\n"))
            continue
        rest = row[CRITERIA:]
        if not any(rest):
            continue
        if item is None:
            warnings.append(f"评分标准等内容不属于任何项目，已忽略：{next(c for c in rest if c)[:30]}")
            continue
        for target, cell in zip(
            (item.criteria, item.points_cells, item.duty, item.evidence), rest, strict=True
        ):
            if cell:
                target.append(cell)

    if not parts:
        raise RubricError("考核细则中没有识别到“一、…（N分）”形式的考核部分", detail=table.source)

    rubric_parts = _freeze_parts(parts, registry, default_owner, warnings)
    bonus = _build_bonus(bonus_heading, bonus_lines, warnings) if bonus_heading else None
    rubric = Rubric(year=year, title=title, parts=rubric_parts, bonus=bonus, source=table.source)
    return replace(rubric, warnings=tuple(_dedupe([*warnings, *_validate(rubric)])))


def _points_in(text: str) -> float | None:
    m = re.search(rf"({_NUMBER})\s*分", text)
    return float(m.group(1)) if m else None


def _freeze_parts(
    parts: list[_PartDraft], registry: DepartmentRegistry, default_owner: str, warnings: list[str]
) -> tuple[Part, ...]:
    frozen_parts: list[Part] = []
    for part in parts:
        categories: list[Category] = []
        for category in part.categories:
            points = _item_points(category, warnings)
            items = tuple(
                _freeze_item(d, p, registry, default_owner, warnings)
                for d, p in zip(category.items, points, strict=True)
            )
            categories.append(
                Category(
                    no=category.no,
                    index=cn_number(category.no) if category.no else 0,
                    title=category.title,
                    points=category.points,
                    items=items,
                )
            )
        frozen_parts.append(
            Part(
                no=part.no,
                index=cn_number(part.no) if part.no else 0,
                title=part.title,
                points=part.points,
                categories=tuple(categories),
            )
        )
    return tuple(frozen_parts)


def _is_veto(draft: _ItemDraft) -> bool:
    return "一票否决" in "".join(draft.title)


def _item_points(category: _CategoryDraft, warnings: list[str]) -> list[tuple[float, bool]]:
    """Points of each item, in order: (points, inferred). Missing ones come from the category total.

    A veto item carries no points: a value in its 考核分值 cell is a merged cell that covers the
    veto and the following item (2022: the 25 of 事故防控 spans items 21–22).
    """
    known: dict[int, float] = {}  # index in the category → points
    missing: list[tuple[int, _ItemDraft]] = []
    for index, draft in enumerate(category.items):
        values = [m.group(1) for c in draft.points_cells if (m := _POINTS_CELL_RE.match(c))]
        for cell in draft.points_cells:
            if not _POINTS_CELL_RE.match(cell):
                warnings.append(f"第{draft.no}项的考核分值“{cell}”不是数字，已忽略")
        if _is_veto(draft):
            known[index] = 0.0
            if values:
                following = category.items[index + 1] if index + 1 < len(category.items) else None
                if following is not None and not any(
                    _POINTS_CELL_RE.match(c) for c in following.points_cells
                ):
                    warnings.append(
                        f"第{draft.no}项为“一票否决”项，不计分值；其考核分值单元格中的{values[0]}分"
                        f"是覆盖第{draft.no}—{following.no}项的合并单元格，已按类别"
                        f"“{category.title}”（{_fmt(category.points)}分）推定为第{following.no}项的分值"
                    )
                else:
                    warnings.append(f"第{draft.no}项为“一票否决”项，不计分值，其考核分值“{values[0]}”未计入")
            continue
        if values:
            if len(values) > 1:
                warnings.append(f"第{draft.no}项有多个考核分值（{'、'.join(values)}），取第一个")
            known[index] = float(values[0])
        else:
            missing.append((index, draft))
    result = {index: (points, False) for index, points in known.items()}
    if missing:
        rest = round(category.points - sum(known.values()), 4)
        share = round(rest / len(missing), 4) if rest > 0 else 0.0
        for index, _ in missing:
            result[index] = (share, True)
        numbers = "、".join(f"第{d.no}项" for _, d in missing)
        if rest <= 0:
            warnings.append(f"{numbers}缺少考核分值，类别“{category.title}”已无剩余分值，按0分处理")
        elif len(missing) > 1:
            warnings.append(
                f"{numbers}缺少考核分值，按类别“{category.title}”剩余的{_fmt(rest)}分平均推定为各{_fmt(share)}分"
            )
        else:
            warnings.append(
                f"{numbers}缺少考核分值，按类别“{category.title}”（{_fmt(category.points)}分）"
                f"减去其他项目推定为{_fmt(share)}分"
            )
    return [result[index] for index in range(len(category.items))]


# ---- items and sub-items -----------------------------------------------------------------------


def _split_labelled(text: str) -> list[tuple[int | None, str]]:
    """Criteria text → [(label, text)]; a line starting with （N） opens sub-item N."""
    segments: list[tuple[int | None, list[str]]] = []
    for line in text.split("\n"):
        m = _SUB_LABEL_RE.match(line)
        if m:
            segments.append((int(m.group(1)), [line[m.end() :].strip()]))
        elif segments:
            segments[-1][1].append(line.strip())
        elif line.strip():
            segments.append((None, [line.strip()]))
    return [(label, "\n".join(x for x in lines if x)) for label, lines in segments]


def _split_duty(text: str) -> tuple[str, list[tuple[tuple[int, ...], str]]]:
    """职责分工 → (text for every sub-item, [(labels, segment as written)])."""
    common: list[str] = []
    segments: list[tuple[tuple[int, ...], list[str]]] = []
    for line in text.split("\n"):
        m = _DUTY_LABELS_RE.match(line)
        if m:
            labels = tuple(int(n) for n in re.findall(r"\d+", m.group(1)))
            segments.append((labels, [line.strip()]))
        elif segments:
            segments[-1][1].append(line.strip())
        elif line.strip():
            common.append(line.strip())
    return "\n".join(common), [(labels, "\n".join(x for x in lines if x)) for labels, lines in segments]


def _freeze_item(
    draft: _ItemDraft,
    points_and_inferred: tuple[float, bool],
    registry: DepartmentRegistry,
    default_owner: str,
    warnings: list[str],
) -> Item:
    points, inferred = points_and_inferred
    title = "".join(draft.title).strip()
    criteria = "\n".join(draft.criteria).strip()
    duty = "\n".join(draft.duty).strip()
    evidence = "\n".join(draft.evidence).strip()
    kind: ItemKind = "veto" if _is_veto(draft) else "normal"

    segments = _split_labelled(criteria)
    labelled = any(label is not None for label, _ in segments)
    if not labelled:
        pieces: list[tuple[int | None, str]] = [(None, criteria)]
    else:
        pieces = []
        for label, text in segments:
            if label is None:
                warnings.append(f"第{draft.no}项评分标准开头有未编号的内容，已并入第一个子项")
                pieces.append((None, text))
            elif pieces and pieces[-1][0] is None:
                pieces[-1] = (label, f"{pieces[-1][1]}\n{text}")
            else:
                pieces.append((label, text))
    if not criteria:
        warnings.append(f"第{draft.no}项没有评分标准")

    common_duty, duty_segments = _split_duty(duty)
    if duty_segments and not labelled:
        common_duty, duty_segments = duty, []  # labels in the duty of an item without sub-items
    named_labels = {n for labels, _ in duty_segments for n in labels}
    sub_labels = {label for label, _ in pieces if label is not None}
    for n in sorted(named_labels - sub_labels):
        warnings.append(f"第{draft.no}项职责分工提到子项（{n}），但评分标准中没有该子项")

    sub_items: list[SubItem] = []
    for label, text in pieces:
        sub_id = f"{draft.no}({label})" if label is not None else str(draft.no)
        own = [seg for labels, seg in duty_segments if label is not None and label in labels]
        sub_duty = "\n".join(x for x in [common_duty, *own] if x)
        departments = _departments_in(sub_duty, registry)
        defaulted = not departments
        if defaulted:
            departments = (_canonical_owner(default_owner, registry),)
        relevant = "\n".join(x for x in (text, sub_duty, evidence) if x)
        deductions = _deductions(text)
        cap = _cap(text, points)
        sub_items.append(
            SubItem(
                id=sub_id,
                item_no=draft.no,
                no=label,
                text=text,
                departments=departments,
                departments_defaulted=defaulted,
                materials=find_materials(relevant),
                cited_doc_numbers=_doc_numbers(relevant),
                cited_titles=find_titles(relevant),
                deductions=deductions,
                cap=cap,
                duty=sub_duty,
                evidence_hint=evidence,
            )
        )
    return Item(
        no=draft.no,
        title=title,
        points=points,
        points_inferred=inferred,
        kind=kind,
        sub_items=tuple(sub_items),
        duty=duty,
        evidence_hint=evidence,
    )


def _departments_in(text: str, registry: DepartmentRegistry) -> tuple[str, ...]:
    if not text:
        return ()
    from pipeline.departments import find_departments

    names: list[str] = []
    for mention in find_departments(text, registry):
        name = mention.department.name
        if name not in names:
            names.append(name)
    return tuple(names)


def _canonical_owner(name: str, registry: DepartmentRegistry) -> str:
    from pipeline.departments import resolve_department

    resolution = resolve_department(name, registry)
    return resolution.department.name if resolution.department is not None else name


def _doc_numbers(text: str) -> tuple[str, ...]:
    from matchers.docnum import extract_doc_numbers

    return tuple(_dedupe(n.canonical for n in extract_doc_numbers(text)))


def find_titles(text: str) -> tuple[str, ...]:
    """《…》 titles without the outer brackets; nested <…> stay as written."""
    return tuple(_dedupe(m.group(1).strip() for m in _TITLE_RE.finditer(text)))


def find_materials(text: str) -> tuple[str, ...]:
    """The normalised materials (MATERIALS keys) that the text asks for, in vocabulary order."""
    return tuple(name for name, pattern in _MATERIAL_RES.items() if pattern.search(text))


def _deductions(text: str) -> tuple[Deduction, ...]:
    """Each 扣X分 with the clause before it; the unit is read from that clause."""
    result: list[Deduction] = []
    for sentence in re.split(r"[；;。\n]", text):
        start = 0
        for m in _DEDUCT_RE.finditer(sentence):
            clause = sentence[start : m.end()].strip(" ，,、")
            start = m.end()
            unit: DeductionUnit = "once"
            for name, pattern in DEDUCTION_UNITS:
                if pattern.search(clause):
                    unit = name
                    break
            result.append(Deduction(amount=float(m.group(1)), unit=unit, text=clause))
    return tuple(result)


def _cap(text: str, item_points: float) -> float | None:
    """本项X分，扣完为止; several caps of one sub-item add up, never beyond the item's points."""
    caps = [float(m.group(1)) for m in _CAP_RE.finditer(text)]
    if not caps:
        return None
    total = sum(caps)
    return min(total, item_points) if item_points > 0 else total


# ---- bonus part --------------------------------------------------------------------------------


def _build_bonus(heading: tuple[str, str], lines: list[str], warnings: list[str]) -> Bonus:
    title, note_in_heading = heading
    cap_match = re.search(rf"不超过\s*({_NUMBER})\s*分", note_in_heading)
    entries: list[tuple[str, list[str]]] = []
    notes: list[str] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        m = _BONUS_LABEL_RE.match(s)
        if m and not s.startswith("上述"):
            entries.append((m.group(1), [s[m.end() :].strip()]))
        elif entries and not re.match(r"^(上述|注|说明|所有)", s):
            entries[-1][1].append(s)
        else:
            notes.append(s)
    cap = float(cap_match.group(1)) if cap_match else None
    if cap is None:
        for note in notes:
            if m := re.search(rf"累计不超过\s*({_NUMBER})\s*分", note):
                cap = float(m.group(1))
        if cap is None:
            warnings.append("加分项没有写明累计上限，按0分处理")
    items: list[BonusItem] = []
    for index, (label, text_lines) in enumerate(entries, start=1):
        text = "\n".join(text_lines)
        awards = [float(m.group(1)) for m in _AWARD_RE.finditer(text)]
        awards += [float(x) for m in _AWARD_RE.finditer(text) for x in re.findall(_NUMBER, m.group(2))]
        if not awards:
            warnings.append(f"加分项（{label}）中没有找到加分分值")
        if cn_number(label) != index:
            warnings.append(f"加分项编号（{label}）与顺序不符（应为第{index}条）")
        items.append(BonusItem(id=f"B{index}", text=text, points=max(awards, default=0.0)))
    return Bonus(title=title, cap=cap or 0.0, items=tuple(items), note="\n".join(notes))


# ---- validation --------------------------------------------------------------------------------


def _dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _numbering(kind: str, numbers: list[int], where: str = "") -> list[str]:
    found: list[str] = []
    seen: set[int] = set()
    for n in numbers:
        if n in seen:
            found.append(f"{where}{kind}编号{n}重复")
        seen.add(n)
    if numbers:
        expected = set(range(min(min(numbers), 1), max(numbers) + 1))
        skipped = sorted(expected - seen)
        if skipped:
            found.append(f"{where}{kind}编号跳过了{'、'.join(str(n) for n in skipped)}")
    return found


def _validate(rubric: Rubric) -> list[str]:
    """Checks on the finished model: totals, numbering, defaulted owners, years in titles."""
    found: list[str] = []
    for part in rubric.parts:
        category_sum = sum(c.points for c in part.categories)
        if abs(category_sum - part.points) > 1e-6:
            found.append(
                f"第{part.no}部分“{part.title}”为{_fmt(part.points)}分，但其类别合计{_fmt(round(category_sum, 4))}分"
            )
        for category in part.categories:
            item_sum = sum(i.points for i in category.items)
            if abs(item_sum - category.points) > 1e-6:
                found.append(
                    f"类别（{category.no}）{category.title}为{_fmt(category.points)}分，"
                    f"但其项目合计{_fmt(round(item_sum, 4))}分"
                )
    total = rubric.total_points
    if abs(total - 100) > 1e-6:
        found.append(f"各部分合计{_fmt(round(total, 4))}分，不是100分")
    found += _numbering("部分", [p.index for p in rubric.parts if p.no])
    found += _numbering("类别", [c.index for c in rubric.categories() if c.no])
    found += _numbering("项目", [i.no for i in rubric.items()])
    for item in rubric.items():
        numbered = [s.no for s in item.sub_items if s.no is not None]
        found += _numbering("子项", numbered, where=f"第{item.no}项的")
        for m in _YEAR_RE.finditer(item.title):
            if int(m.group(1)) != rubric.year:
                found.append(
                    f"第{item.no}项标题中的年份“{m.group(0)}”与考核年度{rubric.year}年不一致：{item.title}"
                )
        if item.kind == "veto" and item.points:
            found.append(f"第{item.no}项为“一票否决”项，但记有{_fmt(item.points)}分")
        defaulted = [s for s in item.sub_items if s.departments_defaulted]
        if defaulted:
            ids = "、".join(s.id for s in defaulted)
            owners = "、".join(_dedupe(d for s in defaulted for d in s.departments))
            named = any(s.duty for s in defaulted)
            why = "职责分工中没有可识别的单位" if named else "职责分工未写明责任单位"
            found.append(f"第{item.no}项（子项{ids}）：{why}，已默认由{owners}提供")
    return found


def check_rubric(rubric: Rubric) -> list[str]:
    """The validation report: warnings from reading plus the checks on the model, each once."""
    return _dedupe([*rubric.warnings, *_validate(rubric)])


# --------------------------------------------------------------------------------------------
# Exports: JSON contract, Excel, readable tree
# --------------------------------------------------------------------------------------------


def rubric_to_json(rubric: Rubric) -> dict[str, Any]:
    """The documented, stable JSON contract (issue 2 §4). Whole numbers are written as integers."""
    return {
        "year": rubric.year,
        "title": rubric.title,
        "parts": [
            {
                "no": part.no,
                "title": part.title,
                "points": _num(part.points),
                "categories": [
                    {
                        "no": category.no,
                        "title": category.title,
                        "points": _num(category.points),
                        "items": [
                            {
                                "no": item.no,
                                "title": item.title,
                                "points": _num(item.points),
                                "points_inferred": item.points_inferred,
                                "kind": item.kind,
                                "sub_items": [
                                    {
                                        "id": sub.id,
                                        "text": sub.text,
                                        "departments": list(sub.departments),
                                        "materials": list(sub.materials),
                                        "cited_doc_numbers": list(sub.cited_doc_numbers),
                                        "cited_titles": list(sub.cited_titles),
                                        "deductions": [
                                            {"amount": _num(d.amount), "unit": d.unit, "text": d.text}
                                            for d in sub.deductions
                                        ],
                                        "cap": None if sub.cap is None else _num(sub.cap),
                                        "outcome": is_outcome(sub),
                                    }
                                    for sub in item.sub_items
                                ],
                            }
                            for item in category.items
                        ],
                    }
                    for category in part.categories
                ],
            }
            for part in rubric.parts
        ],
        "bonus": None
        if rubric.bonus is None
        else {
            "cap": _num(rubric.bonus.cap),
            "items": [{"id": b.id, "text": b.text, "points": _num(b.points)} for b in rubric.bonus.items],
        },
        "warnings": list(rubric.warnings),
    }


UNIT_NAMES: dict[str, str] = {
    "once": "一次性",
    "occurrence": "每次",
    "item": "每项",
    "person": "每人",
    "percent_point": "每个百分点",
    "department": "每个行业领域",
    "region": "每个片区/单位",
    "enterprise": "每家企业",
    "hazard": "每个隐患",
    "tenth_accident": "每超0.1起",
    "times": "每少一次",
}

XLSX_COLUMNS: tuple[tuple[str, int], ...] = (
    ("部分", 16),
    ("类别", 18),
    ("项目", 6),
    ("项目名称", 36),
    ("项目分值", 8),
    ("分值来源", 10),
    ("子项", 8),
    ("评分标准", 60),
    ("责任单位", 30),
    ("职责分工", 40),
    ("佐证材料", 20),
    ("引用文号", 24),
    ("引用文件", 36),
    ("扣分规则", 40),
    ("本项上限", 8),
    ("结果类", 8),
)


def write_rubric_xlsx(rubric: Rubric, path: Path) -> None:
    """One row per sub-item (the catalog the office checks), plus 加分项 and 校验提示 sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "考核细则"
    sheet.append([name for name, _ in XLSX_COLUMNS])
    for part in rubric.parts:
        for category in part.categories:
            for item in category.items:
                source = "一票否决" if item.kind == "veto" else ("推定" if item.points_inferred else "表中")
                for sub in item.sub_items:
                    departments = "、".join(sub.departments) + (
                        "（默认）" if sub.departments_defaulted else ""
                    )
                    rules = "\n".join(
                        f"{_fmt(d.amount)}分/{UNIT_NAMES[d.unit]}：{d.text}" for d in sub.deductions
                    )
                    sheet.append(
                        [
                            f"{part.no}、{part.title}（{_fmt(part.points)}分）",
                            f"（{category.no}）{category.title}（{_fmt(category.points)}分）",
                            item.no,
                            item.title,
                            _num(item.points),
                            source,
                            sub.id,
                            sub.text,
                            departments,
                            sub.duty,
                            "、".join(sub.materials),
                            "\n".join(sub.cited_doc_numbers),
                            "\n".join(f"《{t}》" for t in sub.cited_titles),
                            rules,
                            None if sub.cap is None else _num(sub.cap),
                            "是" if is_outcome(sub) else None,
                        ]
                    )
    if rubric.bonus is not None:
        bonus = workbook.create_sheet("加分项")
        bonus.append(["编号", "加分情形", "最高单项加分"])
        for b in rubric.bonus.items:
            bonus.append([b.id, b.text, _num(b.points)])
        bonus.append(["上限", f"累计加分不超过{_fmt(rubric.bonus.cap)}分", _num(rubric.bonus.cap)])
        if rubric.bonus.note:
            bonus.append(["说明", rubric.bonus.note, None])
    notes = workbook.create_sheet("校验提示")
    notes.append(["序号", "提示"])
    for index, warning in enumerate(check_rubric(rubric), start=1):
        notes.append([index, warning])
    for ws in workbook.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, (_, width) in enumerate(XLSX_COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    for ws in workbook.worksheets[1:]:
        ws.column_dimensions["B"].width = 90
    try:
        workbook.save(str(path))
    except OSError as e:
        raise RubricError(f"无法写入 Excel 文件：{path}", detail=str(e)) from e


def format_rubric_summary(rubric: Rubric) -> str:
    """Title, year, parts with points, counts and the number of warnings: what `evidence rubric` prints."""
    items = list(rubric.items())
    sub_items = list(rubric.sub_items())
    lines = [
        rubric.title or "（无标题）",
        f"考核年度：{rubric.year}年",
        f"满分：{_fmt(rubric.total_points)}分",
    ]
    for part in rubric.parts:
        lines.append(f"  {part.no}、{part.title}（{_fmt(part.points)}分，{len(part.categories)}个类别）")
    if rubric.bonus is not None:
        lines.append(f"  加分项：{len(rubric.bonus.items)}条，累计不超过{_fmt(rubric.bonus.cap)}分")
    inferred = sum(1 for i in items if i.points_inferred)
    lines.append(
        f"类别{sum(1 for _ in rubric.categories())}个，项目{len(items)}项（其中推定分值{inferred}项），"
        f"子项{len(sub_items)}个"
    )
    lines.append(f"校验提示：{len(check_rubric(rubric))}条（用 evidence rubric check 查看）")
    return "\n".join(lines)


_EVENT = re.compile(
    r"发生|被[^，；。]{0,20}(?:通报|约谈|撤销|变更)|事故[^，；。]{0,6}(?:迟报|瞒报|谎报)|败诉|引发|起数超"
    r"|落实[^，；。]{0,12}(?:通报|约谈)[^，；。]{0,4}不到位"
)


def is_event_triggered(deduction_text: str) -> bool:
    """A deduction for something that happened to the county (an accident, a 通报), not for work undone."""
    return _EVENT.search(deduction_text) is not None


def is_outcome(sub: SubItem) -> bool:
    """Every deduction of ``sub`` is event-triggered: no evidence is needed to keep its points."""
    return bool(sub.deductions) and all(is_event_triggered(d.text) for d in sub.deductions)


OUTCOME_RULE = "发生事故、被通报等情形才扣分"
"""How an outcome sub-item is explained wherever the office reads it (matrix, reports, dashboard)."""


def format_rubric_tree(rubric: Rubric) -> str:
    """The rubric as an indented Chinese tree with points, departments and materials."""
    lines = [f"{rubric.title}（{rubric.year}年度，满分{_fmt(rubric.total_points)}分）"]
    for part in rubric.parts:
        lines.append(f"{part.no}、{part.title}（{_fmt(part.points)}分）")
        for category in part.categories:
            lines.append(f"  （{category.no}）{category.title}（{_fmt(category.points)}分）")
            for item in category.items:
                if item.kind == "veto":
                    points = "一票否决，不计分"
                else:
                    points = f"{_fmt(item.points)}分" + ("，推定" if item.points_inferred else "")
                lines.append(f"    {item.no}. {_short(item.title, 48)}（{points}）")
                for sub in item.sub_items:
                    cap = f"，上限{_fmt(sub.cap)}分" if sub.cap is not None else ""
                    owners = "、".join(sub.departments) + ("（默认）" if sub.departments_defaulted else "")
                    lines.append(f"      {sub.id:<7} {_short(sub.text, 40)}{cap}")
                    lines.append(f"              责任单位：{_short(owners, 60)}")
                    if is_outcome(sub):
                        lines.append(f"              结果类：{OUTCOME_RULE}，不需专门佐证")
                    if sub.materials:
                        lines.append(f"              佐证材料：{'、'.join(sub.materials)}")
                    if sub.cited_doc_numbers:
                        lines.append(f"              引用文号：{'、'.join(sub.cited_doc_numbers)}")
    if rubric.bonus is not None:
        lines.append(f"{rubric.bonus.title}（累计不超过{_fmt(rubric.bonus.cap)}分）")
        for b in rubric.bonus.items:
            lines.append(f"  {b.id:<4} {_short(b.text, 48)}（最高{_fmt(b.points)}分）")
    return "\n".join(lines)


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# Words that end like an organisation in a 职责分工 cell (县气象局, 县人防办, 团县委 …).
_ORG_SUFFIX_RE = re.compile(
    r"(?<![布格大结当])局$|办公室$|(?<!举)办$|大队$|支队$|中队$|委员会$|工会$|妇联$|团县委$"
    r"|[组宣统]\w*部$|镇$|乡$|街道$|中心$|馆$"
)


def unresolved_department_names(rubric: Rubric, registry: DepartmentRegistry) -> list[str]:
    """Organisation-like names in the 职责分工 cells that the registry cannot resolve.

    Text already recognised by ``find_departments`` is blanked out first; what is left is split
    at punctuation and the verbs of the cell (提供/负责), and fragments that end like an
    organisation are looked up once more with ``resolve_department``.
    """
    from pipeline.departments import find_departments, resolve_department

    found: list[str] = []
    for item in rubric.items():
        text = item.duty
        if not text:
            continue
        chars = list(text)
        for mention in find_departments(text, registry):
            chars[mention.start : mention.end] = "、" * (mention.end - mention.start)
        for fragment in re.split(
            r"[、，,；;。：:（）()\[\]\s“”《》<>+]|提供|负责|牵头|配合|及|和|与|等", "".join(chars)
        ):
            fragment = fragment.strip()
            if (
                2 <= len(fragment) <= 15
                and _ORG_SUFFIX_RE.search(fragment)
                and fragment not in found
                and not resolve_department(fragment, registry).ok
            ):
                found.append(fragment)
    return found
