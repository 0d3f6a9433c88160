"""Offline OCR of page images and photos with rapidocr-onnxruntime (PP-OCRv4 models inside the wheel).

Costs measured on the 2-core machines: 2–3 s per A4 page at 200 dpi. ONNX Runtime's activations grow
with the pixels the text detector looks at, so it looks at horizontal bands of at most
``DET_BAND_PIXELS`` (``BandedDetector``) instead of the whole image: a 200-dpi A4 page then peaks at
~550 MB for the process instead of ~660 MB, a 1280×960 photo at ~420 MB instead of ~500–570 MB, and
a larger image no longer costs more. One engine per process, created on first use, and a lock so that
threads of one process never run two pages at once (ONNX Runtime already spreads one page over the
cores it is given). Parallelism across processes is the flow's business: ``Limits.ocr_workers``
processes, each given ``cpu_count // ocr_workers`` threads (``ocr_threads``) so the workers do not
oversubscribe the cores.

A red seal stamped over black text is the common obstacle on scans of official documents: the engine
either reads the seal's characters or misses the line below. Taking the brightest channel of each pixel
turns red ink light while black print stays black, so such pages are read through that view first.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import tempfile
import threading
import time
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

# The detector sees the page in horizontal bands of at most this many pixels, overlapping by
# ``DET_BAND_OVERLAP`` px: a line up to that tall lies whole in the band whose core holds its centre.
DET_BAND_PIXELS = 1_000_000
DET_BAND_OVERLAP = 128

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
        engine = RapidOCR(intra_op_num_threads=n, inter_op_num_threads=1)
        engine.text_det = BandedDetector(engine.text_det)
        _engine = engine
    return _engine


class BandedDetector:
    """RapidOCR's text detector, run over horizontal bands of a large image instead of all of it.

    Only images the wrapped detector would look at as they are (no upscaling) are banded, so each
    band is seen at the very scale the whole would be. A box is kept only from the band whose core
    (up to the middle of its overlap with each neighbour) holds its centre: the cores tile the image,
    so a line no taller than the overlap is found once, in a band that holds it whole. Text taller
    than the overlap (a banner in a photo) is cut by every band edge it crosses; its pieces are
    joined into one box.
    """

    def __init__(
        self, inner: Any, max_pixels: int = DET_BAND_PIXELS, overlap: int = DET_BAND_OVERLAP
    ) -> None:
        self.inner = inner
        self.max_pixels = max_pixels
        self.overlap = overlap

    def __getattr__(self, name: str) -> Any:
        # RapidOCR reaches into its detector (thresholds, the session): let it reach the wrapped one.
        return getattr(self.inner, name)

    def bands(self, height: int, width: int) -> list[tuple[int, int]]:
        """(top, bottom) of each band, multiples of 32, of an image already sized to multiples of 32
        as the detector sizes it; one band when the image is small or would be rescaled."""
        rescaled = self.inner.limit_type != "min" or min(height, width) < self.inner.limit_side_len
        if rescaled or height * width <= self.max_pixels:
            return [(0, height)]
        unit, rows, overlap = 32, -(-height // 32), -(-self.overlap // 32)
        widest = max(2 * overlap, self.max_pixels // width // unit)
        if widest >= rows:
            return [(0, height)]
        # As few bands as the budget allows, all of one height: the overlaps are the only extra work.
        count = -(-(rows - overlap) // (widest - overlap))
        band = -(-(rows - overlap) // count) + overlap
        step = (rows - band) / (count - 1)
        return [(round(k * step) * unit, min(height, (round(k * step) + band) * unit)) for k in range(count)]

    def __call__(self, img: np.ndarray) -> tuple[np.ndarray | None, float]:
        import cv2
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

        started = time.perf_counter()
        height, width = img.shape[:2]
        # The size the detector itself would give the whole image (multiples of 32, no other change):
        # each band then holds exactly the pixels the network would see of the whole.
        sized_h, sized_w = max(32, round(height / 32) * 32), max(32, round(width / 32) * 32)
        bands = self.bands(sized_h, sized_w)
        if len(bands) == 1:
            return self.inner(img)
        sized = img if (sized_h, sized_w) == (height, width) else cv2.resize(img, (sized_w, sized_h))
        # The detector's own normalisation; a band is already a multiple of 32, so nothing is resized.
        prepare = DetPreProcess(10**9, "max", self.inner.mean, self.inner.std)
        # Each band's core ends mid-way through its overlap with the next (the last band may overlap
        # its neighbour by more): the cores tile the image.
        cuts = [0.0] + [(nxt[0] + cur[1]) / 2 for cur, nxt in itertools.pairwise(bands)]
        cuts.append(float(sized_h))
        near = self.overlap / 4  # the detector's box of cut text stops short of the edge by a few px
        kept: list[np.ndarray] = []
        pieces: list[np.ndarray] = []  # boxes cut by a band's inner edge
        for k, (top, bottom) in enumerate(bands):
            preds = self.inner.infer(prepare(sized[top:bottom]))[0]
            shape = (bottom - top, sized_w)
            boxes, _scores = self.inner.postprocess_op(preds, shape)
            for box in self.inner.filter_tag_det_res(boxes, shape):
                ys = box[:, 1]
                placed = box + np.array([0.0, top], dtype=np.float32)
                if (top > 0 and ys.min() <= near) or (bottom < sized_h and ys.max() >= bottom - top - near):
                    pieces.append(placed)
                elif cuts[k] <= float(ys.mean()) + top < cuts[k + 1]:
                    kept.append(placed)
        kept.extend(_join_pieces(pieces, kept))
        if not kept:
            return None, time.perf_counter() - started
        found = np.array(kept, dtype=np.float32)
        found *= np.array([width / sized_w, height / sized_h], dtype=np.float32)
        return found, time.perf_counter() - started


def _extent(box: np.ndarray) -> tuple[float, float, float, float]:
    return float(box[:, 0].min()), float(box[:, 1].min()), float(box[:, 0].max()), float(box[:, 1].max())


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _join_pieces(pieces: list[np.ndarray], whole: list[np.ndarray]) -> list[np.ndarray]:
    """Boxes near a band's edge, each line among them made one box.

    A piece mostly inside a box kept whole is that line's cut copy: dropped. The rest is text
    taller than the overlap, cut in every band that holds part of it, or a line that lies near the
    edges of both bands that hold it: pieces that touch are joined into their bounding box.
    """
    extents = [_extent(b) for b in whole]
    left_over: list[tuple[float, float, float, float]] = []
    for piece in pieces:
        left, top, right, bottom = _extent(piece)
        area = max(1.0, (right - left) * (bottom - top))
        if not any(
            _overlap((left, right), (e[0], e[2])) * _overlap((top, bottom), (e[1], e[3])) > 0.5 * area
            for e in extents
        ):
            left_over.append((left, top, right, bottom))
    groups = left_over
    merged = True
    while merged:  # join touching boxes until none touch: a line's pieces may meet only via a third
        merged = False
        for i, j in itertools.combinations(range(len(groups)), 2):
            a, b = groups[i], groups[j]
            if _overlap((a[0] - 2, a[2] + 2), (b[0], b[2])) and _overlap((a[1] - 2, a[3] + 2), (b[1], b[3])):
                joined = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                groups = [g for k, g in enumerate(groups) if k not in (i, j)] + [joined]
                merged = True
                break
    return [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32) for x0, y0, x1, y1 in groups]


def _run_engine(pixels: np.ndarray, threads: int | None) -> list[_Box]:
    global engine_calls
    with _engine_lock:
        engine = _get_engine(threads)
        engine_calls += 1
        return _read_boxes(engine, pixels)


def _read_boxes(engine: Any, pixels: np.ndarray) -> list[_Box]:
    """RapidOCR's own steps (scale, detect, crop, orient, recognise), with one guard added.

    The orientation classifier turns a crop it takes for upside down; on upright scans it does so
    now and then with high confidence for a slightly tilted line, which is then read as nothing and
    the line is lost. A turned crop is therefore read both ways and the better reading kept.
    """
    pixels = engine.load_img(pixels)
    raw_h, raw_w = pixels.shape[:2]
    img, ratio_h, ratio_w = engine.preprocess(pixels)
    img, op_record = engine.maybe_add_letterbox(img, {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}})
    found, _elapsed = engine.auto_text_det(img)
    if found is None:
        return []
    crops = engine.get_crop_img_list(img, found)
    oriented, orientations, _elapsed = engine.text_cls(crops)
    readings, _elapsed = engine.text_rec(oriented, False)
    threshold = engine.text_cls.cls_thresh
    turned = [k for k, (label, score) in enumerate(orientations) if "180" in label and score > threshold]
    if turned:
        upright, _elapsed = engine.text_rec([crops[k] for k in turned], False)
        for k, other in zip(turned, upright, strict=True):
            if other[1] > readings[k][1]:
                readings[k] = other
    points = engine._get_origin_points(found, op_record, raw_h, raw_w)
    boxes: list[_Box] = []
    for quad, (text, score, *_rest) in zip(points, readings, strict=True):
        if text.strip() and float(score) >= engine.text_score:
            xs, ys = quad[:, 0], quad[:, 1]
            boxes.append(_Box(text.strip(), float(score), float(xs.min()), float(ys.min()), float(ys.max())))
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
