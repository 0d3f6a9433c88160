from pathlib import Path

import pytest

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.readers import detect_format, read_evidence
from tests.builders.office import (
    NOTICE_BODY,
    NOTICE_NUMBER,
    NOTICE_SIGNATURE,
    NOTICE_TITLE,
    TABLE_ROWS,
    read_context,
    rewrite_member,
    source_for,
    truncate,
    write_docx,
    write_encrypted_ooxml,
    write_entity_bomb_docx,
)


def read(path: Path, tmp_path: Path):
    return read_evidence(source_for(path), read_context(tmp_path))


def test_body_paragraphs_and_table_in_document_order(tmp_path: Path) -> None:
    ev = read(write_docx(tmp_path / "通知.docx"), tmp_path)
    expected = [
        NOTICE_NUMBER,
        NOTICE_TITLE,
        *NOTICE_BODY,
        *("\t".join(r) for r in TABLE_ROWS),
        NOTICE_SIGNATURE,
    ]
    assert ev.text.split("\n") == expected
    assert ev.ok and ev.source.format == "docx"


def test_table_rows_kept_exactly(tmp_path: Path) -> None:
    ev = read(write_docx(tmp_path / "a.docx"), tmp_path)
    assert len(ev.tables) == 1
    assert ev.tables[0].rows == TABLE_ROWS
    assert ev.tables[0].row_count == 3


def test_header_footer_and_text_box(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "a.docx",
        header="蓬溪县安全生产委员会办公室文件",
        footer="— 1 —",
        textbox="蓬安委〔2022〕3号",
    )
    lines = read(path, tmp_path).text.split("\n")
    assert lines[0] == "蓬溪县安全生产委员会办公室文件"
    assert lines[-1] == "— 1 —"
    assert "蓬安委〔2022〕3号" in lines
    assert lines.index("蓬安委〔2022〕3号") == lines.index("文本框所在段落") + 1


def test_original_file_not_modified(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docx")
    before = path.read_bytes()
    read(path, tmp_path)
    assert path.read_bytes() == before


def test_docm_content_type_is_read(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docm")
    ctypes = "[Content_Types].xml"
    import zipfile

    with zipfile.ZipFile(path) as zf:
        xml = zf.read(ctypes).replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        )
    rewrite_member(path, ctypes, xml)
    assert NOTICE_NUMBER in read(path, tmp_path).text


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_truncated_docx_is_corrupt(tmp_path: Path, keep: float) -> None:
    path = truncate(write_docx(tmp_path / "a.docx"), keep)
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "corrupt"
    assert "Word" in err.value.message


def test_random_bytes_named_docx_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(bytes(range(256)) * 20)
    assert detect_format(path) == "docx"
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "corrupt"
    assert err.value.message == "文件已损坏，无法打开（不是有效的 Word 文档）"


def test_docx_renamed_pdf_is_detected_as_docx(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docx").rename(tmp_path / "a.pdf")
    assert detect_format(path) == "docx"
    assert NOTICE_TITLE in read(path, tmp_path).text


def test_pdf_renamed_docx_is_detected_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert detect_format(path) == "pdf"


def test_encrypted_docx(tmp_path: Path) -> None:
    path = write_encrypted_ooxml(tmp_path / "加密.docx")
    assert detect_format(path) == "docx"
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "encrypted"
    assert err.value.message == "文件已加密（设置了打开密码），请提供未加密的版本"


def test_entity_bomb_is_refused_without_expansion(tmp_path: Path) -> None:
    path = write_entity_bomb_docx(tmp_path / "bomb.docx")
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "hostile"
    assert "DOCTYPE" in err.value.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(b"")
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert (err.value.code, err.value.message) == ("empty", "文件为空（0 字节）")


def test_document_without_text(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docx", paragraphs=(), table=None, after_table=("  ",))
    with pytest.raises(ExtractionError) as err:
        read(path, tmp_path)
    assert err.value.code == "no_text"


def test_over_size_limit_refused_before_parsing(tmp_path: Path) -> None:
    from pipeline.config import Limits

    path = write_docx(tmp_path / "a.docx")
    with pytest.raises(DocumentLoadError) as err:
        read_evidence(source_for(path), read_context(tmp_path, Limits(max_file_bytes=1000)))
    assert err.value.code == "too_large"
    assert "文件过大" in err.value.message


def test_decompression_bomb_part_refused(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docx")
    xml = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + b" " * (20 * 1024 * 1024)
        + b"<w:body/></w:document>"
    )
    rewrite_member(path, "word/document.xml", xml)
    with pytest.raises(DocumentLoadError) as err:
        read(path, tmp_path)
    assert err.value.code == "hostile"
    assert "压缩炸弹" in err.value.message
