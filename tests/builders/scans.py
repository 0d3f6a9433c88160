"""PDFs and images of a county government notice, built with reportlab and Pillow.

A reader of a test sees exactly what is in each file: the notice's lines are ``NOTICE``; the
text-layer PDF draws them one per line (so ``extract_text`` must give them back line for line); the
"scan" renders them to pixels, stamps a red seal over the 落款 or the 文号 (ink multiplies, like a
real stamp over printed text) and embeds the picture as the page's only content.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.models import SourceFile
from pipeline.readers import detect_format

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
RED = (200, 16, 28)

LineKind = Literal["header", "docnum", "title", "addressee", "body", "signature", "date"]


@dataclass(frozen=True)
class Line:
    kind: LineKind
    text: str


DOC_NUMBER = "蓬安办发〔2022〕12号"

# GB/T 9704-2012 layout in miniature: 红头, 文号, title, 主送, body (28 characters a line), 落款, date.
NOTICE: tuple[Line, ...] = (
    Line("header", "蓬溪县安全生产委员会办公室文件"),
    Line("docnum", DOC_NUMBER),
    Line("title", "关于开展2022年安全生产大检查的通知"),
    Line("addressee", "各乡镇人民政府，县安委会各成员单位："),
    Line("body", "为深入贯彻落实党中央、国务院关于安全生产的决策部署，"),
    Line("body", "根据《四川省安全生产委员会办公室关于开展安全生产大检"),
    Line("body", "查的通知》（川安办〔2022〕8号）要求，经县政府同意，决"),
    Line("body", "定在全县范围内开展安全生产大检查。现将有关事项通知如下："),
    Line("body", "一、检查时间：２０２２年３月２０日至５月３１日。"),
    Line("body", "二、检查范围：矿山、危险化学品、交通运输、建筑施工等；"),
    Line("body", "三、工作要求：各单位于每月２５日前报送工作进展情况。"),
    Line("signature", "蓬溪县安全生产委员会办公室"),
    Line("date", "2022年3月15日"),
)


def notice_text(lines: tuple[Line, ...] = NOTICE) -> str:
    return "\n".join(line.text for line in lines)


# --------------------------------------------------------------------------------------------
# Text-layer PDFs
# --------------------------------------------------------------------------------------------

_FONTS_READY: set[str] = set()


def _font(name: Literal["WQY", "STSong-Light"]) -> str:
    if name not in _FONTS_READY:
        if name == "WQY":
            pdfmetrics.registerFont(TTFont("WQY", str(FONT_PATH), subfontIndex=0))
        else:
            # Built-in Adobe CID font: nothing embedded, text decoded through the UniGB CMap.
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONTS_READY.add(name)
    return name


_SIZES: dict[LineKind, float] = {
    "header": 26,
    "docnum": 16,
    "title": 20,
    "addressee": 16,
    "body": 15,
    "signature": 16,
    "date": 16,
}


def _draw_notice_page(c: canvas.Canvas, font: str, lines: tuple[Line, ...]) -> None:
    width, height = A4
    y = height - 90
    for line in lines:
        size = _SIZES[line.kind]
        c.setFont(font, size)
        c.setFillColorRGB(*(v / 255 for v in RED) if line.kind == "header" else (0, 0, 0))
        if line.kind in ("header", "docnum", "title"):
            c.drawCentredString(width / 2, y, line.text)
        elif line.kind in ("signature", "date"):
            c.drawRightString(width - 90, y, line.text)
        else:
            c.drawString(80, y, line.text)
        if line.kind == "docnum":  # the red rule under the 文号
            c.setStrokeColorRGB(*(v / 255 for v in RED))
            c.setLineWidth(1.5)
            c.line(70, y - 14, width - 70, y - 14)
        y -= size * 2.0 if line.kind in ("header", "docnum", "title") else size * 1.7


def build_text_pdf(
    path: Path,
    *,
    font: Literal["WQY", "STSong-Light"] = "WQY",
    lines: tuple[Line, ...] = NOTICE,
    pages: int = 1,
    encrypt: StandardEncryption | None = None,
    title: str = "关于开展2022年安全生产大检查的通知",
) -> Path:
    """A notice with a real text layer, ``pages`` times (one notice per page)."""
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setTitle(title)
    c.setAuthor("县安办")
    name = _font(font)
    for _ in range(pages):
        _draw_notice_page(c, name, lines)
        c.showPage()
    c.save()
    return path


def build_letterspaced_pdf(path: Path, text: str, *, char_space: float = 5.0, size: float = 15) -> Path:
    """One line set with extra space between characters, as justified Chinese text often is."""
    c = canvas.Canvas(str(path), pagesize=A4)
    t = c.beginText(80, 700)
    t.setFont(_font("WQY"), size)
    t.setCharSpace(char_space)
    t.textLine(text)
    c.drawText(t)
    c.showPage()
    c.save()
    return path


def build_table_pdf(path: Path, rows: list[list[str]]) -> Path:
    """A ruled table (a 台账 printed to PDF), so pdfplumber finds it by its lines."""
    c = canvas.Canvas(str(path), pagesize=A4)
    font = _font("WQY")
    c.setFont(font, 16)
    c.drawString(80, 780, "2022年隐患排查整治台账")
    col_w, row_h, x0, top = 120.0, 28.0, 60.0, 740.0
    n_cols = len(rows[0])
    c.setLineWidth(0.8)
    for r in range(len(rows) + 1):
        c.line(x0, top - r * row_h, x0 + n_cols * col_w, top - r * row_h)
    for k in range(n_cols + 1):
        c.line(x0 + k * col_w, top, x0 + k * col_w, top - len(rows) * row_h)
    c.setFont(font, 11)
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            c.drawString(x0 + k * col_w + 5, top - r * row_h - 19, cell)
    c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------------------------
# Scans: the notice as pixels with a red seal
# --------------------------------------------------------------------------------------------

SealOver = Literal["signature", "docnum", "none"]


def _pil_font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), px)


def _draw_seal(size: int, organ: str) -> Image.Image:
    """A round official seal: red ring, the organ's name along the upper arc, a star in the middle."""
    seal = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(seal)
    ring = max(4, size // 40)
    d.ellipse((ring, ring, size - ring, size - ring), outline=RED, width=ring)
    cx = cy = size / 2
    radius = size / 2 - ring * 2 - size * 0.09
    char_px = int(size * 0.13)
    font = _pil_font(char_px)
    span = math.radians(250)
    n = len(organ)
    for i, ch in enumerate(organ):
        # From lower left over the top to lower right; each character upright toward the centre.
        angle = math.radians(-215) + span * (i + 0.5) / n
        x = cx + radius * math.cos(angle)
        y = cy + radius * math.sin(angle)
        tile = Image.new("L", (char_px * 2, char_px * 2), 0)
        ImageDraw.Draw(tile).text((char_px / 2, char_px / 2), ch, font=font, fill=255)
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        seal.paste(Image.new("RGB", tile.size, RED), (int(x - char_px), int(y - char_px)), tile)
    star_r = size * 0.16
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(points, fill=RED)
    return seal


def render_notice_image(
    *,
    dpi: int = 200,
    seal_over: SealOver = "signature",
    lines: tuple[Line, ...] = NOTICE,
    seed: int = 7,
    rotate_deg: float = 0.6,
) -> Image.Image:
    """The notice printed on A4 and scanned: slight rotation and noise, a seal stamped over a line."""
    scale = dpi / 72
    width, height = int(A4[0] * scale), int(A4[1] * scale)
    page = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(page)
    y = 90 * scale
    boxes: dict[LineKind, tuple[float, float, float, float]] = {}
    for line in lines:
        size = _SIZES[line.kind]
        px = int(size * scale)
        font = _pil_font(px)
        w = d.textlength(line.text, font=font)
        if line.kind in ("header", "docnum", "title"):
            x = (width - w) / 2
        elif line.kind in ("signature", "date"):
            x = width - 90 * scale - w
        else:
            x = 80 * scale
        d.text((x, y - px), line.text, font=font, fill=RED if line.kind == "header" else (0, 0, 0))
        boxes.setdefault(line.kind, (x, y - px, x + w, y))
        if line.kind == "docnum":
            d.line((70 * scale, y + 14 * scale, width - 70 * scale, y + 14 * scale), fill=RED, width=3)
        y += size * scale * (2.0 if line.kind in ("header", "docnum", "title") else 1.7)

    if seal_over != "none":
        seal_size = int(42 / 25.4 * dpi)  # a 42 mm seal
        seal = _draw_seal(seal_size, "蓬溪县安全生产委员会办公室")
        layer = Image.new("RGB", page.size, "white")
        if seal_over == "signature":
            x0, y0, x1, _ = boxes["signature"]
            _, _, _, y1 = boxes["date"]
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        else:
            x0, y0, x1, y1 = boxes["docnum"]
            cx, cy = x1 - (x1 - x0) * 0.3, (y0 + y1) / 2
        layer.paste(seal, (int(cx - seal_size / 2), int(cy - seal_size / 2)))
        page = ImageChops.multiply(page, layer)  # ink over ink: black text stays dark under red

    page = page.rotate(rotate_deg, resample=Image.Resampling.BICUBIC, fillcolor="white")
    # Scanner noise: a few grey specks, seeded so every run builds the same bytes.
    rng = np.random.default_rng(seed)
    pixels = np.asarray(page, dtype=np.int16)
    specks = rng.normal(0, 10, pixels.shape[:2])[..., None]
    return Image.fromarray(np.clip(pixels - np.abs(specks), 0, 255).astype(np.uint8))


def build_scanned_pdf(
    path: Path, *, seal_over: SealOver = "signature", dpi: int = 200, lines: tuple[Line, ...] = NOTICE
) -> Path:
    """An image-only PDF: the scan is the page's only content, no text layer at all.

    ``lines=()`` with ``seal_over="none"`` gives a blank scanned sheet (only paper noise).
    """
    image = render_notice_image(dpi=dpi, seal_over=seal_over, lines=lines)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    buf.seek(0)
    from reportlab.lib.utils import ImageReader

    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------

CAPTION = "蓬溪县2022年安全生产月活动启动仪式"


def build_photo(
    path: Path,
    *,
    caption: str = CAPTION,
    taken_at: datetime | None = datetime(2022, 6, 1, 9, 30, 15),
    model: str = "HUAWEI P40",
    size: tuple[int, int] = (1600, 1200),
    fmt: str = "JPEG",
) -> Path:
    """A meeting photo: a stage, a red banner with the caption, EXIF DateTimeOriginal and camera."""
    w, h = size
    img = Image.new("RGB", size, (120, 130, 140))
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(h * 0.7), w, h), fill=(90, 60, 40))  # the floor
    for k in range(6):  # people as dark blobs
        x = int(w * (0.1 + k * 0.15))
        d.ellipse((x, int(h * 0.55), x + int(w * 0.08), int(h * 0.9)), fill=(30, 30, 35))
    banner_h = int(h * 0.14)
    d.rectangle((int(w * 0.05), int(h * 0.12), int(w * 0.95), int(h * 0.12) + banner_h), fill=RED)
    font = _pil_font(int(banner_h * 0.55))
    tw = d.textlength(caption, font=font)
    d.text(((w - tw) / 2, int(h * 0.12) + banner_h * 0.2), caption, font=font, fill=(255, 240, 200))
    exif = Image.Exif()
    exif[0x010F] = model.split()[0]  # Make
    exif[0x0110] = model  # Model
    if taken_at is not None:
        exif.get_ifd(0x8769)[36867] = taken_at.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    img.save(path, fmt, exif=exif, quality=88) if fmt == "JPEG" else img.save(path, fmt)
    return path


# --------------------------------------------------------------------------------------------
# Hostile files
# --------------------------------------------------------------------------------------------


def build_encrypted_pdf(path: Path, *, user_password: str = "anban2022") -> Path:
    """Needs a password to open (the common case: a department protected the scan)."""
    return build_text_pdf(path, encrypt=StandardEncryption(user_password, ownerPassword="owner-secret"))


def build_owner_only_pdf(path: Path) -> Path:
    """Encrypted with only an owner password (printing/copying restricted): opens without one."""
    return build_text_pdf(path, encrypt=StandardEncryption("", ownerPassword="owner-secret", canCopy=0))


def build_truncated_pdf(path: Path, *, keep: float = 0.4) -> Path:
    """A download that stopped early: the head of a valid PDF, no trailer, no xref."""
    whole = build_text_pdf(path.with_suffix(".full.pdf")).read_bytes()
    path.with_suffix(".full.pdf").unlink()
    path.write_bytes(whole[: int(len(whole) * keep)])
    return path


def build_broken_xref_pdf(path: Path, *, recoverable: bool = True) -> Path:
    """A PDF whose ``startxref`` points into the middle of a content stream.

    Recoverable: the objects and the trailer are intact, so a reader can rebuild the table (as
    Acrobat does). Not recoverable: the trailer is gone too, so nothing says which object is the root.
    """
    data = bytearray(build_text_pdf(path).read_bytes())
    at = data.rindex(b"startxref")
    end = data.index(b"%%EOF", at)
    data[at:end] = b"startxref\n17\n"
    if not recoverable:
        data = bytearray(data.replace(b"trailer", b"garbage").replace(b"/Root", b"/Xoot"))
    path.write_bytes(bytes(data))
    return path


def build_zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty (what some broken "print to PDF" tools write)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def build_png_bomb(path: Path, width: int = 30_000, height: int = 30_000) -> Path:
    """A PNG whose header declares ``width``×``height`` but holds a few bytes of pixel data.

    Decoding it would allocate ~900 MB; a reader must refuse from the header alone.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * (width + 1) * 4, 9)  # four rows of zeros; the rest is missing
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def build_truncated_jpeg(path: Path) -> Path:
    whole = build_photo(path.with_suffix(".full.jpg")).read_bytes()
    path.with_suffix(".full.jpg").unlink()
    path.write_bytes(whole[: len(whole) // 3])
    return path


# --------------------------------------------------------------------------------------------
# Reading them back
# --------------------------------------------------------------------------------------------


def source_file(path: Path, rel_path: str | None = None) -> SourceFile:
    """The SourceFile discovery would make for ``path`` (format detected the same way)."""
    data = path.read_bytes()
    return SourceFile(
        path=str(path),
        rel_path=rel_path or path.name,
        department=None,
        folder="",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime=path.stat().st_mtime,
        format=detect_format(path),
    )
