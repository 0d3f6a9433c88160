"""Excel 台账: .xlsx/.xlsm via openpyxl (read-only, cached values), .xls via xlrd.

Every sheet becomes a Table whose rows are strings, so later checks can compare the row count with
the number a report claims. Evidence.text is each sheet's name followed by its rows, cells joined
by tabs. Read-only openpyxl keeps the file handle open until ``close()``.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import xlrd
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.models import Evidence, SourceFile, Table
from pipeline.readers.base import ReadContext, reader
from pipeline.readers.common import ENCRYPTED_MESSAGE, check_size, is_encrypted_ooxml, is_ole, open_package
from pipeline.readers.docx import refuse_ole

KIND_XLSX = "Excel 工作簿"
KIND_XLS = "Excel 97-2003 工作簿"


def cell_text(value: Any) -> str:
    """A cell as a person sees it: 3.0 → "3", a date without time → "2022-03-01", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def trim_rows(rows: Iterable[Iterable[Any]]) -> tuple[tuple[str, ...], ...]:
    """Rows as strings with trailing empty rows and columns removed (inner blanks kept in place)."""
    out: list[list[str]] = []
    width = 0
    last_nonempty = 0
    for raw in rows:
        row = [cell_text(v).strip() if isinstance(v, str) else cell_text(v) for v in raw]
        while row and row[-1] == "":
            row.pop()
        out.append(row)
        if row:
            width = max(width, len(row))
            last_nonempty = len(out)
    return tuple(tuple(row + [""] * (width - len(row))) for row in out[:last_nonempty])


def _evidence(source: SourceFile, tables: list[Table]) -> Evidence:
    lines: list[str] = []
    for table in tables:
        lines.append(table.name)
        lines.extend("\t".join(row) for row in table.rows)
    if not any(any(cell for cell in row) for table in tables for row in table.rows):
        raise ExtractionError("文件中没有可读取的文字（所有工作表都是空的）", code="no_text")
    return Evidence(source=source, text="\n".join(lines), tables=tuple(tables))


@reader("xlsx")
def read_xlsx(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    check_size(source, ctx.limits)
    if is_ole(path):
        refuse_ole(path, KIND_XLSX)
    # Refuses bombs and DTDs before openpyxl parses anything (openpyxl also uses defusedxml).
    open_package(path, ctx.limits, KIND_XLSX).close()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        zlib.error,
        EOFError,
    ) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {KIND_XLSX}）", detail=str(e), code="corrupt"
        ) from e
    try:
        tables = []
        for ws in wb.worksheets:
            tables.append(Table(name=ws.title, rows=trim_rows(ws.iter_rows(values_only=True))))
        meta = tuple(
            (k, str(v))
            for k, v in (
                ("title", wb.properties.title),
                ("author", wb.properties.creator),
                ("created", wb.properties.created),
            )
            if v
        )
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, TypeError) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法读取其中的工作表（{KIND_XLSX}）", detail=str(e), code="corrupt"
        ) from e
    finally:
        wb.close()
    return replace(_evidence(source, tables), meta=meta)


@reader("xls")
def read_xls(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    check_size(source, ctx.limits)
    if is_encrypted_ooxml(path):
        raise DocumentLoadError(ENCRYPTED_MESSAGE, code="encrypted")
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except xlrd.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise DocumentLoadError(ENCRYPTED_MESSAGE, detail=str(e), code="encrypted") from e
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {KIND_XLS}）", detail=str(e), code="corrupt"
        ) from e
    except (xlrd.compdoc.CompDocError, AssertionError, ValueError, IndexError, struct.error, OSError) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {KIND_XLS}）", detail=str(e), code="corrupt"
        ) from e
    try:
        tables = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = ([_xls_value(book, c) for c in sheet.row(r)] for r in range(sheet.nrows))
            tables.append(Table(name=sheet.name, rows=trim_rows(rows)))
            book.unload_sheet(index)
    except (xlrd.XLRDError, AssertionError, ValueError, IndexError, struct.error) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法读取其中的工作表（{KIND_XLS}）", detail=str(e), code="corrupt"
        ) from e
    finally:
        book.release_resources()
    return _evidence(source, tables)


def _xls_value(book: xlrd.Book, cell: xlrd.sheet.Cell) -> Any:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return cell.value
