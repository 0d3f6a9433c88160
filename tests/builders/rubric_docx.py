"""Build the 2022 rubric as a real Word table, the way a county office makes it.

The dump (pipeline/data/rubrics/2022-pengxi.txt) is split here with deliberately simple logic: every
cell starts with a tab, so the cells are read in order and classified by their first line (part,
category, item, then the item's 评分标准/考核分值/职责分工/佐证资料). That is independent of the
reader under test, which works on rows.

The .docx has six columns with the header row; parts are full-width merged rows; categories are
either the 考评指标 column merged vertically over the category's rows (``category_style="column"``)
or full-width rows (``"row"``); multi-line cells are several paragraphs; the 考核分值 cell of the
一票否决 item is merged down over the next item (as in the original, where 25 covers items 21–22);
``[bookmark: …]`` debris of the dump becomes a real ``w:bookmarkStart``/``w:bookmarkEnd`` pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from pipeline.rubric import bundled_rubric_path

HEADER = (
    "考评\n指标",
    "考评内容",
    "评分标准",
    "考核\n分值",
    "职责分工及提供内容",
    "佐证资料（文件、会议、报道、讲话等）附文件号",
)
BOOKMARK = re.compile(r"\[bookmark:\s*([^\]]*)\]")
_PART = re.compile(r"^[一二三四五六七八九十]+、.*（.*分.*）\s*$")
_CATEGORY = re.compile(r"^（[一二三四五六七八九十]+）.*（[\d.]+分）\s*$")
_ITEM = re.compile(r"^\d{1,2}\.(?!\d)")
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


@dataclass
class DumpItem:
    title: str
    criteria: list[str] = field(default_factory=list)
    points: str = ""
    duty: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class DumpCategory:
    heading: str
    items: list[DumpItem] = field(default_factory=list)


@dataclass
class DumpPart:
    heading: str
    categories: list[DumpCategory] = field(default_factory=list)


@dataclass
class DumpTable:
    header_lines: list[str]
    parts: list[DumpPart]
    bonus_heading: str
    bonus_lines: list[str]

    def items(self) -> list[DumpItem]:
        return [i for p in self.parts for c in p.categories for i in c.items]


def parse_dump(path: Path | None = None) -> DumpTable:
    """Cells in document order (lines kept as written, debris included), classified by content."""
    text = (path or bundled_rubric_path()).read_text(encoding="utf-8")
    header_lines: list[str] = []
    cells: list[list[str]] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        if line.startswith(("\t", " \t")):
            current = [line.split("\t", 1)[1].rstrip()]
            cells.append(current)
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line.rstrip())
        else:
            header_lines.append(line.strip())

    table = DumpTable(header_lines, [], "", [])
    item: DumpItem | None = None
    for cell in cells:
        first = BOOKMARK.sub("", cell[0]).strip()
        if table.bonus_heading:
            table.bonus_lines.extend(cell)
        elif _PART.match(first):
            if "加分" in first:
                table.bonus_heading = first
                table.bonus_lines.extend(cell[1:])
            else:
                table.parts.append(DumpPart(first))
            item = None
        elif _CATEGORY.match(first):
            table.parts[-1].categories.append(DumpCategory(first))
            item = None
        elif _ITEM.match(first):
            item = DumpItem("\n".join(cell))
            table.parts[-1].categories[-1].items.append(item)
        elif not any(x.strip() for x in cell) or item is None:
            continue  # empty cells of merged slots, the header row
        elif not item.criteria:
            item.criteria = cell
        elif _NUMBER.match(first) and not item.points and not item.duty:
            item.points = first
        elif not item.duty:
            item.duty = cell
        elif not item.evidence:
            item.evidence = cell
        else:
            raise ValueError(f"unexpected cell after the 佐证资料 of {item.title[:10]}: {first[:20]}")
    return table


# ---- writing ------------------------------------------------------------------------------------


def _add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    p = paragraph._p
    p.insert(1 if p.pPr is not None else 0, start)
    p.append(end)


class _Writer:
    def __init__(self) -> None:
        self.bookmarks = 0

    def fill(self, cell: _Cell, lines: list[str] | str) -> None:
        """One paragraph per line; bookmark debris becomes a real bookmark at the paragraph start."""
        if isinstance(lines, str):
            lines = lines.split("\n")
        for index, line in enumerate(lines or [""]):
            names = BOOKMARK.findall(line)
            text = BOOKMARK.sub("", line).strip()
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.add_run(text)
            for name in names:
                self.bookmarks += 1
                _add_bookmark(paragraph, name.strip(), self.bookmarks)


def build_rubric_docx(
    path: Path,
    *,
    source: Path | None = None,
    category_style: Literal["column", "row"] = "column",
) -> Path:
    """Write the rubric table to ``path`` (a .docx) and return it."""
    dump = parse_dump(source)
    document = Document()
    for line in dump.header_lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    writer = _Writer()
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        writer.fill(cell, text)

    def full_width(lines: list[str] | str) -> None:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[5])
        writer.fill(merged, lines)

    for part in dump.parts:
        full_width(part.heading)
        for category in part.categories:
            if category_style == "row":
                full_width(category.heading)
            first_row = len(table.rows)
            for item in category.items:
                cells = table.add_row().cells
                writer.fill(cells[1], item.title)
                writer.fill(cells[2], item.criteria)
                writer.fill(cells[3], item.points)
                writer.fill(cells[4], item.duty)
                writer.fill(cells[5], item.evidence)
            last_row = len(table.rows) - 1
            if category_style == "column":
                top = table.cell(first_row, 0)
                merged = top.merge(table.cell(last_row, 0)) if last_row > first_row else top
                writer.fill(merged, category.heading)
            # the 一票否决 item's 考核分值 cell covers the next item too (25 over items 21–22)
            for offset, item in enumerate(category.items[:-1]):
                following = category.items[offset + 1]
                if "一票否决" in item.title and item.points and not following.points:
                    row = first_row + offset
                    table.cell(row, 3).merge(table.cell(row + 1, 3))
    if dump.bonus_heading:
        row = table.add_row()
        writer.fill(row.cells[0], dump.bonus_heading)
        content = row.cells[1].merge(row.cells[5])
        writer.fill(content, [line for line in dump.bonus_lines if line.strip()])
    document.save(str(path))
    return path
