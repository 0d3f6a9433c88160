"""The real corpus as the files a department would drop in the inbox: Word, text PDF, scan, photo.

Each document gets one form, fixed by a hash of its id (so every run builds the same files and the
OCR cache stays warm): about half Word, a quarter text PDF, and of the texts short enough for one or
two pages about an eighth scanned (image-only PDF, red seal over the 落款) and an eighth photographed
(one page, tilted, shaded, JPEG). File names are what departments use: the title for Word and PDF,
often the scanning app's or the camera's name for scans and photos.

Word uses python-docx, PDFs reportlab's built-in ``STSong-Light`` (no font needed); scans and photos
need the TrueType font ``fonts-wqy-zenhei`` (``HAVE_FONT``), without which those documents are built
as text PDFs instead and the run says so.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from docx import Document
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tests.builders.scans import FONT_PATH, _draw_seal, _font, _pil_font
from tests.matchers.real.corpus import RealDoc

Form = Literal["docx", "pdf", "scan", "photo"]
FORMS: tuple[Form, ...] = ("docx", "pdf", "scan", "photo")
HAVE_FONT = FONT_PATH.is_file()

UNKNOWN_FOLDER = "综合"  # a folder that names no department: the department must come from the text

_CHARS_PER_LINE = 30
_LINES_PER_PAGE = 30
_SCAN_MAX_CHARS = 1500  # two pages
_PHOTO_MAX_CHARS = 800  # one page


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def form_of(doc: RealDoc) -> Form:
    h = _hash(doc.id)
    n = len(doc.text)
    if n <= _PHOTO_MAX_CHARS and h % 8 == 0:
        return "photo"
    if n <= _SCAN_MAX_CHARS and h % 8 == 1:
        return "scan"
    return "pdf" if h % 4 == 2 else "docx"


_UNSAFE = re.compile(r'[\\/:*?"<>|\r\n\t]')


def file_name(doc: RealDoc, form: Form) -> str:
    """The name the department gave the file."""
    title = _UNSAFE.sub("", doc.title).strip()[:60] or doc.id
    h = _hash(doc.id + "name")
    stamp = (doc.date or "2022-06-01").replace("-", "")[:8].ljust(8, "1")
    if form == "photo":
        return f"IMG_{stamp}_{h % 10000:04d}.jpg" if h % 3 else f"{title}.jpg"
    if form == "scan":
        return f"扫描全能王 {stamp} {h % 100:02d}.{h % 60:02d}.pdf" if h % 5 < 2 else f"{title}.pdf"
    return f"{title}.{form}"


@dataclass(frozen=True)
class Placed:
    doc: RealDoc
    form: Form
    rel_path: str


def _lines(doc: RealDoc) -> list[tuple[str, bool]]:
    """(line, is_title): the title centred on top unless the text starts with it, then the paragraphs
    wrapped at a fixed width, the way a printed page breaks them."""
    out: list[tuple[str, bool]] = []
    text = doc.text
    if not text.startswith(doc.title[:12]):
        out.append((doc.title, True))
    for para in text.splitlines():
        para = para.strip()
        while len(para) > _CHARS_PER_LINE:
            out.append((para[:_CHARS_PER_LINE], False))
            para = para[_CHARS_PER_LINE:]
        if para:
            out.append((para, False))
    return out


def _pages(doc: RealDoc) -> list[list[tuple[str, bool]]]:
    lines = _lines(doc)
    return [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)] or [[]]


def write_docx(doc: RealDoc, path: Path) -> None:
    d = Document()
    if not doc.text.startswith(doc.title[:12]):
        d.add_heading(doc.title, level=1)
    for para in doc.text.splitlines():
        if para.strip():
            d.add_paragraph(para.strip())
    d.core_properties.title = doc.title
    d.save(path)


def write_text_pdf(doc: RealDoc, path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(doc.title)
    font = _font("STSong-Light")
    width, height = A4
    for page in _pages(doc):
        y = height - 80
        for line, is_title in page:
            if is_title:
                c.setFont(font, 18)
                c.drawCentredString(width / 2, y, line)
            else:
                c.setFont(font, 14)
                c.drawString(70, y, line)
            y -= 24
        c.showPage()
    c.save()


def _page_image(
    doc: RealDoc, page: Sequence[tuple[str, bool]], *, dpi: int, seal: bool, seed: int
) -> Image.Image:
    scale = dpi / 72
    width, height = int(A4[0] * scale), int(A4[1] * scale)
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    y = 80 * scale
    body, head = _pil_font(int(14 * scale)), _pil_font(int(18 * scale))
    last = (width / 2, y)
    for line, is_title in page:
        font = head if is_title else body
        w = d.textlength(line, font=font)
        x = (width - w) / 2 if is_title else 70 * scale
        d.text((x, y), line, font=font, fill=(0, 0, 0))
        last = (x + w, y)
        y += 24 * scale
    if seal:
        size = int(42 / 25.4 * dpi)
        stamp = _draw_seal(size, (doc.organ or "蓬溪县人民政府")[:14])
        layer = Image.new("RGB", img.size, "white")
        cx = min(width - size / 2 - 20, max(size / 2, last[0] - size / 3))
        cy = min(height - size / 2 - 20, last[1] + 12 * scale)
        layer.paste(stamp, (int(cx - size / 2), int(cy - size / 2)))
        img = ImageChops.multiply(img, layer)
    rng = np.random.default_rng(seed)
    img = img.rotate(float(rng.uniform(-1.0, 1.0)), resample=Image.Resampling.BICUBIC, fillcolor="white")
    pixels = np.asarray(img, dtype=np.int16)
    specks = rng.normal(0, 9, pixels.shape[:2])[..., None]
    return Image.fromarray(np.clip(pixels - np.abs(specks), 0, 255).astype(np.uint8))


def write_scan(doc: RealDoc, path: Path) -> None:
    pages = _pages(doc)
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, page in enumerate(pages):
        image = _page_image(doc, page, dpi=200, seal=n == len(pages) - 1, seed=_hash(doc.id) + n)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=82)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()


def write_photo(doc: RealDoc, path: Path) -> None:
    """A phone photo of the first page on a desk: tilted, unevenly lit, a little soft."""
    page = _page_image(doc, _pages(doc)[0], dpi=150, seal=True, seed=_hash(doc.id))
    rng = np.random.default_rng(_hash(doc.id) + 99)
    w, h = page.size
    desk = Image.new("RGB", (int(w * 1.15), int(h * 1.12)), (112, 86, 60))
    tilted = page.rotate(
        float(rng.uniform(-4, 4)), expand=True, resample=Image.Resampling.BICUBIC, fillcolor=(112, 86, 60)
    )
    desk.paste(tilted, ((desk.width - tilted.width) // 2, (desk.height - tilted.height) // 2))
    shade = np.linspace(1.0, 0.78, desk.height)[:, None, None]
    lit = np.clip(np.asarray(desk, dtype=np.float32) * shade, 0, 255).astype(np.uint8)
    photo = Image.fromarray(lit).filter(ImageFilter.GaussianBlur(0.7))
    photo.save(path, "JPEG", quality=80)


_WRITERS = {"docx": write_docx, "pdf": write_text_pdf, "scan": write_scan, "photo": write_photo}


def build_inbox(
    docs: Sequence[RealDoc], inbox: Path, *, unknown_folder: bool = False, ocr: bool = True
) -> list[Placed]:
    """Write every document into ``inbox/<folder>/`` (or ``inbox/综合/``); returns where each went.

    ``ocr=False`` (or no CJK TrueType font) writes scans and photos as text PDFs instead."""
    placed: list[Placed] = []
    taken: set[str] = set()
    for doc in docs:
        form = form_of(doc)
        if form in ("scan", "photo") and not (ocr and HAVE_FONT):
            form = "pdf"
        folder = UNKNOWN_FOLDER if unknown_folder else doc.folder
        name = file_name(doc, form)
        rel = f"{folder}/{name}"
        if rel in taken:  # two documents with one title: the second gets its id, as a person would
            stem, ext = name.rsplit(".", 1)
            rel = f"{folder}/{stem}（{doc.id}）.{ext}"
        taken.add(rel)
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        _WRITERS[form](doc, path)
        placed.append(Placed(doc, form, rel))
    return placed
