"""Photos and scanned images: OCR of the picture, and the EXIF time the photo was taken.

Meeting photos carry their caption on a banner (会议横幅) and their date in EXIF; both are evidence of
when an activity happened. A multi-page TIFF (a scanner's or fax's output) gives one page per frame.
The pixel limit is checked from the header, before any pixel is decoded, so a 30,000×30,000 "photo"
costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pipeline.errors import DocumentLoadError
from pipeline.models import Evidence, Page, SourceFile
from pipeline.ocr import MAX_SIDE, ocr_cached, ocr_threads
from pipeline.readers.base import ReadContext, reader

EXIF_IFD = 0x8769
TAG_MAKE, TAG_MODEL = 0x010F, 0x0110
TAG_DATETIME_ORIGINAL, TAG_DATETIME_DIGITIZED, TAG_OFFSET_TIME_ORIGINAL = 36867, 36868, 36881

MSG_EMPTY = "文件为空（0 字节），请重新发送"
MSG_CORRUPT = "图片文件已损坏或格式无法识别，请重新发送原图"
MSG_TRUNCATED = "图片文件不完整（可能传输中断），请重新发送原图"


def _too_large(pixels: int, size: tuple[int, int] | None = None) -> DocumentLoadError:
    dims = f"{size[0]}×{size[1]}，" if size else ""
    return DocumentLoadError(
        f"图片尺寸过大（{dims}约 {pixels / 1e6:.0f} 百万像素），可能是异常文件", code="too_large"
    )


def _exif_time(value: object, offset: object = None) -> str | None:
    """EXIF ``YYYY:MM:DD HH:MM:SS`` as ISO 8601; cameras with an unset clock write zeros."""
    if not isinstance(value, str):
        return None
    try:
        taken = datetime.strptime(value.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    iso = taken.isoformat()
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d{2}:\d{2}", offset.strip("\x00 ")):
        iso += offset.strip("\x00 ")
    return iso


def photo_metadata(image: Image.Image) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """``(taken_at, meta)`` from EXIF: DateTimeOriginal (else DateTimeDigitized) and the camera."""
    exif = image.getexif()
    sub = exif.get_ifd(EXIF_IFD)
    taken_at = _exif_time(sub.get(TAG_DATETIME_ORIGINAL), sub.get(TAG_OFFSET_TIME_ORIGINAL)) or _exif_time(
        sub.get(TAG_DATETIME_DIGITIZED)
    )
    meta: list[tuple[str, str]] = [("size", f"{image.width}×{image.height}")]
    make = str(exif.get(TAG_MAKE, "")).strip("\x00 ")
    model = str(exif.get(TAG_MODEL, "")).strip("\x00 ")
    camera = (
        model if make and model.lower().startswith(make.lower()) else " ".join(x for x in (make, model) if x)
    )
    if camera:
        meta.append(("camera", camera))
    if taken_at:
        meta.append(("taken_at", taken_at))
    return taken_at, tuple(meta)


def _pixels_of(message: str) -> int:
    m = re.search(r"\((\d+) pixels\)", message)
    return int(m.group(1)) if m else 0


def _decode_error(e: BaseException) -> DocumentLoadError:
    message = MSG_TRUNCATED if "truncated" in str(e) else MSG_CORRUPT
    return DocumentLoadError(message, detail=repr(e), code="corrupt")


_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError)


def _open(path: Path, max_pixels: int) -> Image.Image:
    # Pillow checks MAX_IMAGE_PIXELS in Image.open, from the header: over twice the limit it refuses,
    # between once and twice it only warns, so the size is checked here too. Process-wide by design.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as e:
        raise _too_large(_pixels_of(str(e))) from e
    except UnidentifiedImageError as e:
        raise DocumentLoadError(MSG_CORRUPT, detail=repr(e), code="corrupt") from e
    except _DECODE_ERRORS as e:
        raise _decode_error(e) from e
    if image.width * image.height > max_pixels:
        image.close()
        raise _too_large(image.width * image.height, image.size)
    return image


def _upright_frames(image: Image.Image, limit: int) -> Iterator[Image.Image]:
    """Each frame decoded, turned upright and shrunk; damaged data fails here, before any OCR."""
    try:
        # JPEG can decode at 1/2, 1/4, 1/8 scale: a 50-megapixel photo never exists in full.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= limit:
                return
            frame.load()
            upright = ImageOps.exif_transpose(frame).convert("RGB")
            if max(upright.size) > MAX_SIDE:
                upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            yield upright
    except _DECODE_ERRORS as e:
        raise _decode_error(e) from e


def _same(image: Image.Image) -> Image.Image:
    return image


@reader("image")
def read_image(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    if path.stat().st_size == 0:
        raise DocumentLoadError(MSG_EMPTY, code="empty")
    limits = ctx.limits
    threads = ocr_threads(limits.ocr_workers)
    pages: list[Page] = []
    with _open(path, limits.max_image_pixels) as image:
        taken_at, meta = photo_metadata(image)
        frames = max(1, getattr(image, "n_frames", 1))
        for index, upright in enumerate(_upright_frames(image, limits.max_pdf_pages)):
            key = f"{source.sha256}-f{index + 1}"
            result = ocr_cached(key, partial(_same, upright), ctx.ocr_cache, threads=threads)
            pages.append(Page(index + 1, result.text, ocr=True, confidence=result.confidence))

    confidences = [p.confidence for p in pages if p.confidence is not None]
    if frames > 1:
        meta = (*meta, ("frames", str(frames)))
    return Evidence(
        source=source,
        text="\n\n".join(p.text for p in pages if p.text),
        pages=tuple(pages),
        ocr=True,
        ocr_confidence=sum(confidences) / len(confidences) if confidences else None,
        taken_at=taken_at,
        meta=meta,
    )
