"""Offline OCR of page images and photos with rapidocr-onnxruntime (PP-OCRv4 models inside the wheel).

Costs measured on the 2-core machines: ~1 GB resident for the engine and 2–3 s per A4 page at 200 dpi.
Hence one engine per process, created on first use, and a lock so that threads of one process never
run two pages at once (ONNX Runtime already spreads one page over the cores it is given). Parallelism
across processes is the flow's business: ``Limits.ocr_workers`` processes, each given
``cpu_count // ocr_workers`` threads (``ocr_threads``) so the workers do not oversubscribe the cores.

A red seal stamped over black text is the common obstacle on scans of official documents: the engine
either reads the seal's characters or misses the line below. Taking the brightest channel of each pixel
turns red ink light while black print stays black, so such pages are read through that view first.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

# Part of every cache file name: bump it when preprocessing or the engine changes what is read.
CACHE_VERSION = "rapidocr-1.4-v1"

# Below this mean confidence a first pass is considered weak and the other view is tried too.
WEAK_CONFIDENCE = 0.85
# Photos are shrunk to this long side before OCR (the engine itself works at 2000 px at most);
# shrinking further ourselves measurably hurt recognition of small print.
MAX_SIDE = 2500
# The red channel of seal ink on a scan; at and above it a pixel counts as paper.
SEAL_RED_LEVEL = 200

_engine: Any = None
_engine_lock = threading.Lock()
# How many times the engine really ran in this process; tests assert a cache hit leaves it unchanged.
engine_calls = 0


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean score of the recognised boxes, None when nothing was read
    lines: int


@dataclass(frozen=True)
class _Box:
    text: str
    score: float
    left: float
    top: float
    bottom: float


def ocr_threads(workers: int) -> int:
    """Threads per OCR worker so that ``workers`` processes together use each core once."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _get_engine(threads: int | None) -> Any:
    global _engine
    if _engine is None:
        import cv2
        from rapidocr_onnxruntime import RapidOCR

        n = threads if threads is not None else ocr_threads(1)
        cv2.setNumThreads(n)
        # intra_op_num_threads reaches every ONNX session (det, cls, rec); -1 would mean all cores.
        _engine = RapidOCR(intra_op_num_threads=n, inter_op_num_threads=1)
    return _engine


def _run_engine(pixels: np.ndarray, threads: int | None) -> list[_Box]:
    global engine_calls
    with _engine_lock:
        engine = _get_engine(threads)
        engine_calls += 1
        result, _elapsed = engine(pixels)
    boxes: list[_Box] = []
    for points, text, score in result or ():
        ys = [float(p[1]) for p in points]
        xs = [float(p[0]) for p in points]
        if text.strip():
            boxes.append(_Box(text.strip(), float(score), min(xs), min(ys), max(ys)))
    return boxes


def _group_lines(boxes: Sequence[_Box]) -> list[list[_Box]]:
    """Boxes that overlap vertically by half the smaller height are one line; lines top to bottom."""
    lines: list[tuple[float, float, list[_Box]]] = []  # (top, bottom, boxes)
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        height = box.bottom - box.top
        for k, (top, bottom, members) in enumerate(lines):
            overlap = min(bottom, box.bottom) - max(top, box.top)
            if overlap >= 0.5 * min(height, bottom - top):
                members.append(box)
                lines[k] = (min(top, box.top), max(bottom, box.bottom), members)
                break
        else:
            lines.append((box.top, box.bottom, [box]))
    lines.sort(key=lambda line: line[0])
    return [sorted(members, key=lambda b: b.left) for _, _, members in lines]


def _result(boxes: Sequence[_Box]) -> OcrResult:
    lines = _group_lines(boxes)
    text = "\n".join(" ".join(b.text for b in line) for line in lines)
    confidence = sum(b.score for b in boxes) / len(boxes) if boxes else None
    return OcrResult(text=text, confidence=confidence, lines=len(lines))


def _weight(result: OcrResult) -> float:
    """How much confidently read text a pass produced: the better of two passes has more."""
    return len(re.sub(r"\s", "", result.text)) * (result.confidence or 0.0)


def _red_fraction(rgb: np.ndarray) -> float:
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    red = (r > 120) & (r - g > 60) & (r - b > 60)
    return float(red.mean())


def _seal_light(rgb: np.ndarray) -> np.ndarray:
    """The brightest channel of each pixel, stretched so seal red (R ≈ 200) becomes paper white.

    Black print stays black, also where the seal covers it (stamp ink over toner stays dark).
    """
    brightest = rgb.max(axis=2).astype(np.uint16)
    light = np.minimum(brightest * 255 // SEAL_RED_LEVEL, 255).astype(np.uint8)
    return np.repeat(light[..., None], 3, axis=2)


def _prepare(image: Image.Image) -> np.ndarray:
    if image.mode != "RGB":
        image = image.convert("RGB")
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return np.asarray(image)


def ocr_image(image: Image.Image, *, threads: int | None = None) -> OcrResult:
    """Read the text of ``image``; lines top to bottom, boxes of one line left to right.

    A page with red ink (a seal, a red header) is read through the seal-light view first; the
    as-is view is tried too when the first pass is weak, and the pass with more confident text wins.
    """
    rgb = _prepare(image)
    views: list[Callable[[], np.ndarray]] = [lambda: rgb, lambda: _seal_light(rgb)]
    red = _red_fraction(rgb) > 0.0005
    if red:
        views.reverse()
    best = _result(_run_engine(views[0](), threads))
    if best.confidence is None and not red:
        # Nothing found on a page without red ink (a photo with no text): the seal-light view only
        # differs where red covers the print, so a second pass would find nothing either.
        return best
    if best.confidence is None or best.confidence < WEAK_CONFIDENCE:
        other = _result(_run_engine(views[1](), threads))
        if _weight(other) > _weight(best):
            best = other
    return best


def _cache_path(cache_dir: Path, key: str) -> Path:
    safe = re.sub(r"[^0-9A-Za-z._-]", "_", key)
    return cache_dir / f"{safe}.{CACHE_VERSION}.json"


def ocr_cached(
    key: str,
    render: Callable[[], Image.Image],
    cache_dir: Path | None,
    *,
    threads: int | None = None,
) -> OcrResult:
    """OCR the image ``render`` makes, unless ``cache_dir`` already holds the result for ``key``.

    ``key`` is the file's content hash plus the page (and whatever else changes the pixels), so a
    file renamed or copied elsewhere is not read twice. ``render`` is only called on a miss.
    """
    path = _cache_path(cache_dir, key) if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return OcrResult(text=data["text"], confidence=data["confidence"], lines=data["lines"])
        except (ValueError, KeyError, TypeError, OSError):
            pass  # a damaged cache entry is read again and overwritten
    image = render()
    try:
        result = ocr_image(image, threads=threads)
    finally:
        image.close()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ocr-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(result), f, ensure_ascii=False)
            os.replace(tmp, path)  # atomic: a killed run leaves no half-written entry
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return result
