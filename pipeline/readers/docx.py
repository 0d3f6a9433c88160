"""Word 2007+ (.docx/.docm/.dotx): text in reading order, straight from the package XML.

python-docx refuses macro-enabled and template content types and skips text boxes, so the parts are
walked here with a non-resolving lxml parser after ``open_package`` has refused bombs and DTDs.
Order: headers, then the body (paragraphs and tables where they stand, text boxes after the paragraph
that anchors them), then footers.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from pipeline.errors import DocumentLoadError, ExtractionError
from pipeline.models import Evidence, SourceFile, Table
from pipeline.readers.base import ReadContext, reader
from pipeline.readers.common import (
    ENCRYPTED_MESSAGE,
    check_size,
    is_encrypted_ooxml,
    is_ole,
    open_package,
    read_member,
)

KIND = "Word 文档"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_T, _TAB, _BR, _CR, _P, _TBL, _TR, _TC, _TXBX = (
    f"{{{W}}}{n}" for n in ("t", "tab", "br", "cr", "p", "tbl", "tr", "tc", "txbxContent")
)
_HYPHEN = f"{{{W}}}noBreakHyphen"
_FALLBACK = f"{{{MC}}}Fallback"
_SDT_CONTENT = f"{{{W}}}sdtContent"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Collector:
    """Blocks of one part in reading order, and the tables met on the way."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tables: list[Table] = []

    def blocks(self, container: etree._Element) -> None:
        for child in container:
            if child.tag == _P:
                text, boxes = _paragraph(child)
                self.lines.append(text)
                for box in boxes:
                    self.blocks(box)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag in (
                _SDT_CONTENT,
                f"{{{W}}}sdt",
                f"{{{W}}}customXml",
                f"{{{MC}}}AlternateContent",
                f"{{{MC}}}Choice",
            ):
                # Content controls and custom XML wrap ordinary blocks.
                self.blocks(child)

    def table(self, tbl: etree._Element) -> None:
        rows: list[tuple[str, ...]] = []
        for tr in tbl.iter(_TR):
            if _ancestor_table(tr) is not tbl:
                continue  # a row of a nested table: it is part of its cell's text
            cells = []
            for tc in tr.iter(_TC):
                if _ancestor_table(tc) is not tbl:
                    continue
                inner = _Collector()
                inner.blocks(tc)
                cells.append("\n".join(line for line in inner.lines if line.strip()))
            rows.append(tuple(cells))
        self.tables.append(Table(name=f"表{len(self.tables) + 1}", rows=tuple(rows)))
        for row in rows:
            self.lines.append("\t".join(cell.replace("\n", " ") for cell in row))


def _ancestor_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def _paragraph(p: etree._Element) -> tuple[str, list[etree._Element]]:
    """The paragraph's visible text, and the text boxes anchored in it (read after it)."""
    parts: list[str] = []
    boxes: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _HYPHEN:
                parts.append("-")
            elif tag == _TXBX:
                boxes.append(child)
            elif tag == _FALLBACK or tag.endswith("Pr"):
                # Fallback repeats the Choice (VML copy of a text box); *Pr hold formatting and tab stops.
                continue
            else:
                walk(child)

    walk(p)
    return "".join(parts), boxes


def _parse(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {KIND}，{name} 无法解析）", detail=str(e), code="corrupt"
        ) from e


def _rels(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(type, target part name) of a part's internal relationships, in file order."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in zf.namelist():
        return []
    root = _parse(read_member(zf, rels_name, KIND), rels_name)
    out = []
    for rel in root.iter(f"{{{REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out.append((rel.get("Type", "").rsplit("/", 1)[-1], name))
    return out


def _meta(zf: zipfile.ZipFile) -> tuple[tuple[str, str], ...]:
    if "docProps/core.xml" not in zf.namelist():
        return ()
    root = _parse(read_member(zf, "docProps/core.xml", KIND), "docProps/core.xml")
    wanted = {"title": "title", "creator": "author", "created": "created", "modified": "modified"}
    out = []
    for el in root:
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in wanted and (el.text or "").strip():
            out.append((wanted[local], el.text.strip()))
    return tuple(out)


def refuse_ole(path: Path, kind: str) -> None:
    """An OOXML suffix on an OLE file: encrypted (the usual case) or a legacy file renamed."""
    if is_encrypted_ooxml(path):
        raise DocumentLoadError(ENCRYPTED_MESSAGE, code="encrypted")
    raise DocumentLoadError(
        f"文件已损坏，无法打开（不是有效的 {kind}，可能是旧版格式改了扩展名）", code="corrupt"
    )


@reader("docx")
def read_docx(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    check_size(source, ctx.limits)
    if is_ole(path):
        refuse_ole(path, KIND)
    with open_package(path, ctx.limits, KIND) as zf:
        main = next((name for kind, name in _rels(zf, "") if kind == "officeDocument"), "word/document.xml")
        body_root = _parse(read_member(zf, main, KIND), main)
        related = _rels(zf, main)
        headers = sorted(name for kind, name in related if kind == "header")
        footers = sorted(name for kind, name in related if kind == "footer")
        collector = _Collector()
        for name in headers:
            collector.blocks(_parse(read_member(zf, name, KIND), name))
        body = body_root.find(f"{{{W}}}body")
        if body is None:
            raise DocumentLoadError(f"文件已损坏，无法打开（不是有效的 {KIND}，没有正文）", code="corrupt")
        collector.blocks(body)
        for name in footers:
            collector.blocks(_parse(read_member(zf, name, KIND), name))
        meta = _meta(zf)
    text = "\n".join(collector.lines).strip("\n")
    if not text.strip():
        raise ExtractionError("文件中没有可读取的文字", code="no_text")
    return Evidence(source=source, text=text, tables=tuple(collector.tables), meta=meta)
