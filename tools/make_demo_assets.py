"""Make the demo inbox's binary assets once; they are committed under ``pipeline/data/demo/``.

Pictures of Chinese text need a TrueType CJK font (Debian ``fonts-wqy-zenhei``) and the legacy
.doc/.xls need LibreOffice, neither of which a user's machine may have; ``pipeline.demo`` only copies
these files or wraps the page images into PDFs. The texts come from ``pipeline.demo`` (NOTICES, SCANS,
PHOTOS), so the manifest and the pictures cannot drift apart.

    .venv/bin/python tools/make_demo_assets.py           # write the assets
    .venv/bin/python tools/make_demo_assets.py --check   # and OCR the scans: is each 文号 read?
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.demo import (
    ASSETS,
    LEGACY_DOC,
    LEGACY_XLS,
    NOTICES,
    PHOTOS,
    RED,
    SCANS,
    Notice,
    PhotoSpec,
    ScanSpec,
    build_docx,
    holiday_roster,
    scan_page_names,
)

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DPI = 150  # enough for OCR of 14 pt print and 〔〕; the PDF reader renders the page at 200 dpi
A4_PT = (595.28, 841.89)
JPEG_QUALITY = 60
# A banner as a phone photographs it: darker than print red. Bright red under bright yellow letters
# vanishes in pipeline.ocr's seal-removing view (its brightest channel is white for both).
BANNER = (150, 18, 24)


def _font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), px)


# --------------------------------------------------------------------------------------------
# Scans
# --------------------------------------------------------------------------------------------


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and draw.textlength(current + ch, font=font) > width:
            lines.append(current)
            current = ""
        current += ch
    return lines + ([current] if current else [])


def _seal(size: int, organ: str) -> Image.Image:
    """A round official seal: red ring, the organ's name along the upper arc, a star in the middle."""
    seal = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(seal)
    ring = max(4, size // 36)
    d.ellipse((ring, ring, size - ring, size - ring), outline=RED, width=ring)
    cx = cy = size / 2
    radius = size / 2 - ring * 2 - size * 0.09
    char_px = int(size * 0.12)
    font = _font(char_px)
    span = math.radians(250)
    for i, ch in enumerate(organ):
        angle = math.radians(-215) + span * (i + 0.5) / len(organ)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        tile = Image.new("L", (char_px * 2, char_px * 2), 0)
        ImageDraw.Draw(tile).text((char_px / 2, char_px / 2), ch, font=font, fill=255)
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        seal.paste(Image.new("RGB", tile.size, RED), (int(x - char_px), int(y - char_px)), tile)
    star_r = size * 0.15
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(points, fill=RED)
    # Real stamps print unevenly: fade a few random patches of the ink.
    rng = np.random.default_rng(len(organ))
    mask = Image.fromarray((rng.random((size // 8, size // 8)) > 0.82).astype(np.uint8) * 90).resize(
        (size, size)
    )
    return Image.composite(
        Image.new("RGB", seal.size, "white"), seal, mask.filter(ImageFilter.GaussianBlur(3))
    )


def render_scan(notice: Notice, spec: ScanSpec, *, seed: int) -> list[Image.Image]:
    """The notice printed per GB/T 9704 in miniature and scanned: pages, seal, tilt and speckle."""
    scale = DPI / 72
    width, height = int(A4_PT[0] * scale), int(A4_PT[1] * scale)
    left, right, top, bottom = 78 * scale, 78 * scale, 70 * scale, 60 * scale
    pages = [Image.new("RGB", (width, height), "white")]
    d = ImageDraw.Draw(pages[0])
    y = top
    boxes: dict[str, tuple[float, float, float, float]] = {}

    def put(
        text: str, pt: float, kind: str, align: str = "left", red: bool = False, indent: float = 0
    ) -> None:
        nonlocal y, d
        font = _font(int(pt * scale))
        for k, part in enumerate(
            _wrap(d, text, font, width - left - right - (indent if align == "left" else 0))
        ):
            if y + pt * scale > height - bottom:
                pages.append(Image.new("RGB", (width, height), "white"))
                d = ImageDraw.Draw(pages[-1])
                y = top
            w = d.textlength(part, font=font)
            x = {"center": (width - w) / 2, "right": width - right - w}.get(
                align, left + (indent if k == 0 else 0)
            )
            d.text((x, y), part, font=font, fill=RED if red else (20, 20, 20))
            if len(pages) == 1:
                x0, y0, x1, y1 = boxes.get(kind, (x, y, x + w, y + pt * scale))
                boxes[kind] = (min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + pt * scale))
            y += pt * scale * 1.75

    put(notice.header, 24, "header", "center", red=True)
    y += 6 * scale
    if notice.number:
        put(notice.number, 15, "docnum", "center")
        d.line((left - 8 * scale, y - 4 * scale, width - right + 8 * scale, y - 4 * scale), fill=RED, width=3)
        y += 10 * scale
    put(notice.title, 18, "title", "center")
    put(notice.addressee, 14, "addressee")
    for text in notice.body:
        put(text, 14, "body", indent=28 * scale)
    y += 14 * scale
    put(notice.signature, 14, "signature", "right")
    put(notice.date, 14, "date", "right")
    if notice.appendix:
        pages.append(Image.new("RGB", (width, height), "white"))
        d = ImageDraw.Draw(pages[-1])
        y = top
        put(notice.appendix[0], 18, "appendix", "center")
        for text in notice.appendix[1:]:
            put(text, 14, "appendix", indent=28 * scale)
    if len(pages) != spec.pages:
        raise SystemExit(f"{notice.title}: {len(pages)} pages, SCANS says {spec.pages}")

    seal_px = int(42 / 25.4 * DPI)  # a 42 mm seal
    if spec.seal_over == "signature":
        x0, y0, x1, _ = boxes["signature"]
        y1 = boxes["date"][3]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    else:
        x0, y0, x1, y1 = boxes["docnum"]
        cx, cy = x1 - (x1 - x0) * 0.25, (y0 + y1) / 2
    layer = Image.new("RGB", pages[0].size, "white")
    layer.paste(_seal(seal_px, spec.seal_organ), (int(cx - seal_px / 2), int(cy - seal_px / 2)))
    pages[0] = ImageChops.multiply(pages[0], layer)  # ink over ink: print stays dark under the red

    rng = np.random.default_rng(seed)
    out = []
    for k, page in enumerate(pages):
        page = page.rotate(
            float(rng.uniform(-0.8, 0.8)), resample=Image.Resampling.BICUBIC, fillcolor="white"
        )
        pixels = np.asarray(page, dtype=np.int16)
        specks = np.abs(rng.normal(0, 9, pixels.shape[:2]))[..., None]
        tint = np.array([0, 2, 8], dtype=np.int16) if k == 0 else 0  # slightly yellowed paper
        out.append(Image.fromarray(np.clip(pixels - specks - tint, 0, 255).astype(np.uint8)))
    return out


# --------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------


def render_photo(
    spec: PhotoSpec, *, seed: int, size: tuple[int, int] = (1280, 960)
) -> tuple[Image.Image, Image.Exif]:
    """A phone photo of an activity: a red banner with the caption over a hall or square, people in front."""
    rng = np.random.default_rng(seed)
    w, h = size
    top = np.array([150, 170, 190]) + rng.integers(-20, 20, 3)
    bottom = np.array([110, 100, 90]) + rng.integers(-20, 20, 3)
    grad = np.linspace(0, 1, h)[:, None, None]
    pixels = (top * (1 - grad) + bottom * grad).repeat(w, axis=1).astype(np.uint8)
    img = Image.fromarray(pixels)
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(h * 0.72), w, h), fill=(95, 85, 75))
    banner_top, banner_h = int(h * 0.10), int(h * 0.13)
    d.rectangle((int(w * 0.04), banner_top, int(w * 0.96), banner_top + banner_h), fill=BANNER)
    px = int(banner_h * 0.55)
    font = _font(px)
    while d.textlength(spec.caption, font=font) > w * 0.88:
        px -= 2
        font = _font(px)
    tw = d.textlength(spec.caption, font=font)
    d.text(
        ((w - tw) / 2, banner_top + (banner_h - px) / 2 - px * 0.1),
        spec.caption,
        font=font,
        fill=(255, 236, 160),
    )
    for _ in range(int(rng.integers(9, 15))):  # people: a head and a body, in dark clothes
        x = int(rng.integers(0, w - 60))
        y = int(rng.integers(int(h * 0.5), int(h * 0.7)))
        s = int(rng.integers(45, 80))
        cloth = tuple(int(v) for v in rng.integers(20, 90, 3))
        d.rounded_rectangle((x, y + s // 2, x + s, y + s * 3), radius=s // 4, fill=cloth)
        d.ellipse((x + s // 5, y - s // 4, x + s * 4 // 5, y + s // 2), fill=(224, 188, 160))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    noise = rng.normal(0, 4, (h, w, 1))
    img = Image.fromarray(np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x010F] = spec.make
    exif[0x0110] = spec.model
    exif[0x0132] = spec.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[36867] = spec.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    sub[36868] = spec.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeDigitized
    sub[36881] = "+08:00"  # OffsetTimeOriginal
    return img, exif


# --------------------------------------------------------------------------------------------
# Legacy Office files via LibreOffice
# --------------------------------------------------------------------------------------------


def soffice_convert(data: bytes, suffix: str, target: str) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the legacy .doc/.xls")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"source{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", tmp, str(src)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        return (Path(tmp) / f"source.{target}").read_bytes()


# --------------------------------------------------------------------------------------------


def make_assets(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for k, (key, spec) in enumerate(SCANS.items()):
        for name, page in zip(
            scan_page_names(key), render_scan(NOTICES[spec.notice], spec, seed=100 + k), strict=True
        ):
            path = out / name
            page.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(DPI, DPI))
            written.append(path)
    for k, (key, spec) in enumerate(PHOTOS.items()):
        img, exif = render_photo(spec, seed=200 + k)
        path = out / f"{key}.jpg"
        img.save(path, "JPEG", quality=82, optimize=True, exif=exif)
        written.append(path)
    (out / LEGACY_DOC).write_bytes(soffice_convert(build_docx(NOTICES["举报奖励"]), ".docx", "doc"))
    # Debian's libreoffice-writer-nogui cannot convert spreadsheets, so the BIFF8 workbook is written
    # record by record with the tests' builder (xlrd reads it; it is what the .xls readers are tested on).
    from tests.builders.office import write_xls

    header = ("日期", "星期", "带班领导", "值班人员", "值班电话")
    rows = [["蓬溪县人民政府2022年国庆节假日领导带班和值班安排表"], list(header)]
    rows += [[str(v) for v in row] for row in holiday_roster()]
    write_xls(out / LEGACY_XLS, "节假日值班表", rows)
    written += [out / LEGACY_DOC, out / LEGACY_XLS]
    return written


def check_ocr(out: Path) -> bool:
    """OCR every scan page and photo as the readers will; report the 文号 found and the time taken."""
    from matchers.docnum import extract_doc_numbers
    from pipeline.ocr import ocr_image

    ok = True
    for key, spec in SCANS.items():
        expected = NOTICES[spec.notice].number
        for name in scan_page_names(key):
            started = time.perf_counter()
            with Image.open(out / name) as img:
                result = ocr_image(img)
            numbers = [n.canonical for n in extract_doc_numbers(result.text)]
            hit = expected in numbers
            first = name.endswith("-p1.jpg")
            ok &= hit or not first
            print(f"{name}: {time.perf_counter() - started:.1f}s conf={result.confidence:.2f} 文号={numbers}"
                  f"{'' if not first else (' OK' if hit else ' MISSING ' + expected)}")  # fmt: skip
    for key, spec in PHOTOS.items():
        started = time.perf_counter()
        with Image.open(out / f"{key}.jpg") as img:
            result = ocr_image(img)
        hit = spec.caption in result.text.replace(" ", "")
        ok &= hit
        print(
            f"{key}: {time.perf_counter() - started:.1f}s caption {'OK' if hit else 'MISSING'}: {result.text!r}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ASSETS)
    parser.add_argument("--check", action="store_true", help="OCR the scans and photos after writing")
    args = parser.parse_args()
    for path in make_assets(args.out):
        print(f"{path.stat().st_size / 1024:8.1f} KiB  {path}")
    total = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"total {total / 1024 / 1024:.2f} MiB")
    if args.check and not check_ocr(args.out):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
