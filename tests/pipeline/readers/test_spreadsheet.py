import datetime as dt
from pathlib import Path

import pytest

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.readers import detect_format, read_evidence
from pipeline.readers.legacy import libreoffice_supports
from pipeline.readers.spreadsheet import trim_rows
from tests.builders.office import (
    read_context,
    rewrite_member,
    soffice_convert,
    source_for,
    truncate,
    write_encrypted_ooxml,
    write_xls,
    write_xlsx,
)

LEDGER = [
    ("序号", "企业名称", "检查日期", "隐患数", "文号"),
    (1, "蓬溪县ＡＢＣ化工有限公司", dt.datetime(2022, 3, 1), 3, "蓬应急〔2022〕5号"),
    (2, "某建筑工地", dt.datetime(2022, 4, 15), 0, None),
    (3.5, None, None, None, None),
]
LEDGER_TEXT = [
    ("序号", "企业名称", "检查日期", "隐患数", "文号"),
    ("1", "蓬溪县ＡＢＣ化工有限公司", "2022-03-01", "3", "蓬应急〔2022〕5号"),
    ("2", "某建筑工地", "2022-04-15", "0", ""),
    ("3.5", "", "", "", ""),
]


def read(path: Path, tmp_path: Path):
    return read_evidence(source_for(path), read_context(tmp_path))


def test_every_sheet_as_table_with_row_counts(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"检查台账": LEDGER, "汇总": [("合计", 2)]})
    ev = read(path, tmp_path)
    assert [t.name for t in ev.tables] == ["检查台账", "汇总"]
    assert ev.tables[0].rows == tuple(LEDGER_TEXT)
    assert ev.tables[0].row_count == 4
    assert ev.tables[1].rows == (("合计", "2"),)
    assert ev.text.split("\n") == ["检查台账", *("\t".join(r) for r in LEDGER_TEXT), "汇总", "合计\t2"]


def test_trailing_empty_rows_and_columns_trimmed_inner_blanks_kept() -> None:
    rows = [("a", None, "c", None, None), (None, None, None), ("d",), (None,), (None, None)]
    assert trim_rows(rows) == (("a", "", "c"), ("", "", ""), ("d", "", ""))


def test_workbook_file_is_closed(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"表": LEDGER})
    read(path, tmp_path)
    import os

    open_files = os.listdir(f"/proc/{os.getpid()}/fd")
    assert not any(os.path.realpath(f"/proc/{os.getpid()}/fd/{fd}") == str(path) for fd in open_files)


def test_truncated_xlsx_is_corrupt(tmp_path: Path) -> None:
    path = truncate(write_xlsx(tmp_path / "a.xlsx", {"表": LEDGER}), 0.6)
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "corrupt"
    assert "Excel" in err.value.message


def test_encrypted_xlsx(tmp_path: Path) -> None:
    path = write_encrypted_ooxml(tmp_path / "加密.xlsx")
    assert detect_format(path) == "xlsx"
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "encrypted"


def test_empty_workbook_has_no_text(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"Sheet1": []})
    with pytest.raises(ExtractionError) as err:
        read(path, tmp_path)
    assert err.value.code == "no_text"


def test_random_bytes_xls_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "a.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    assert detect_format(path) == "xls"
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "corrupt"


def test_xls_read_with_xlrd(tmp_path: Path) -> None:
    rows = [
        ("序号", "企业名称", "文号"),
        (1, "蓬溪县ＡＢＣ化工有限公司", "蓬应急〔2022〕5号"),
        (2.5, None, ""),
    ]
    path = write_xls(tmp_path / "台账.xls", "检查台账", rows)
    assert detect_format(path) == "xls"
    ev = read(path, tmp_path)
    assert ev.tables[0].name == "检查台账"
    assert ev.tables[0].rows == (
        ("序号", "企业名称", "文号"),
        ("1", "蓬溪县ＡＢＣ化工有限公司", "蓬应急〔2022〕5号"),
        ("2.5", "", ""),
    )
    assert ev.text.split("\n")[2] == "1\t蓬溪县ＡＢＣ化工有限公司\t蓬应急〔2022〕5号"


def test_encrypted_xls(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "加密.xls", "表", [("a",)], encrypted=True)
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "encrypted"


def test_xls_renamed_xlsx_is_read_as_xls(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "台账.xlsx", "表", [("蓬溪县",)])
    assert detect_format(path) == "xls"
    assert read(path, tmp_path).tables[0].rows == (("蓬溪县",),)


@pytest.mark.libreoffice
@pytest.mark.skipif(not libreoffice_supports("xlsx"), reason="LibreOffice Calc is not installed")
def test_xls_written_by_libreoffice(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "台账.xlsx", {"检查台账": LEDGER})
    xls = soffice_convert(xlsx, "xls", tmp_path / "out")
    assert detect_format(xls) == "xls"
    ev = read(xls, tmp_path)
    assert ev.tables[0].name == "检查台账"
    assert ev.tables[0].rows == tuple(LEDGER_TEXT)


def test_xlsx_with_dtd_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"表": LEDGER})
    xml = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><worksheet>&x;</worksheet>'
    rewrite_member(path, "xl/worksheets/sheet1.xml", xml)
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "hostile"
