"""PDF reader: text layers read back exactly, scans OCR'd (through a red seal), damage named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest

from matchers.docnum import extract_doc_numbers
from pipeline import ocr
from pipeline.config import Limits
from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.models import Evidence
from pipeline.readers import ReadContext, read_evidence
from pipeline.readers.pdf import _layer_usable
from tests.builders.scans import (
    DOC_NUMBER,
    NOTICE,
    build_broken_xref_pdf,
    build_encrypted_pdf,
    build_letterspaced_pdf,
    build_owner_only_pdf,
    build_scanned_pdf,
    build_table_pdf,
    build_text_pdf,
    build_truncated_pdf,
    build_zero_page_pdf,
    source_file,
)


def read(path: Path, tmp_path: Path, limits: Limits | None = None) -> Evidence:
    ctx = ReadContext(limits=limits or Limits(), scratch=tmp_path / "scratch", ocr_cache=tmp_path / "ocr")
    return read_evidence(source_file(path), ctx)


@pytest.mark.parametrize("font", ["WQY", "STSong-Light"])
def test_text_layer_is_read_back_line_for_line(tmp_path: Path, font: Literal["WQY", "STSong-Light"]) -> None:
    calls = ocr.engine_calls
    ev = read(build_text_pdf(tmp_path / "notice.pdf", font=font), tmp_path)
    assert ev.ok
    assert ev.source.format == "pdf"
    assert [p.number for p in ev.pages] == [1]
    # 〔〕, 《》, （）, full-width digits ２０２２ and the colon come back as drawn.
    assert ev.pages[0].text.splitlines() == [line.text for line in NOTICE]
    assert not ev.ocr and not ev.pages[0].ocr and ev.ocr_confidence is None
    assert ocr.engine_calls == calls  # a text layer never reaches the OCR engine
    assert ("title", "关于开展2022年安全生产大检查的通知") in ev.meta
    assert ("pages", "1") in ev.meta


def test_letter_spaced_chinese_gets_no_spurious_spaces(tmp_path: Path) -> None:
    text = "安全生产大检查工作方案（2022年）"
    ev = read(build_letterspaced_pdf(tmp_path / "spaced.pdf", text, char_space=5), tmp_path)
    assert ev.text == text


def test_ruled_table_becomes_rows(tmp_path: Path) -> None:
    rows = [
        ["序号", "隐患内容", "整改情况"],
        ["1", "消防通道堵塞", "已整改"],
        ["2", "电线私拉乱接（临时）", "整改中"],
    ]
    ev = read(build_table_pdf(tmp_path / "ledger.pdf", rows), tmp_path)
    assert [t.name for t in ev.tables] == ["表1"]
    assert [list(r) for r in ev.tables[0].rows] == rows
    assert ev.tables[0].row_count == 3
    assert "1 消防通道堵塞 已整改" in ev.text  # columns stay apart in the page text


def test_page_limit_reads_the_first_pages_and_says_so(tmp_path: Path) -> None:
    ev = read(build_text_pdf(tmp_path / "long.pdf", pages=5), tmp_path, Limits(max_pdf_pages=2))
    assert ev.ok  # what was read is sound evidence
    assert [p.number for p in ev.pages] == [1, 2]
    meta = dict(ev.meta)
    assert meta["pages"] == "5" and meta["pages_read"] == "2"
    assert "只读取了前 2 页" in meta["note"]


def test_owner_password_only_is_readable(tmp_path: Path) -> None:
    ev = read(build_owner_only_pdf(tmp_path / "restricted.pdf"), tmp_path)
    assert ev.ok and DOC_NUMBER in ev.text


def test_recoverable_broken_xref_is_read_with_a_note(tmp_path: Path) -> None:
    ev = read(build_broken_xref_pdf(tmp_path / "xref.pdf"), tmp_path)
    assert ev.ok
    assert ev.pages[0].text.splitlines() == [line.text for line in NOTICE]
    assert any(k == "note" and "交叉引用表" in v for k, v in ev.meta)


def _not_a_pdf(path: Path) -> Path:
    path.write_text("这其实是一个文本文件，只是扩展名写成了 pdf。", encoding="utf-8")
    return path


def _zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("build", "code", "words"),
    [
        (build_encrypted_pdf, "encrypted", "PDF 已加密（设置了打开密码），请提供未加密的版本"),
        (build_truncated_pdf, "corrupt", "不完整"),
        (lambda p: build_broken_xref_pdf(p, recoverable=False), "corrupt", "结构已损坏"),
        (build_zero_page_pdf, "empty", "没有任何页面"),
        (_zero_bytes, "empty", "0 字节"),
        (_not_a_pdf, "corrupt", "内容不是 PDF"),
    ],
    ids=["encrypted", "truncated", "broken-xref", "zero-pages", "zero-bytes", "not-a-pdf"],
)
def test_damaged_pdfs_become_specific_problems(
    tmp_path: Path, build: Callable[[Path], Path], code: str, words: str
) -> None:
    path = build(tmp_path / "bad.pdf")
    with pytest.raises(DocumentLoadError) as info:
        read(path, tmp_path)
    assert info.value.code == code
    assert words in info.value.message


@pytest.mark.parametrize(
    ("text", "usable"),
    [
        ("蓬安办发〔2022〕12号 关于开展大检查的通知", True),
        ("关于开展安全生产大检查", True),
        ("- 1 -", False),  # a page number stamped on a scan
        ("(cid:123)(cid:45)(cid:67)(cid:89)(cid:12)(cid:34)(cid:56)(cid:78)(cid:90)(cid:11)(cid:13)", False),
        (
            "附件(cid:1)(cid:2)(cid:3)(cid:4)(cid:5)(cid:6)(cid:7)(cid:8)(cid:9)(cid:10)(cid:11)(cid:12)",
            False,
        ),
        ("\ufffd" * 30, False),
        ("", False),
    ],
)
def test_which_text_layers_are_usable(text: str, usable: bool) -> None:
    assert _layer_usable(text) is usable


@pytest.mark.ocr
def test_scan_with_seal_over_signature_yields_doc_number_and_is_cached(tmp_path: Path) -> None:
    path = build_scanned_pdf(tmp_path / "scan.pdf", seal_over="signature")
    ev = read(path, tmp_path)
    assert ev.ok and ev.ocr and ev.pages[0].ocr
    assert ev.ocr_confidence is not None and 0.5 < ev.ocr_confidence <= 1.0
    assert DOC_NUMBER in [d.canonical for d in extract_doc_numbers(ev.text)]
    assert "2022年3月15日" in ev.text  # the date under the seal

    entries = list((tmp_path / "ocr").glob("*.json"))
    assert len(entries) == 1 and ev.source.sha256 in entries[0].name
    assert json.loads(entries[0].read_text(encoding="utf-8"))["text"] == ev.pages[0].text

    calls = ocr.engine_calls
    again = read(path, tmp_path)
    assert ocr.engine_calls == calls  # served from the cache, the engine did not run
    assert again.pages == ev.pages


@pytest.mark.ocr
def test_scan_with_seal_over_the_doc_number_still_yields_it(tmp_path: Path) -> None:
    ev = read(build_scanned_pdf(tmp_path / "scan.pdf", seal_over="docnum"), tmp_path)
    assert ev.ocr
    assert DOC_NUMBER in [d.canonical for d in extract_doc_numbers(ev.text)]


@pytest.mark.ocr
def test_blank_scan_is_no_text(tmp_path: Path) -> None:
    path = build_scanned_pdf(tmp_path / "blank.pdf", seal_over="none", lines=())
    with pytest.raises(ExtractionError) as info:
        read(path, tmp_path)
    assert info.value.code == "no_text"
    assert info.value.message == "扫描件中未识别出文字（OCR 无结果），请提供清晰的扫描件或文字版"
