import codecs
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.readers import read_evidence
from tests.builders.office import NOTICE_BODY, NOTICE_NUMBER, NOTICE_TITLE, read_context, source_for

TEXT = "\n".join([NOTICE_NUMBER, NOTICE_TITLE, *NOTICE_BODY])


def read(path: Path, tmp_path: Path, limits: Limits | None = None):
    return read_evidence(source_for(path), read_context(tmp_path, limits))


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),  # with BOM, as Windows Notepad writes "Unicode"
        ("utf-16-le", "utf-16-le"),  # without BOM
    ],
)
def test_encodings_read_back_exactly(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "通知.txt"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode(encoding))
    ev = read(path, tmp_path)
    assert ev.text == TEXT
    assert codecs.lookup(dict(ev.meta)["encoding"]).name == codecs.lookup(expected).name


def test_short_gbk_text(tmp_path: Path) -> None:
    path = tmp_path / "短.md"
    path.write_bytes("会议纪要".encode("gbk"))
    assert read(path, tmp_path).text == "会议纪要"


def test_csv_becomes_a_table(tmp_path: Path) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes('序号,单位,文号\r\n1,住建局,蓬住建〔2022〕8号\r\n2,"交通局,运管所",\r\n'.encode("gbk"))
    ev = read(path, tmp_path)
    assert ev.tables[0].rows == (
        ("序号", "单位", "文号"),
        ("1", "住建局", "蓬住建〔2022〕8号"),
        ("2", "交通局,运管所", ""),
    )
    assert ev.text.split("\n")[1] == "1\t住建局\t蓬住建〔2022〕8号"


def test_empty_whitespace_and_too_large(tmp_path: Path) -> None:
    empty = tmp_path / "a.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentLoadError) as err:
        read(empty, tmp_path)
    assert err.value.code == "empty"
    blank = tmp_path / "b.txt"
    blank.write_bytes(b" \r\n\t\n")
    with pytest.raises(ExtractionError) as err2:
        read(blank, tmp_path)
    assert err2.value.code == "no_text"
    big = tmp_path / "c.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(DocumentLoadError) as err3:
        read(big, tmp_path, Limits(max_file_bytes=1024))
    assert err3.value.code == "too_large" and "超过上限" in err3.value.message


def test_binary_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentLoadError):
        read(path, tmp_path)
