"""PDF: the text layer page by page with pdfplumber; pages without one are rendered and OCR'd.

Departments send both exports from Word (a real text layer) and scans of stamped paper (one image per
page, no text). A page whose text layer has fewer than ``MIN_LAYER_CHARS`` real characters, or only
``(cid:N)`` garbage from a font without a Unicode map, is rendered with pypdfium2 at
``Limits.ocr_dpi`` and read by OCR (cached by content hash and page).
"""

from __future__ import annotations

import math
import re
from functools import partial
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect, PDFXRefFallback
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.models import Evidence, Page, Problem, SourceFile, Table
from pipeline.ocr import ocr_cached, ocr_threads
from pipeline.readers.base import ReadContext, reader

MIN_LAYER_CHARS = 10

# Everything pdfminer raises on damaged bytes: its own errors and the plain ones it lets escape.
_PARSE_ERRORS = (
    PdfminerException,
    PSException,
    PDFSyntaxError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AssertionError,
)

_CID = re.compile(r"\(cid:\d+\)")
_CJK = r"\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef"
# pdfplumber infers a space wherever two glyphs are further apart than the x tolerance. The fixed
# default (3 pt) splits justified or letter-spaced Chinese into "安 全 生 产"; half a character's
# size joins those yet still separates table columns. Real space glyphs are kept whatever the gap.
TEXT_SETTINGS: dict[str, Any] = {"x_tolerance_ratio": 0.5}
TABLE_SETTINGS: dict[str, Any] = {"text_x_tolerance_ratio": 0.5}
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\n(?=[{_CJK}])")

MSG_ENCRYPTED = "PDF 已加密（设置了打开密码），请提供未加密的版本"
MSG_TRUNCATED = "PDF 文件不完整（末尾缺失，可能下载或复制时中断），请重新发送完整的文件"
MSG_NOT_PDF = "文件扩展名是 .pdf，但内容不是 PDF 文件，请确认文件是否正确"
MSG_CORRUPT = "PDF 文件结构已损坏，无法打开，请用原软件重新导出或重新扫描"
MSG_EMPTY_FILE = "文件为空（0 字节），请重新发送"
MSG_NO_PAGES = "PDF 中没有任何页面"
MSG_NO_TEXT = "扫描件中未识别出文字（OCR 无结果），请提供清晰的扫描件或文字版"


def _layer_usable(text: str) -> bool:
    cids = len(_CID.findall(text))
    real = len(re.sub(r"\s", "", _CID.sub("", text)).replace("\ufffd", ""))
    return real >= MIN_LAYER_CHARS and real > cids


def _nonspace(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _cell(value: str | None) -> str:
    if not value:
        return ""
    # A cell's text wrapped over lines: Chinese joins without a space, other text with one.
    return _CJK_BREAK.sub("", value).replace("\n", " ").strip()


def _tables(page: Any, first_no: int) -> list[Table]:
    tables: list[Table] = []
    for raw in page.extract_tables(TABLE_SETTINGS):
        rows = tuple(tuple(_cell(c) for c in row) for row in raw)
        if any(any(row) for row in rows):
            tables.append(Table(name=f"表{first_no + len(tables)}", rows=rows))
    return tables


def _pdf_date(value: str) -> str:
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", value)
    if not m:
        return value
    y, mo, d, h, mi, s = (g or dflt for g, dflt in zip(m.groups(), ("", "01", "01", "", "", ""), strict=True))
    return f"{y}-{mo}-{d}" + (f"T{h}:{mi or '00'}:{s or '00'}" if h else "")


def _meta(pdf: Any) -> list[tuple[str, str]]:
    meta: list[tuple[str, str]] = []
    info = pdf.metadata or {}
    for key, name in (
        ("Title", "title"),
        ("Author", "author"),
        ("CreationDate", "created"),
        ("ModDate", "modified"),
    ):
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            meta.append((name, _pdf_date(value.strip()) if key.endswith("Date") else value.strip()))
    return meta


def _load_error(path: Path, e: BaseException) -> DocumentLoadError:
    """Name the damage specifically: a password, a cut-off download, not a PDF at all, or broken."""
    cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return DocumentLoadError(MSG_ENCRYPTED, detail=repr(cause), code="encrypted")
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(max(0, path.stat().st_size - 2048))
        tail = f.read()
    if b"%PDF-" not in head:
        return DocumentLoadError(MSG_NOT_PDF, detail=repr(cause), code="corrupt")
    if b"%%EOF" not in tail:
        return DocumentLoadError(MSG_TRUNCATED, detail=repr(cause), code="corrupt")
    return DocumentLoadError(MSG_CORRUPT, detail=repr(cause), code="corrupt")


def _render(doc: pdfium.PdfDocument, index: int, dpi: int, max_pixels: int) -> Image.Image:
    """The page as RGB pixels at ``dpi``, scaled down if a giant MediaBox would exceed ``max_pixels``."""
    page = doc[index]
    try:
        width, height = page.get_size()  # points
        scale = dpi / 72
        if width * height * scale * scale > max_pixels:
            scale = math.sqrt(max_pixels / (width * height))
        bitmap = page.render(scale=scale)
        try:
            return bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()


@reader("pdf")
def read_pdf(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    if path.stat().st_size == 0:
        raise DocumentLoadError(MSG_EMPTY_FILE, code="empty")
    limits = ctx.limits
    pages: list[Page] = []
    tables: list[Table] = []
    problems: list[Problem] = []
    meta: list[tuple[str, str]] = []
    rendered: pdfium.PdfDocument | None = None
    try:
        pdf = None
        try:
            pdf = pdfplumber.open(path)
            total = len(pdf.pages)
        except _PARSE_ERRORS as e:
            if pdf is not None:
                pdf.close()
            raise _load_error(path, e) from e
        with pdf:
            if total == 0:
                raise DocumentLoadError(MSG_NO_PAGES, code="empty")
            meta = _meta(pdf)
            meta.append(("pages", str(total)))
            if any(isinstance(x, PDFXRefFallback) for x in pdf.doc.xrefs):
                meta.append(("note", "PDF 的交叉引用表已损坏，已按对象重建后读取"))
            count = min(total, limits.max_pdf_pages)
            if count < total:
                # Not a problem: what was read is sound and still counts as evidence.
                meta.append(("pages_read", str(count)))
                meta.append(
                    ("note", f"PDF 共 {total} 页，超过上限 {limits.max_pdf_pages} 页，只读取了前 {count} 页")
                )
            for index in range(count):
                number = index + 1
                page = pdf.pages[index]
                try:
                    text = page.extract_text(**TEXT_SETTINGS) or ""
                    page_tables = _tables(page, len(tables) + 1) if _layer_usable(text) else []
                except _PARSE_ERRORS as e:
                    problems.append(
                        Problem(
                            source.rel_path, "corrupt", f"PDF 第 {number} 页已损坏，无法读取其内容", repr(e)
                        )
                    )
                    continue
                finally:
                    page.close()  # drop pdfplumber's per-page object cache: 10,000 files in one run
                if _layer_usable(text):
                    pages.append(Page(number, text))
                    tables.extend(page_tables)
                    continue
                if rendered is None:
                    try:
                        rendered = pdfium.PdfDocument(path)
                    except pdfium.PdfiumError as e:
                        raise DocumentLoadError(MSG_CORRUPT, detail=repr(e), code="corrupt") from e
                result = ocr_cached(
                    f"{source.sha256}-p{number}-{limits.ocr_dpi}dpi",
                    partial(_render, rendered, index, limits.ocr_dpi, limits.max_image_pixels),
                    ctx.ocr_cache,
                    threads=ocr_threads(limits.ocr_workers),
                )
                if _nonspace(result.text) >= _nonspace(text):
                    pages.append(Page(number, result.text, ocr=True, confidence=result.confidence))
                else:
                    pages.append(Page(number, text))
    finally:
        if rendered is not None:
            rendered.close()

    full_text = "\n\n".join(p.text for p in pages if p.text)
    ocr_pages = [p for p in pages if p.ocr]
    if not full_text.strip() and not problems:
        raise ExtractionError(MSG_NO_TEXT, code="no_text")
    confidences = [p.confidence for p in ocr_pages if p.confidence is not None]
    return Evidence(
        source=source,
        text=full_text,
        pages=tuple(pages),
        tables=tuple(tables),
        ocr=bool(ocr_pages),
        ocr_confidence=sum(confidences) / len(confidences) if confidences else None,
        meta=tuple(meta),
        problems=tuple(problems),
    )
