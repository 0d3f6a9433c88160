"""Plain text (.txt/.md/.csv) in whatever encoding a department's PC saved it.

Order: a BOM decides (UTF-8/UTF-16/UTF-32); then strict UTF-8; then UTF-16 without BOM when every
other byte is zero; then GB18030 (a superset of GBK/GB2312) if it decodes strictly into mostly CJK and
ASCII; then charset-normalizer's best guess. GB18030 goes before the detector because on short
Chinese texts the detector often prefers Big5 or a Latin code page.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from charset_normalizer import from_bytes

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.models import Evidence, SourceFile, Table
from pipeline.readers.base import ReadContext, reader
from pipeline.readers.common import check_size

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _plausible_chinese(text: str) -> bool:
    """Mostly CJK ideographs, CJK/full-width punctuation and printable ASCII: how GBK text looks."""
    if not text:
        return False
    good = sum(
        1
        for ch in text
        if ch.isascii()
        or "\u4e00" <= ch <= "\u9fff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or ch in "“”‘’…—·"
    )
    return good / len(text) >= 0.95


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding). Raises DocumentLoadError when no encoding fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if len(sample) >= 4:
        for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if zeros.count(0) >= 0.3 * len(zeros):
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    continue
    try:
        text = data.decode("gb18030")
        if _plausible_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentLoadError("无法识别文件的文字编码（可能不是文本文件）", code="bad_encoding")
    return str(best), best.encoding


@reader("txt")
def read_text(source: SourceFile, ctx: ReadContext) -> Evidence:
    check_size(source, ctx.limits)
    data = Path(source.path).read_bytes()
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise DocumentLoadError("文件不是文本文件（含有二进制内容），无法读取", code="corrupt")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ExtractionError("文件中没有可读取的文字", code="no_text")
    tables: tuple[Table, ...] = ()
    if Path(source.rel_path).suffix.lower() == ".csv":
        try:
            rows = tuple(tuple(c.strip() for c in row) for row in csv.reader(io.StringIO(text)) if any(row))
        except csv.Error:
            rows = ()  # not really CSV (or a field over csv's size limit): keep it as plain text
        if rows:
            tables = (Table(name=Path(source.rel_path).stem, rows=rows),)
            text = "\n".join("\t".join(row) for row in rows)
    return Evidence(source=source, text=text, tables=tables, meta=(("encoding", encoding),))
