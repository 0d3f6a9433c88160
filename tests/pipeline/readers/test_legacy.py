import shutil
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.errors import DocumentLoadError, ExtractionError, MissingToolError
from pipeline.readers import detect_format, read_evidence
from pipeline.readers.common import is_encrypted_legacy_word, ole_stream_names
from pipeline.readers.legacy import libreoffice_supports
from tests.builders.office import (
    NOTICE_BODY,
    NOTICE_NUMBER,
    NOTICE_SIGNATURE,
    NOTICE_TITLE,
    TABLE_ROWS,
    read_context,
    soffice_convert,
    source_for,
    write_docx,
    write_encrypted_doc,
    write_ole,
)

HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def real_doc(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A Word 97 .doc written by LibreOffice from the python-docx notice."""
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("doc")
    return soffice_convert(write_docx(folder / "notice.docx"), "doc", folder / "out").read_bytes()


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("name", ["通知.doc", "通知.wps"])
def test_legacy_word_converted_and_read(tmp_path: Path, real_doc: bytes, name: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / name
    path.write_bytes(real_doc)
    source = source_for(path)
    assert source.format == "doc"
    assert {"WordDocument", "1Table"} <= (ole_stream_names(path) or set())  # the OLE reader on a real file
    assert not is_encrypted_legacy_word(path)
    ctx = read_context(tmp_path)
    ev = read_evidence(source, ctx)
    expected = [
        NOTICE_NUMBER,
        NOTICE_TITLE,
        *NOTICE_BODY,
        *("\t".join(r) for r in TABLE_ROWS),
        NOTICE_SIGNATURE,
    ]
    assert ev.text.split("\n") == expected
    assert ev.tables[0].rows == TABLE_ROWS
    assert ev.source == source  # the original file, not the converted copy
    assert ("converted_by", "LibreOffice") in ev.meta
    assert list(ctx.scratch.iterdir()) == []  # profile and output removed
    assert [p.name for p in inbox.iterdir()] == [name]  # no lock file beside the original
    assert path.read_bytes() == real_doc


@pytest.mark.parametrize("name", ["a.doc", "a.wps", "a.dps"])
def test_missing_libreoffice_names_the_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = write_ole(tmp_path / name, {"WordDocument": b"\xec\xa5" + b"\0" * 100})
    monkeypatch.setenv("PATH", "")
    with pytest.raises(MissingToolError) as err:
        read_evidence(source_for(path), read_context(tmp_path))
    assert err.value.message == f"需要安装 LibreOffice 才能读取 {Path(name).suffix} 文件"
    assert err.value.code == "missing_tool"


@needs_soffice
@pytest.mark.skipif(libreoffice_supports("xlsx"), reason="LibreOffice Calc is installed here")
def test_missing_calc_module_for_et(tmp_path: Path) -> None:
    path = write_ole(tmp_path / "台账.et", {"Workbook": b"\x09\x08" + b"\0" * 100})
    assert detect_format(path) == "doc"
    with pytest.raises(MissingToolError) as err:
        read_evidence(source_for(path), read_context(tmp_path))
    assert err.value.message == "需要安装 LibreOffice Calc 才能读取 .et 文件"


def test_encrypted_doc_refused_before_conversion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_encrypted_doc(tmp_path / "加密.doc")
    monkeypatch.setenv("PATH", "")  # would be MissingToolError if conversion were attempted
    with pytest.raises(DocumentLoadError) as err:
        read_evidence(source_for(path), read_context(tmp_path))
    assert err.value.code == "encrypted"


@pytest.mark.libreoffice
@needs_soffice
def test_garbage_doc_is_corrupt(tmp_path: Path) -> None:
    path = write_ole(tmp_path / "坏.doc", {"WordDocument": bytes(range(256)) * 16})
    with pytest.raises(DocumentLoadError) as err:
        read_evidence(source_for(path), read_context(tmp_path))
    assert err.value.code == "corrupt"
    assert ".doc" in err.value.message


@pytest.mark.libreoffice
@needs_soffice
def test_timeout_kills_conversion(tmp_path: Path, real_doc: bytes) -> None:
    path = tmp_path / "a.doc"
    path.write_bytes(real_doc)
    ctx = read_context(tmp_path, Limits(libreoffice_timeout_s=0))
    with pytest.raises(ExtractionError) as err:
        read_evidence(source_for(path), ctx)
    assert err.value.code == "timeout"
    assert list(ctx.scratch.iterdir()) == []
