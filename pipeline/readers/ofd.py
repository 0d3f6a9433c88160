"""OFD (GB/T 33190-2016), China's fixed-layout e-document: a zip of XML parts.

OFD.xml → DocBody/DocRoot → Document.xml → Pages/Page/@BaseLoc → Content.xml with TextObject/TextCode.
Text objects carry positions, not reading order, so each page's text codes are placed by their
absolute position (Boundary origin + X/Y) and joined into lines top to bottom, left to right.
Template pages (watermarks, page furniture) are not read.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.models import Evidence, Page, SourceFile
from pipeline.readers.base import ReadContext, reader
from pipeline.readers.common import check_size, open_package, read_member

KIND = "OFD 文件"
NS = "http://www.ofdspec.org/2016"


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _parse(zf: zipfile.ZipFile, name: str) -> Element:
    data = read_member(zf, name, KIND)
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {KIND}，{name} 无法解析）", detail=str(e), code="corrupt"
        ) from e


def _local(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _find(root: Element, name: str) -> list[Element]:
    """Elements by local name: some producers omit the namespace or use another prefix URI."""
    return [el for el in root.iter() if _local(el) == name]


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    return posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))


def _floats(value: str | None, n: int) -> list[float]:
    try:
        nums = [float(v) for v in (value or "").split()]
    except ValueError:
        nums = []
    return (nums + [0.0] * n)[:n]


def _page_text(content: Element) -> str:
    """Text codes placed by position, grouped into lines (tolerance: a fraction of the font size)."""
    items: list[tuple[float, float, float, str]] = []  # y, x, size, text
    for order, obj in enumerate(_find(content, "TextObject")):
        bx, by = _floats(obj.get("Boundary"), 2)
        size = _floats(obj.get("Size"), 1)[0] or 3.5
        for code in (c for c in obj if _local(c) == "TextCode"):
            text = code.text or ""
            if not text:
                continue
            x = float(code.get("X") or 0)
            y = float(code.get("Y") or 0)
            items.append((by + y, bx + x + order * 1e-9, size, text))
    items.sort(key=lambda it: (it[0], it[1]))
    lines: list[list[tuple[float, str]]] = []
    line_y = None
    for y, x, size, text in items:
        if line_y is None or y - line_y > 0.4 * size:
            lines.append([])
            line_y = y
        lines[-1].append((x, text))
    return "\n".join("".join(t for _, t in sorted(line)) for line in lines)


@reader("ofd")
def read_ofd(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    check_size(source, ctx.limits)
    pages: list[Page] = []
    with open_package(path, ctx.limits, KIND) as zf:
        ofd = _parse(zf, "OFD.xml")
        doc_roots = [el.text.strip() for el in _find(ofd, "DocRoot") if el.text and el.text.strip()]
        if not doc_roots:
            raise DocumentLoadError(
                f"文件已损坏，无法打开（不是有效的 {KIND}，缺少 DocRoot）", code="corrupt"
            )
        for doc_root in doc_roots:
            doc_name = _resolve("", doc_root)
            document = _parse(zf, doc_name)
            doc_dir = posixpath.dirname(doc_name)
            for page in _find(document, "Page"):
                loc = page.get("BaseLoc")
                if not loc:
                    continue
                content = _parse(zf, _resolve(doc_dir, loc))
                pages.append(Page(number=len(pages) + 1, text=_page_text(content)))
    text = "\n\n".join(p.text for p in pages)
    if not text.strip():
        raise ExtractionError(
            "文件中没有可读取的文字（OFD 页面上没有文字对象，可能是扫描图像）", code="no_text"
        )
    return Evidence(source=source, text=text, pages=tuple(pages))
