from pathlib import Path

import pytest

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.readers import detect_format, read_evidence
from tests.builders.office import (
    NOTICE_BODY,
    NOTICE_NUMBER,
    NOTICE_TITLE,
    read_context,
    rewrite_member,
    source_for,
    truncate,
    write_ofd,
)

PAGES = [[NOTICE_NUMBER, NOTICE_TITLE, *NOTICE_BODY], ["蓬溪县安全生产委员会办公室", "２０２２年３月１日"]]


def read(path: Path, tmp_path: Path):
    return read_evidence(source_for(path), read_context(tmp_path))


def test_text_per_page_in_reading_order(tmp_path: Path) -> None:
    path = write_ofd(tmp_path / "通知.ofd", PAGES)
    assert detect_format(path) == "ofd"
    ev = read(path, tmp_path)
    assert [p.text.split("\n") for p in ev.pages] == PAGES
    assert [p.number for p in ev.pages] == [1, 2]
    assert ev.text == "\n".join(PAGES[0]) + "\n\n" + "\n".join(PAGES[1])


def test_ofd_named_zip_detected_by_content(tmp_path: Path) -> None:
    path = write_ofd(tmp_path / "通知.zip", PAGES)
    assert detect_format(path) == "ofd"


def test_dtd_in_page_refused(tmp_path: Path) -> None:
    path = write_ofd(tmp_path / "a.ofd", PAGES)
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content/></ofd:Page>'
    )
    rewrite_member(path, "Doc_0/Pages/Page_0/Content.xml", xml.encode())
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "hostile"


def test_missing_page_part_is_corrupt(tmp_path: Path) -> None:
    path = write_ofd(tmp_path / "a.ofd", PAGES)
    rewrite_member(path, "Doc_0/Document.xml", b"<not-closed")
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "corrupt"
    assert "OFD" in err.value.message


def test_truncated_ofd_is_corrupt(tmp_path: Path) -> None:
    path = truncate(write_ofd(tmp_path / "a.ofd", PAGES), 0.5)
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "corrupt"


def test_pages_without_text(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as err:
        read(write_ofd(tmp_path / "scan.ofd", [[]]), tmp_path)
    assert err.value.code == "no_text"
