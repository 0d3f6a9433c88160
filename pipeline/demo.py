"""A realistic, seeded sample inbox for the 2022 rubric: ``evidence demo`` and the tests' end-to-end corpus.

About 60 files from 18 departments and 2 townships, in every format the readers take, with the mess a
real inbox has: folder names in every usual form, a file at the root, a duplicate, a 2021 document, an
encrypted PDF, a truncated .docx, an empty file, an .exe and an Office lock file.

Everything text-based is built here by code, byte-identical for one seed (zip member times, Office core
properties and reportlab's ``invariant`` are fixed). Pictures of Chinese text (scans, photos) need a
TrueType CJK font a user may not have, and the legacy .doc/.xls need LibreOffice, so those were made once
by ``tools/make_demo_assets.py`` and are committed under ``pipeline/data/demo/``; the scans are wrapped
into PDFs here (reportlab embeds a JPEG without any font). What the files say and where they go (the
documents' texts, folder and file names, notes, word lists, fixed tables) is data, in
``pipeline/data/demo/documents.toml``; this module holds the builders.

The manifest says what each file is meant to prove, so the pipeline can be measured on the result.
"""

from __future__ import annotations

import io
import os
import random
import re
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, cast, get_args

from pipeline.errors import EvidenceDeskError

ASSETS = Path(__file__).parent / "data" / "demo"
# The literal content: document texts, scans and photos, word lists and fixed tables.
DATA_FILE = ASSETS / "documents.toml"

# Every zip member (docx, xlsx, ofd, bundles) carries this time, so one seed gives the same bytes.
ZIP_TIME = (2022, 12, 1, 9, 0, 0)
CORE_TIME = datetime(2022, 12, 1, 9, 0, 0)
DEFAULT_TODAY = date(2022, 12, 20)  # the day the departments handed in (file mtimes)

RED = (200, 16, 28)

Tag = Literal["evidence", "bad", "duplicate", "2021", "skipped"]
MARKERS = ("bad", "duplicate", "2021", "skipped")


class DemoInboxNotEmpty(EvidenceDeskError):
    """The target inbox already holds files; the demo never mixes itself into real material."""


# --------------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFile:
    """One file of the demo inbox and what the pipeline should make of it.

    ``proves`` holds rubric sub-item ids ("7(2)"), or exactly one marker: "bad" (must end as a
    problem, ``problem`` names the code), "duplicate" (same bytes as ``duplicate_of``), "2021" (a
    document of the wrong year) or "skipped" (an Office lock file).
    """

    rel_path: str
    department: str | None  # canonical; from the folder, or from the document at root / unknown folders
    folder: str  # the top folder as written ('' at the inbox root)
    format: str  # FileFormat, or "lock" for an Office lock file
    proves: tuple[str, ...]
    note: str  # Chinese: what it is, what is deliberately missing
    by_code: bool = True  # False: copied from a committed asset (not made by code at run time)
    ocr_pages: int = 0
    doc_number: str = ""
    problem: str | None = None  # expected Problem.code for "bad" files
    duplicate_of: str | None = None
    department_from_document: bool = False  # the folder names no department

    @property
    def tag(self) -> Tag:
        if len(self.proves) == 1 and self.proves[0] in MARKERS:
            return self.proves[0]  # type: ignore[return-value]
        return "evidence"

    @property
    def sub_item_ids(self) -> tuple[str, ...]:
        return () if self.tag != "evidence" else self.proves


@dataclass(frozen=True)
class DemoManifest:
    inbox: Path
    seed: int
    files: tuple[DemoFile, ...]
    # Departments whose report counts (全县…重点企业…家，检查…次…) agree / deliberately disagree with their 台账.
    consistent: tuple[str, ...] = ()
    inconsistent: tuple[str, ...] = ()

    def file(self, rel_path: str) -> DemoFile:
        for f in self.files:
            if f.rel_path == rel_path:
                return f
        raise KeyError(rel_path)

    def by_sub_item(self) -> dict[str, list[DemoFile]]:
        out: dict[str, list[DemoFile]] = {}
        for f in self.files:
            for sid in f.sub_item_ids:
                out.setdefault(sid, []).append(f)
        return out

    def departments(self) -> tuple[str, ...]:
        return tuple(sorted({f.department for f in self.files if f.department}))

    @property
    def ocr_pages(self) -> int:
        return sum(f.ocr_pages for f in self.files)


# --------------------------------------------------------------------------------------------
# Data file
# --------------------------------------------------------------------------------------------


def _load_data(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise EvidenceDeskError(f"示例数据文件缺失或损坏：{path}，请重新安装程序", detail=str(e)) from e


def _bad(where: str, key: str) -> EvidenceDeskError:
    return EvidenceDeskError(f"示例数据文件格式错误：{DATA_FILE}", detail=f"{where}.{key}" if where else key)


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _bad("", key)
    return value


def _str(data: Mapping[str, Any], key: str, where: str = "") -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _bad(where, key)
    return value


def _int(data: Mapping[str, Any], key: str, default: int, where: str = "") -> int:
    value = data.get(key, default)
    if not isinstance(value, int):
        raise _bad(where, key)
    return value


def _strs(data: Mapping[str, Any], key: str, where: str = "") -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(where, key)
    return tuple(value)


def _paragraphs(data: Mapping[str, Any], key: str, where: str = "") -> tuple[str, ...]:
    """A multi-line string, one paragraph a line."""
    return tuple(line for line in _str(data, key, where).split("\n") if line)


def _pairs(data: Mapping[str, Any], key: str, where: str = "") -> tuple[tuple[str, str], ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(s, str) for s in v) for v in value
    ):
        raise _bad(where, key)
    return tuple((a, b) for a, b in value)


_DATA = _load_data(DATA_FILE)


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """A county document laid out per GB/T 9704-2012: 红头, 文号, title, 主送, body, 落款, date.

    ``appendix`` is what follows the 落款 (the 方案 a 印发通知 sends, its title first).
    """

    title: str
    body: tuple[str, ...]
    header: str = ""
    number: str = ""
    addressee: str = ""
    signature: str = ""
    date: str = ""
    appendix: tuple[str, ...] = ()
    cc: str = ""

    def lines(self) -> list[str]:
        """The text in reading order, one paragraph a line."""
        head = [self.header, self.number, self.title, self.addressee]
        tail = [self.signature, self.date]
        out = [s for s in head if s] + list(self.body) + [s for s in tail if s] + list(self.appendix)
        return out + ([self.cc] if self.cc else [])

    def text(self) -> str:
        return "\n".join(self.lines())


_CN = "一二三四五六七八九十"
# The 工作要求 every 实施方案 ends with; the fourth, 按时报送信息, names the plan's contact.
_REQUIREMENTS = _paragraphs(_table(_DATA, "plan"), "requirements", "plan")


def _plan(
    goal: str, tasks: Sequence[tuple[str, str]], schedule: Sequence[tuple[str, str]], contact: str
) -> list[str]:
    """The usual body of a county 实施方案: 总体要求, 重点任务, 时间安排, 工作要求."""
    out = ["一、总体要求", goal, "二、重点任务"]
    out += [f"（{_CN[i]}）{head}。{text}" for i, (head, text) in enumerate(tasks)]
    out.append("三、时间安排")
    out += [f"（{_CN[i]}）{head}。{text}" for i, (head, text) in enumerate(schedule)]
    out += ["四、工作要求", *_REQUIREMENTS, f"（四）按时报送信息。{contact}"]
    return out


def _contact(who: str, phone: str) -> str:
    return (
        f"请各单位于每月25日前将工作开展情况和阶段性总结报送{who}，"
        f"工作结束后报送全面总结。联系电话：0825-{phone}，邮箱：pxxaqb@163.com。"
    )


def _issue(plan: str, basis: str = "") -> tuple[str, ...]:
    """The body of a 关于印发《…》的通知: one or two sentences, the plan follows as the appendix."""
    first = f"{basis}经县政府同意，" if basis else ""
    return (f"{first}现将《{plan}》印发给你们，请结合实际，认真抓好贯彻落实。",)


def _notice(key: str, t: Mapping[str, Any]) -> Notice:
    """One ``[notice.KEY]`` table: ``issue`` stands for the body, ``plan`` extends the appendix."""
    where = f"notice.{key}"
    if "issue" in t:
        issue = _table(t, "issue")
        body = _issue(_str(issue, "plan", where), _str(issue, "basis", where))
    else:
        body = _paragraphs(t, "body", where)
    appendix = _paragraphs(t, "appendix", where)
    if "plan" in t:
        plan = _table(t, "plan")
        contact = _table(plan, "contact")
        text = (
            _contact(_str(contact, "who", where), _str(contact, "phone", where))
            if contact
            else _str(plan, "contact_text", where)
        )
        steps = _plan(
            _str(plan, "goal", where), _pairs(plan, "tasks", where), _pairs(plan, "schedule", where), text
        )
        appendix = (*appendix, *steps)
    return Notice(
        title=_str(t, "title", where),
        body=body,
        header=_str(t, "header", where),
        number=_str(t, "number", where),
        addressee=_str(t, "addressee", where),
        signature=_str(t, "signature", where),
        date=_str(t, "date", where),
        appendix=appendix,
        cc=_str(t, "cc", where),
    )


NOTICES: dict[str, Notice] = {key: _notice(key, t) for key, t in _table(_DATA, "notice").items()}


# --------------------------------------------------------------------------------------------
# Committed assets (made once by tools/make_demo_assets.py)
# --------------------------------------------------------------------------------------------

SealOver = Literal["signature", "docnum"]


@dataclass(frozen=True)
class ScanSpec:
    """A scanned, stamped paper document: one JPEG per page under ``pipeline/data/demo/``."""

    notice: str  # key of NOTICES
    seal_over: SealOver
    seal_organ: str
    pages: int = 1


def _seal_over(value: str, key: str) -> SealOver:
    if value not in get_args(SealOver):
        raise _bad(key, "seal_over")
    return cast(SealOver, value)


SCANS: dict[str, ScanSpec] = {
    key: ScanSpec(
        _str(t, "notice", key),
        _seal_over(_str(t, "seal_over", key), key),
        _str(t, "seal_organ", key),
        pages=_int(t, "pages", 1, key),
    )
    for key, t in _table(_DATA, "scan").items()
}


@dataclass(frozen=True)
class PhotoSpec:
    """A phone photo of an activity with its banner caption and EXIF time."""

    caption: str
    taken: datetime
    make: str
    model: str


def _photo(key: str, t: Mapping[str, Any]) -> PhotoSpec:
    taken = t.get("taken")
    if not isinstance(taken, datetime):
        raise _bad(key, "taken")
    return PhotoSpec(_str(t, "caption", key), taken, _str(t, "make", key), _str(t, "model", key))


PHOTOS: dict[str, PhotoSpec] = {key: _photo(key, t) for key, t in _table(_DATA, "photo").items()}

# Legacy Office files converted once with LibreOffice from what ``build_docx`` / ``build_xlsx`` make.
LEGACY_DOC = _str(_table(_DATA, "legacy"), "doc", "legacy")  # NOTICES["举报奖励"]
LEGACY_XLS = _str(_table(_DATA, "legacy"), "xls", "legacy")  # holiday_roster()


def asset_path(name: str) -> Path:
    return ASSETS / name


def scan_page_names(key: str) -> list[str]:
    return [f"{key}-p{i + 1}.jpg" for i in range(SCANS[key].pages)]


# --------------------------------------------------------------------------------------------
# Builders: bytes made by code
# --------------------------------------------------------------------------------------------


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every member's time set to ``ZIP_TIME`` and Office core dates fixed.

    python-docx and openpyxl stamp members with the current time and openpyxl also writes "now" into
    docProps/core.xml; rewriting both makes the package byte-identical from run to run.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = CORE_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = payload.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", text
                )
                payload = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, payload)
    return out.getvalue()


def _zip(members: Iterable[tuple[str, bytes]], *, gbk: bool = False) -> bytes:
    """A zip bundle; ``gbk=True`` writes names as Windows in China does: GBK bytes, UTF-8 flag unset.

    zipfile always encodes non-ASCII names as UTF-8 and sets the flag, so each name is first written as
    an ASCII placeholder of the same byte length and the two headers are patched afterwards (the CRC
    covers the data, not the name).
    """
    members = list(members)
    out = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(out, "w") as zf:
        for i, (name, data) in enumerate(members):
            if gbk and not name.isascii():
                raw = name.encode("gbk")
                placeholder = f"~{i:0{len(raw) - 1}d}".encode()
                swaps.append((placeholder, raw))
                arcname = placeholder.decode()
            else:
                arcname = name
            info = zipfile.ZipInfo(arcname, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    raw_zip = out.getvalue()
    for placeholder, gbk_name in swaps:
        if raw_zip.count(placeholder) != 2:
            raise RuntimeError("zip placeholder is not unique")
        raw_zip = raw_zip.replace(placeholder, gbk_name)
    return raw_zip


def _east_asian(run: object, font: str) -> None:
    from docx.oxml.ns import qn

    r = run._element  # type: ignore[attr-defined]
    rpr = r.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), font)


def build_docx(
    notice: Notice,
    *,
    tables: Sequence[Sequence[Sequence[str]]] = (),
    author: str = "",
    when: datetime = CORE_TIME,
) -> bytes:
    """A Word document laid out like the printed notice; ``tables`` follow the appendix."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt, RGBColor

    doc = Document()
    props = doc.core_properties
    props.author = author or notice.signature or "Administrator"
    props.last_modified_by = props.author
    props.title = notice.title
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 3

    def para(
        text: str,
        *,
        size: float = 16,
        font: str = "仿宋_GB2312",
        align: WD_ALIGN_PARAGRAPH | None = None,
        bold: bool = False,
        red: bool = False,
        indent: bool = False,
    ) -> None:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        _east_asian(run, font)
        if red:
            run.font.color.rgb = RGBColor(*RED)

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    if notice.header:
        para(notice.header, size=26, font="方正小标宋简体", align=center, red=True)
    if notice.number:
        para(notice.number, align=center)
    para(notice.title, size=22, font="方正小标宋简体", align=center)
    if notice.addressee:
        para(notice.addressee)
    for text in notice.body:
        para(text, indent=True, font="黑体" if _is_heading(text) else "仿宋_GB2312")
    if notice.signature:
        para(notice.signature, align=right)
    if notice.date:
        para(notice.date, align=right)
    if notice.appendix:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        para(notice.appendix[0], size=22, font="方正小标宋简体", align=center)
        for text in notice.appendix[1:]:
            para(text, indent=True, font="黑体" if _is_heading(text) else "仿宋_GB2312")
    for rows in tables:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        table.style = "Table Grid"
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    if notice.cc:
        para(notice.cc, size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue())


def _is_heading(text: str) -> bool:
    return bool(re.match(r"^[一二三四五六七八九十]+、", text)) and len(text) <= 20


def build_xlsx(
    sheets: Sequence[tuple[str, str, Sequence[str], Sequence[Sequence[object]]]],
    *,
    author: str = "Administrator",
) -> bytes:
    """A workbook of 台账 sheets: (sheet name, title row, header, rows) each, a title merged over the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = CORE_TIME
    wb.properties.modified = CORE_TIME
    for name, title, header, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws["A1"].font = Font(name="宋体", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(list(header))
        for cell in ws[2]:
            cell.font = Font(name="宋体", bold=True)
        for row in rows:
            ws.append(list(row))
        for k, head in enumerate(header):
            ws.column_dimensions[chr(ord("A") + k)].width = max(8, min(40, len(str(head)) * 2 + 4))
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


_CID_FONT = "STSong-Light"


def _register_cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _CID_FONT not in pdfmetrics.getRegisteredFontNames():
        # Adobe's built-in CID font: nothing is embedded, text maps back to Unicode through UniGB-UCS2-H.
        pdfmetrics.registerFont(UnicodeCIDFont(_CID_FONT))
    return _CID_FONT


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for ch in text:
        if current and stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ""
        current += ch
    if current:
        lines.append(current)
    return lines


def build_text_pdf(notice: Notice, *, encrypt_password: str | None = None) -> bytes:
    """A PDF with a real text layer in STSong-Light (no font file needed to make or read it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    font = _register_cid_font()
    buf = io.BytesIO()
    encrypt = StandardEncryption(encrypt_password, ownerPassword="pxaq-owner") if encrypt_password else None
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, encrypt=encrypt)
    c.setTitle(notice.title)
    c.setAuthor(notice.signature or "蓬溪县")
    c.setCreator("Microsoft Word")
    width = A4[0]
    left, right, top, bottom = 78.0, 78.0, 790.0, 70.0
    y = top

    def line(text: str, size: float, align: str = "left", red: bool = False, indent: float = 0.0) -> None:
        nonlocal y
        usable = width - left - right
        for k, part in enumerate(_wrap(text, font, size, usable - (indent if align == "left" else 0))):
            if y < bottom:
                c.showPage()
                y = top
            c.setFont(font, size)
            c.setFillColorRGB(*(v / 255 for v in RED) if red else (0, 0, 0))
            if align == "center":
                c.drawCentredString(width / 2, y, part)
            elif align == "right":
                c.drawRightString(width - right, y, part)
            else:
                c.drawString(left + (indent if k == 0 else 0), y, part)
            y -= size * 1.75

    if notice.header:
        line(notice.header, 24, "center", red=True)
        y -= 6
    if notice.number:
        line(notice.number, 14, "center")
        c.setStrokeColorRGB(*(v / 255 for v in RED))
        c.setLineWidth(1.5)
        c.line(left - 8, y + 12, width - right + 8, y + 12)
        y -= 10
    line(notice.title, 18, "center")
    y -= 4
    if notice.addressee:
        line(notice.addressee, 14)
    for text in notice.body:
        line(text, 14, indent=28)
    y -= 10
    if notice.signature:
        line(notice.signature, 14, "right")
    if notice.date:
        line(notice.date, 14, "right")
    if notice.appendix:
        c.showPage()
        y = top
        line(notice.appendix[0], 18, "center")
        y -= 4
        for text in notice.appendix[1:]:
            line(text, 14, indent=28)
    c.showPage()
    c.save()
    return buf.getvalue()


def build_scan_pdf(pages: Sequence[bytes], *, title: str = "") -> bytes:
    """An image-only PDF: each committed JPEG is a page's only content, like a scanner's output.

    Written object by object: reportlab would ASCII85-encode the JPEG (a quarter larger, and slow).
    """
    from PIL import Image

    objects: list[bytes] = []
    kids: list[int] = []
    for jpeg in pages:
        with Image.open(io.BytesIO(jpeg)) as img:
            w, h = img.size
            gray = img.mode == "L"
        image_id, content_id, page_id = len(objects) + 3, len(objects) + 4, len(objects) + 5
        image = (
            (
                f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /BitsPerComponent 8 "
                f"/ColorSpace /{'DeviceGray' if gray else 'DeviceRGB'} /Filter /DCTDecode /Length {len(jpeg)} >>\n"
                "stream\n"
            ).encode()
            + jpeg
            + b"\nendstream"
        )
        draw = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q"
        content = f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream"
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents {content_id} 0 R "
            f"/Resources << /XObject << /Im0 {image_id} 0 R >> >> >>"
        ).encode()
        objects += [image, content, page]
        kids.append(page_id)
    info_title = title.encode("utf-16-be").hex().upper()
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    tree = f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>".encode()
    info = f"<< /Producer (Canon iR-ADV C3520) /Title <FEFF{info_title}> /CreationDate (D:20221201090000+08'00') >>"
    body = [catalog, tree, *objects, info.encode()]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(body, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(
        f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R /Info {len(body)} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


_OFD_NS = "http://www.ofdspec.org/2016"


def build_ofd(notice: Notice, *, lines_per_page: int = 24) -> bytes:
    """A minimal OFD (GB/T 33190-2016): one TextObject per line, positions in millimetres."""
    import html

    wrapped: list[str] = []
    for text in notice.lines():
        wrapped += [text[i : i + 30] for i in range(0, len(text), 30)] or [""]
    pages = [wrapped[i : i + lines_per_page] for i in range(0, len(wrapped), lines_per_page)]
    ns = f'xmlns:ofd="{_OFD_NS}"'
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>7f3c2a90d1e84b6f9a5e0c1d2b3a4f5e</ofd:DocID>"
        f"<ofd:Title>{html.escape(notice.title)}</ofd:Title><ofd:Author>{html.escape(notice.signature)}</ofd:Author>"
        "<ofd:CreationDate>2022-04-20</ofd:CreationDate><ofd:Creator>数科OFD版式办公套件</ofd:Creator>"
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    refs = "".join(
        f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    document_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}>'
        "<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
        "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{refs}</ofd:Pages></ofd:Document>"
    )
    public_res = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res">'
        '<ofd:Fonts><ofd:Font ID="1" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>'
    )
    members = [
        ("OFD.xml", ofd_xml),
        ("Doc_0/Document.xml", document_xml),
        ("Doc_0/PublicRes.xml", public_res),
    ]
    for p, lines in enumerate(pages):
        objects = []
        for i, text in enumerate(lines):
            y = 25 + i * 10
            objects.append(
                f'<ofd:TextObject ID="{p * 100 + i + 10}" Boundary="25 {y} 160 8" Font="1" Size="5.6">'
                f'<ofd:TextCode X="0" Y="5.6">{html.escape(text)}</ofd:TextCode></ofd:TextObject>'
            )
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content>'
            f'<ofd:Layer ID="{p * 100 + 1}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
        members.append((f"Doc_0/Pages/Page_{p}/Content.xml", content))
    return _zip((name, text.encode("utf-8")) for name, text in members)


def build_txt(notice: Notice, encoding: str = "gbk") -> bytes:
    """A plain-text copy as Windows Notepad in China saves it: GBK, CRLF."""
    return notice.text().replace("\n", "\r\n").encode(encoding)


# --------------------------------------------------------------------------------------------
# Seeded tables
# --------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_VOCAB = _table(_DATA, "words")
_WORDS = _words(_str(_VOCAB, "enterprises", "words"))
_TOWNS = _words(_str(_VOCAB, "towns", "words"))
_PEOPLE = _words(_str(_VOCAB, "surnames", "words"))
_GIVEN = _words(_str(_VOCAB, "given_names", "words"))


@dataclass(frozen=True)
class Sector:
    """One department's 行业领域 for the 大检查 tables: who is inspected and what is found there."""

    name: str  # 住建 / 交通运输
    suffixes: tuple[str, ...]
    problems: tuple[str, ...]
    inspectors: str


SECTORS: dict[str, Sector] = {
    name: Sector(name, _strs(t, "suffixes", name), _strs(t, "problems", name), _str(t, "inspectors", name))
    for name, t in _table(_DATA, "sector").items()
}


@dataclass(frozen=True)
class SectorTables:
    """名单, 检查记录 and 整改台账 of one sector, and the numbers a truthful report would state."""

    listed: tuple[tuple[object, ...], ...]
    inspections: tuple[tuple[object, ...], ...]
    hazards: tuple[tuple[object, ...], ...]

    @property
    def rectified(self) -> int:
        return sum(1 for row in self.hazards if row[-2] == "已整改")


_LEDGER = _table(_DATA, "ledger")
NAME_HEADER = _strs(_LEDGER, "name_header", "ledger")
INSPECTION_HEADER = _strs(_LEDGER, "inspection_header", "ledger")
HAZARD_HEADER = _strs(_LEDGER, "hazard_header", "ledger")
# The county 事故隐患清单's 行业领域, each with the problem found there.
_HAZARD_KINDS = _pairs(_table(_DATA, "hazard_list"), "kinds", "hazard_list")
_HOLIDAY_LEADERS = _strs(_table(_DATA, "holiday_roster"), "leaders", "holiday_roster")


def _person(rng: random.Random) -> str:
    return rng.choice(_PEOPLE) + rng.choice(_GIVEN)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def sector_tables(rng: random.Random, sector: Sector, count: int) -> SectorTables:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(('蓬溪县', '蓬溪县', '四川', '遂宁'))}{rng.choice(_WORDS)}{rng.choice(sector.suffixes)}"
        if name not in names:
            names.append(name)
    listed = tuple(
        (
            i + 1,
            n,
            rng.choice(_TOWNS),
            _person(rng),
            f"1{rng.choice('358')}{rng.randrange(10**8, 10**9)}",
            rng.choice(("重点企业", "高危企业", "规上企业")),
        )
        for i, n in enumerate(names)
    )
    visits: list[tuple[str, date, int]] = []
    for n in names:
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            visits.append(
                (n, _day(rng, date(2022, 5, 10), date(2022, 11, 25)), rng.choice((0, 0, 1, 1, 2, 3)))
            )
    visits.sort(key=lambda v: (v[1], v[0]))
    inspections = tuple(
        (i + 1, n, d.isoformat(), f"{_person(rng)}、{_person(rng)}", "安全生产大检查", found)
        for i, (n, d, found) in enumerate(visits)
    )
    hazards: list[tuple[object, ...]] = []
    for n, d, found in visits:
        for _ in range(found):
            problem = rng.choice(sector.problems)
            deadline = d + timedelta(days=rng.choice((7, 15, 30)))
            done = rng.random() < 0.88
            hazards.append(
                (
                    len(hazards) + 1,
                    n,
                    problem,
                    f"责令企业{problem.replace('不到位', '').replace('未', '')}限期整改",
                    _person(rng),
                    deadline.isoformat(),
                    "已整改" if done else "整改中",
                    "" if done else "已约谈企业负责人",
                )
            )
    return SectorTables(listed, inspections, tuple(hazards))


def hazard_list(rng: random.Random, rows: int = 24) -> list[tuple[object, ...]]:
    """The county 事故隐患清单 with the 五落实 (责任、措施、资金、时限、预案) of rubric 7(8)."""
    fields = tuple(f for f, _ in _HAZARD_KINDS)
    problems = tuple(p for _, p in _HAZARD_KINDS)
    out: list[tuple[object, ...]] = []
    for i in range(rows):
        k = rng.randrange(len(fields))
        d = _day(rng, date(2022, 5, 20), date(2022, 10, 31))
        out.append(
            (
                i + 1,
                fields[k],
                f"{rng.choice(('蓬溪县', '四川'))}{rng.choice(_WORDS)}{rng.choice(('有限公司', '加油站', '水电站', '燃气公司'))}",
                problems[k],
                rng.choice(("一般隐患", "一般隐患", "重大隐患")),
                _person(rng),
                f"制定专项整改方案，{rng.choice(('停产整改', '限期整改', '边整改边防范'))}",
                round(rng.uniform(0.5, 60), 1),
                (d + timedelta(days=30)).isoformat(),
                rng.choice(("已制定现场处置方案", "纳入企业应急预案")),
                rng.choice(("已整改", "已整改", "整改中")),
            )
        )
    return out


def holiday_roster(start: date = date(2022, 9, 30), days: int = 9) -> list[tuple[object, ...]]:
    leaders = _HOLIDAY_LEADERS
    out: list[tuple[object, ...]] = []
    for i in range(days):
        d = start + timedelta(days=i)
        out.append(
            (
                d.isoformat(),
                "一二三四五六日"[d.weekday()],
                leaders[i % len(leaders)],
                f"县政府办值班员{i % 4 + 1}",
                "0825-5422110",
            )
        )
    return out


def duty_roster(rng: random.Random) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    d = date(2022, 10, 1)
    while d.month == 10:
        out.append(
            (
                d.isoformat(),
                "一二三四五六日"[d.weekday()],
                f"{_person(rng)}（副局长）",
                _person(rng),
                _person(rng),
                "0825-5422163",
            )
        )
        d += timedelta(days=1)
    return out


def self_built_roster(rng: random.Random, rows: int, start: date, end: date) -> list[tuple[object, ...]]:
    """A 自建房 排查汇总: deliberately without 隐患/整改 headers, so it is not read as a 台账."""
    uses = ("经营性自建房", "居住自建房", "居住兼经营", "出租自建房")
    out: list[tuple[object, ...]] = []
    for i in range(rows):
        town = rng.choice(_TOWNS)
        out.append(
            (
                i + 1,
                town,
                f"{rng.choice(_WORDS)}村" if "街道" not in town else f"{rng.choice(_WORDS)}社区",
                f"{town}{rng.choice(_WORDS)}路{rng.randrange(1, 300)}号",
                _person(rng),
                rng.choice(("砖混", "框架", "砖木")),
                rng.randrange(1, 7),
                rng.choice(uses),
                _day(rng, start, end).isoformat(),
                rng.choice(("安全", "安全", "安全", "需鉴定", "立即停用")),
            )
        )
    return out


def sign_in(rng: random.Random, rows: int, unit: str, posts: Sequence[str]) -> list[tuple[object, ...]]:
    return [
        (i + 1, _person(rng), unit if i % 3 else f"{unit}（班子成员）", rng.choice(posts), "")
        for i in range(rows)
    ]


# --------------------------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Files in writing order; the duplicate is recorded by content, not rebuilt."""

    entries: list[tuple[DemoFile, bytes]] = field(default_factory=list)

    def add(
        self,
        folder: str,
        name: str,
        department: str | None,
        fmt: str,
        proves: Sequence[str],
        note: str,
        data: bytes,
        **extra: object,
    ) -> DemoFile:
        rel = f"{folder}/{name}" if folder else name
        f = DemoFile(rel, department, folder, fmt, tuple(proves), note, **extra)  # type: ignore[arg-type]
        self.entries.append((f, data))
        return f


def _asset(name: str) -> bytes:
    path = asset_path(name)
    try:
        return path.read_bytes()
    except OSError as e:
        raise EvidenceDeskError(f"示例数据文件缺失：{path}，请重新安装程序", detail=str(e)) from e


def _scan(key: str) -> bytes:
    return build_scan_pdf([_asset(n) for n in scan_page_names(key)], title=NOTICES[SCANS[key].notice].title)


def _lock_file(owner: str) -> bytes:
    """An Office owner file (~$…): the user name as a length-prefixed string, padded to 162 bytes."""
    name = owner.encode("utf-16-le")
    data = bytes([len(owner)]) + owner.encode("gbk")[:53].ljust(53, b" ") + bytes([len(owner), 0]) + name
    return data.ljust(162, b"\x00")


def _exe() -> bytes:
    """Something a department should not send: a Windows executable's first bytes (MZ/PE stub)."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00"
    return (stub + b"This program cannot be run in DOS mode.\r\r\n$").ljust(512, b"\x00") + b"PE\x00\x00"


_CLAIMS = _table(_DATA, "claims_report")


def _claims_report(
    title: str,
    sector: str,
    organ: str,
    day: str,
    enterprises: int,
    inspections: int,
    found: int,
    rectified: int,
) -> Notice:
    """The text the rubric asks to go with the 大检查 tables (7(2)/7(7) 提示)."""
    counts = {
        "sector": sector,
        "enterprises": enterprises,
        "inspections": inspections,
        "found": found,
        "rectified": rectified,
    }
    return Notice(
        header=f"{organ}文件" if "局" in organ else "",
        title=title,
        addressee=_str(_CLAIMS, "addressee", "claims_report"),
        body=tuple(p.format_map(counts) for p in _paragraphs(_CLAIMS, "body", "claims_report")),
        signature=organ,
        date=day,
    )


@dataclass(frozen=True)
class _Sheet:
    name: str
    title: str
    header: tuple[str, ...]


@dataclass(frozen=True)
class _SignIn:
    seed: str  # the key of the file's random stream
    rows: int
    unit: str
    posts: tuple[str, ...]


@dataclass(frozen=True)
class _Make:
    """How one file's (or zip member's) bytes are made; see the comment above ``[[folder]]``."""

    name: str
    format: str
    notice: str = ""
    scan: str = ""
    asset: str = ""
    build: str = ""
    duplicate_of: str = ""
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    when: datetime = CORE_TIME
    password: str = ""
    author: str = ""
    owner: str = ""
    sheets: tuple[_Sheet, ...] = ()
    sign_in: _SignIn | None = None
    report: tuple[str, str, str, str] = ("", "", "", "")  # title, sector, organ, date
    budget: tuple[tuple[str, float, float], ...] = ()
    total: tuple[str, str] = ("", "")
    gbk: bool = False
    members: tuple[_Make, ...] = ()


@dataclass(frozen=True)
class _FileSpec:
    folder: str
    department: str | None
    proves: tuple[str, ...]
    note: str
    make: _Make
    doc_number: str = ""
    ocr_pages: int = 0
    problem: str | None = None
    department_from_document: bool = False


_LEDGER_HEADERS = {
    "name_header": NAME_HEADER,
    "inspection_header": INSPECTION_HEADER,
    "hazard_header": HAZARD_HEADER,
}


def _list(t: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = t.get(key, [])
    if not isinstance(value, list):
        raise _bad(where, key)
    return value


def _sheet(t: Any, where: str) -> _Sheet:
    if not isinstance(t, dict):
        raise _bad(where, "sheets")
    header = t.get("header")
    if isinstance(header, str) and header in _LEDGER_HEADERS:
        columns = _LEDGER_HEADERS[header]
    else:
        columns = _strs(t, "header", where)
    return _Sheet(_str(t, "name", where), _str(t, "title", where), columns)


def _make(t: Mapping[str, Any], where: str) -> _Make:
    tables = tuple(
        tuple(tuple(str(cell) for cell in row) for row in table) for table in _list(t, "tables", where)
    )
    when = t.get("when", CORE_TIME)
    if not isinstance(when, datetime):
        raise _bad(where, "when")
    sign = _table(t, "sign_in")
    report = _table(t, "report")
    budget = tuple((str(n), float(a), float(b)) for n, a, b in _list(t, "budget", where))
    total = _strs(t, "total", where) or ("", "")
    return _Make(
        name=_str(t, "name", where),
        format=_str(t, "format", where),
        notice=_str(t, "notice", where),
        scan=_str(t, "scan", where),
        asset=_str(t, "asset", where),
        build=_str(t, "build", where),
        duplicate_of=_str(t, "duplicate_of", where),
        tables=tables,
        when=when,
        password=_str(t, "password", where),
        author=_str(t, "author", where),
        owner=_str(t, "owner", where),
        sheets=tuple(_sheet(s, where) for s in _list(t, "sheets", where)),
        sign_in=(
            _SignIn(
                _str(sign, "seed", where),
                _int(sign, "rows", 0, where),
                _str(sign, "unit", where),
                _strs(sign, "posts", where),
            )
            if sign
            else None
        ),
        report=(
            _str(report, "title", where),
            _str(report, "sector", where),
            _str(report, "organ", where),
            _str(report, "date", where),
        ),
        budget=budget,
        total=(total[0], total[1]),
        gbk=bool(t.get("gbk", False)),
        members=tuple(_make(m, where) for m in _list(t, "member", where)),
    )


def _file_specs(folders: list[Any]) -> tuple[_FileSpec, ...]:
    """The ``[[folder]]`` tables in writing order, one spec a file."""
    out: list[_FileSpec] = []
    for folder in folders:
        name = _str(folder, "name", "folder")
        for t in _list(folder, "file", f"folder.{name}"):
            where = f"folder.{name}.{_str(t, 'name', name)}"
            department = (
                _str(t, "department", where) if "department" in t else _str(folder, "department", where)
            )
            out.append(
                _FileSpec(
                    folder=name,
                    department=department or None,
                    proves=_strs(t, "proves", where),
                    note=_str(t, "note", where),
                    make=_make(t, where),
                    doc_number=_str(t, "doc_number", where),
                    ocr_pages=_int(t, "ocr_pages", 0, where),
                    problem=_str(t, "problem", where) or None,
                    department_from_document=bool(folder.get("department_from_document", False)),
                )
            )
    return tuple(out)


_FILES = _file_specs(_list(_DATA, "folder", ""))


def _build(seed: int) -> tuple[_Plan, tuple[str, ...], tuple[str, ...]]:
    def rng(key: str) -> random.Random:
        return random.Random(f"{seed}/{key}")  # one stream per file: adding a file changes no other

    # 县住房城乡建设局's report numbers MATCH its tables; 县交通运输局's do NOT.
    zt = sector_tables(rng("住建"), SECTORS["住建"], rng("住建n").randrange(22, 29))
    jt = sector_tables(rng("交通"), SECTORS["交通运输"], rng("交通n").randrange(18, 25))
    # One listed company was never inspected; the report rounds its numbers up.
    skipped_name = str(jt.listed[-1][1])
    records = [row for row in jt.inspections if row[1] != skipped_name]
    records = [(i + 1, *row[1:]) for i, row in enumerate(records)]
    facts = {
        "zj_listed": len(zt.listed),
        "zj_inspections": len(zt.inspections),
        "zj_hazards": len(zt.hazards),
        "zj_rectified": zt.rectified,
    }
    reports = {
        "zj_report": (len(zt.listed), len(zt.inspections), len(zt.hazards), zt.rectified),
        "jt_report": (
            len(jt.listed),
            len(records) + 6,
            len(jt.hazards),
            min(len(jt.hazards), jt.rectified + 3),
        ),
    }

    def budget(m: _Make) -> list[tuple[object, ...]]:
        rows: list[tuple[object, ...]] = [
            (i + 1, n, a, b, f"{(b - a) / a:.1%}", "") for i, (n, a, b) in enumerate(m.budget)
        ]
        ta, tb = sum(a for _, a, _ in m.budget), sum(b for _, _, b in m.budget)
        rows.append((m.total[0], "", ta, tb, f"{(tb - ta) / ta:.1%}", m.total[1]))
        return rows

    def high_rise() -> list[tuple[object, ...]]:
        r = rng("高层台账")
        return [
            (
                i + 1,
                f"{r.choice(_WORDS)}{r.choice(('花园', '国际', '大厦', '名城', '华府'))}{r.randrange(1, 9)}栋",
                f"赤城镇{r.choice(_WORDS)}路{r.randrange(1, 200)}号",
                r.randrange(10, 33),
                f"蓬溪县{r.choice(_WORDS)}物业服务有限公司",
                _day(r, date(2022, 8, 10), date(2022, 11, 20)).isoformat(),
                r.choice(
                    (
                        "消防车通道被占用",
                        "楼梯间堆放杂物",
                        "电动自行车入户充电",
                        "消火栓无水",
                        "防火门闭门器损坏",
                    )
                ),
                r.choice(("已整改", "已整改", "整改中")),
            )
            for i in range(36)
        ]

    def recheck() -> list[tuple[object, ...]]:
        r = rng("回头看")
        return [
            (
                i + 1,
                f"蓬溪县{r.choice(_WORDS)}{r.choice(('商贸有限公司', '酒店', '医院', '学校', '小区'))}",
                r.choice(("电梯", "气瓶", "压力容器", "场（厂）内机动车辆")),
                f"3110510{r.randrange(10**6, 10**7)}",
                _day(r, date(2022, 7, 1), date(2022, 10, 30)).isoformat(),
                r.choice(("合格", "合格", "已督促整改")),
            )
            for i in range(30)
        ]

    def signed(m: _Make) -> list[tuple[object, ...]]:
        if m.sign_in is None:
            raise _bad(m.name, "sign_in")
        s = m.sign_in
        return sign_in(rng(s.seed), s.rows, s.unit, s.posts)

    # Rows of each sheet, by ``build`` name.
    sheets: dict[str, Callable[[_Make], Sequence[Sequence[Sequence[object]]]]] = {
        "hazard_list": lambda m: [hazard_list(rng("隐患清单"))],
        "duty_roster": lambda m: [duty_roster(rng("值班"))],
        "budget": lambda m: [budget(m)],
        "zj_listed": lambda m: [zt.listed],
        "zj_inspections": lambda m: [zt.inspections],
        "zj_hazards": lambda m: [zt.hazards],
        "self_built": lambda m: [self_built_roster(rng("自建房"), 60, date(2022, 6, 10), date(2022, 10, 31))],
        "high_rise": lambda m: [high_rise()],
        "jt_ledgers": lambda m: [jt.listed, records, jt.hazards],
        "recheck": lambda m: [recheck()],
        "sign_in": lambda m: [signed(m)],
    }
    made: dict[str, bytes] = {}

    def render(notice: Notice, m: _Make) -> bytes:
        if m.format == "docx":
            return build_docx(notice, tables=m.tables, when=m.when)
        if m.format == "pdf":
            return build_text_pdf(notice, encrypt_password=m.password or None)
        if m.format == "ofd":
            return build_ofd(notice)
        if m.format == "txt":
            return build_txt(notice)
        raise _bad(m.name, "format")

    def make(m: _Make) -> bytes:
        if m.members:
            return _zip(((x.name, make(x)) for x in m.members), gbk=m.gbk)
        if m.scan:
            return _scan(m.scan)
        if m.asset:
            return _asset(m.asset)
        if m.duplicate_of:
            return made[m.duplicate_of]
        if m.build in sheets:
            rows = sheets[m.build](m)
            return build_xlsx(
                [(s.name, s.title, s.header, r) for s, r in zip(m.sheets, rows, strict=True)],
                author=m.author or "Administrator",
            )
        if m.build in reports:
            return render(_claims_report(*m.report, *reports[m.build]), m)
        if m.build == "lock":
            return _lock_file(m.owner)
        if m.build == "exe":
            return _exe()
        if m.build == "empty":
            return b""
        if m.build == "truncated":  # a copy broken off: the .docx cut after three fifths
            whole = build_docx(NOTICES[m.notice])
            return whole[: len(whole) * 3 // 5]
        if m.build:
            raise _bad(m.name, "build")
        return render(NOTICES[m.notice], m)

    p = _Plan()
    for spec in _FILES:
        m = spec.make
        data = make(m)
        f = p.add(
            spec.folder,
            m.name,
            spec.department,
            m.format,
            spec.proves,
            spec.note.format_map(facts),
            data,
            by_code=not (m.scan or m.asset),
            ocr_pages=spec.ocr_pages,
            doc_number=spec.doc_number,
            problem=spec.problem,
            duplicate_of=m.duplicate_of or None,
            department_from_document=spec.department_from_document,
        )
        made[f.rel_path] = data
    return p, _strs(_CLAIMS, "consistent", "claims_report"), _strs(_CLAIMS, "inconsistent", "claims_report")


def _occupied(inbox: Path) -> list[str]:
    """What makes ``inbox`` non-empty: anything but the README and system clutter (Thumbs.db …)."""
    from pipeline.discover import skip_reason

    if not inbox.exists():
        return []
    if not inbox.is_dir():
        raise DemoInboxNotEmpty(f"“{inbox}” 不是文件夹，无法写入示例收件箱")
    return sorted(
        e.name
        for e in inbox.iterdir()
        if e.name.lower() != "readme.md" and not skip_reason(e.name, is_dir=e.is_dir())
    )


def write_demo_inbox(
    inbox: Path, *, seed: int = 2022, today: date | None = None, force: bool = False
) -> DemoManifest:
    """Write the demo inbox under ``inbox`` and say what each file should prove.

    Refuses a non-empty inbox (a README.md and system clutter do not count) unless ``force``, which
    overwrites the demo's own paths and leaves every other file alone. ``today`` is the hand-in day
    that file modification times are set to, so ledgers built on two demo runs agree.
    """
    inbox = Path(inbox)
    occupied = _occupied(inbox)
    if occupied and not force:
        shown = "、".join(occupied[:5]) + ("等" if len(occupied) > 5 else "")
        raise DemoInboxNotEmpty(
            f"收件箱“{inbox}”不是空的（已有 {len(occupied)} 项：{shown}），为免与各部门的真实材料混在一起，"
            "未写入示例数据。请换一个空文件夹，或确认后加 --force 覆盖写入。",
            detail=f"{len(occupied)} entries",
        )
    plan, consistent, inconsistent = _build(seed)
    day = today or DEFAULT_TODAY
    try:
        for i, (f, data) in enumerate(plan.entries):
            path = inbox.joinpath(*f.rel_path.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            stamp = datetime.combine(day, time(9, 0)) + timedelta(minutes=7 * i)
            os.utime(path, (stamp.timestamp(), stamp.timestamp()))
    except OSError as e:
        raise EvidenceDeskError(f"无法写入示例收件箱“{inbox}”：{e.strerror or e}", detail=str(e)) from e
    return DemoManifest(
        inbox=inbox,
        seed=seed,
        files=tuple(f for f, _ in plan.entries),
        consistent=consistent,
        inconsistent=inconsistent,
    )
