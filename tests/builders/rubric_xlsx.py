"""Build the 2022 rubric as an Excel sheet: the same six columns, merged cells with the value only
at the top-left (as openpyxl and Excel store them), the title above the header row."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment

from tests.builders.rubric_docx import BOOKMARK, HEADER, parse_dump


def _text(lines: list[str] | str) -> str:
    if isinstance(lines, str):
        lines = lines.split("\n")
    return "\n".join(BOOKMARK.sub("", line).strip() for line in lines)


def _number(text: str) -> int | float | None:
    if not text:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def build_rubric_xlsx(
    path: Path,
    *,
    source: Path | None = None,
    category_style: Literal["column", "row"] = "column",
) -> Path:
    dump = parse_dump(source)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "考核任务分解表"
    row = 1
    for line in dump.header_lines:
        sheet.cell(row, 1, line)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1
    for column, text in enumerate(HEADER, start=1):
        sheet.cell(row, column, text)
    row += 1

    def full_width(text: str) -> None:
        nonlocal row
        sheet.cell(row, 1, text)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1

    for part in dump.parts:
        full_width(part.heading)
        for category in part.categories:
            if category_style == "row":
                full_width(category.heading)
            first_row = row
            for item in category.items:
                sheet.cell(row, 2, _text(item.title))
                sheet.cell(row, 3, _text(item.criteria))
                sheet.cell(row, 4, _number(item.points))
                sheet.cell(row, 5, _text(item.duty) or None)
                sheet.cell(row, 6, _text(item.evidence) or None)
                row += 1
            if category_style == "column":
                sheet.cell(first_row, 1, category.heading)
                if row - 1 > first_row:
                    sheet.merge_cells(start_row=first_row, start_column=1, end_row=row - 1, end_column=1)
            for offset, item in enumerate(category.items[:-1]):
                if "一票否决" in item.title and item.points and not category.items[offset + 1].points:
                    r = first_row + offset
                    sheet.merge_cells(start_row=r, start_column=4, end_row=r + 1, end_column=4)
    if dump.bonus_heading:
        sheet.cell(row, 1, dump.bonus_heading)
        sheet.cell(row, 2, _text([line for line in dump.bonus_lines if line.strip()]))
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(str(path))
    return path
