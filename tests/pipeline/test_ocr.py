"""OCR helpers: line order, the seal-light view, the cache, and an engine that never goes online."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline import ocr
from pipeline.ocr import OcrResult, _Box, _result, _seal_light, ocr_cached, ocr_threads


def test_boxes_are_ordered_into_lines_top_to_bottom_left_to_right() -> None:
    # A slightly rotated scan: the right half of each line sits a few pixels lower.
    boxes = [
        _Box("12号", 0.9, 620, 108, 146),
        _Box("2022年3月15日", 0.8, 500, 410, 450),
        _Box("蓬安办发〔2022〕", 0.95, 300, 100, 140),
        _Box("关于开展安全生产大检查的通知", 0.7, 200, 200, 245),
    ]
    result = _result(boxes)
    assert result.text == "蓬安办发〔2022〕 12号\n关于开展安全生产大检查的通知\n2022年3月15日"
    assert result.lines == 3
    assert result.confidence == pytest.approx((0.9 + 0.8 + 0.95 + 0.7) / 4)
    assert _result([]) == OcrResult(text="", confidence=None, lines=0)


def test_seal_light_turns_seal_red_white_and_keeps_black_print() -> None:
    seal_red, black, red_over_black, paper = (200, 16, 28), (20, 20, 20), (20, 2, 3), (245, 245, 240)
    rgb = np.array([[seal_red, black, red_over_black, paper]], dtype=np.uint8)
    light = _seal_light(rgb)[0, :, 0]
    assert light[0] == 255 and light[3] == 255
    assert light[1] < 40 and light[2] < 40


def test_cache_hit_does_not_render(tmp_path: Path) -> None:
    calls = ocr.engine_calls

    def render() -> Image.Image:
        raise AssertionError("rendered although cached")

    entry = ocr._cache_path(tmp_path, "abc-p1-200dpi")
    entry.write_text(
        json.dumps({"text": "蓬安办发【2022】12号", "confidence": 0.9, "lines": 1}), encoding="utf-8"
    )
    assert ocr_cached("abc-p1-200dpi", render, tmp_path) == OcrResult("蓬安办发【2022】12号", 0.9, 1)
    assert ocr.engine_calls == calls


def test_threads_share_the_cores_between_workers() -> None:
    assert ocr_threads(1) >= 1
    assert ocr_threads(1000) == 1
    assert ocr_threads(2) <= ocr_threads(1)


_OFFLINE_PROBE = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(event) if event.startswith(("socket.", "urllib.")) else None)
from PIL import Image, ImageDraw, ImageFont
from pipeline import ocr
image = Image.new("RGB", (520, 90), "white")
font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 40)
ImageDraw.Draw(image).text((20, 20), "安全生产大检查", font=font, fill="black")
result = ocr.ocr_image(image, threads=1)
engine = ocr._get_engine(None)
sessions = [engine.text_det.inner.infer.session, engine.text_cls.infer.session, engine.text_rec.session.session]
print(result.text)
print([s.get_session_options().intra_op_num_threads for s in sessions])
print(opened)
"""


@pytest.mark.ocr
def test_engine_is_offline_and_honours_the_thread_limit() -> None:
    # A fresh process, so that creating the engine (loading the models) is inside the audit.
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _OFFLINE_PROBE],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert out[-3].replace(" ", "") == "安全生产大检查"
    assert out[-2] == "[1, 1, 1]"
    assert out[-1] == "[]"  # no socket was created, no URL opened


def _page_of_lines(lines: list[str], *, width: int, pitch: int, px: int) -> Image.Image:
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", (width, pitch * (len(lines) + 1)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", px)
    for k, line in enumerate(lines):
        draw.text((40, pitch // 2 + k * pitch), line, font=font, fill="black")
    return image


@pytest.mark.ocr
def test_bands_cover_the_image_overlap_and_stay_within_the_pixel_budget() -> None:
    banded = ocr.BandedDetector(ocr._get_engine(1).text_det.inner, max_pixels=300_000, overlap=160)
    assert banded.bands(500, 500) == [(0, 500)]  # small enough: looked at whole
    assert banded.bands(90, 5000) == [(0, 90)]  # the detector scales it up: looked at whole
    for height, width in [(2000, 1414), (960, 1280), (5000, 736), (1000, 3000)]:
        bands = banded.bands(height, width)
        assert len(bands) > 1
        assert bands[0][0] == 0 and bands[-1][1] == height
        for (top, bottom), (next_top, _next_bottom) in itertools.pairwise(bands):
            assert top < next_top and bottom - next_top >= 160  # every line up to 160 px lies whole in one
        for top, bottom in bands:
            assert bottom - top <= max(2 * 160, 300_000 // width)


@pytest.mark.ocr
def test_a_page_read_in_bands_reads_every_line_once() -> None:
    lines = [f"第{k}项隐患已于{k}月整改完毕" for k in range(1, 25)]
    page = _page_of_lines(lines, width=900, pitch=64, px=34)
    engine = ocr._get_engine(None)
    detector = engine.text_det
    assert isinstance(detector, ocr.BandedDetector)
    # 900 px wide, 1,600 px tall: bands of 320 px, so most lines cross a band's edge somewhere.
    assert len(ocr.BandedDetector(detector.inner, 250_000).bands(page.height, page.width)) >= 8
    try:
        engine.text_det = ocr.BandedDetector(detector.inner, max_pixels=250_000)
        banded = ocr.ocr_image(page).text.replace(" ", "").splitlines()
    finally:
        engine.text_det = detector
    assert banded == lines


class _TurnsEverything:
    """The real classifier's answer replaced by "upside down" for every crop, as it sometimes
    says, confidently and wrongly, of one tilted line on an upright scan."""

    cls_thresh = 0.9

    def __call__(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list[list[object]], float]:
        import cv2

        return [cv2.rotate(c, cv2.ROTATE_180) for c in crops], [["180", 0.99] for _ in crops], 0.0


@pytest.mark.ocr
def test_a_line_wrongly_turned_upside_down_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    page = np.asarray(_page_of_lines(["安全生产大检查工作方案"], width=560, pitch=80, px=40))
    engine = ocr._get_engine(None)
    monkeypatch.setattr(engine, "text_cls", _TurnsEverything())
    plain, _elapsed = engine(page)  # RapidOCR's own steps read the turned crop only
    assert not plain or "".join(t for _p, t, _s in plain) != "安全生产大检查工作方案"
    assert [b.text for b in ocr._read_boxes(engine, page)] == ["安全生产大检查工作方案"]


@pytest.mark.ocr
def test_text_taller_than_the_overlap_is_read_whole() -> None:
    from PIL import ImageDraw, ImageFont

    lines = [f"第{k}项隐患已整改" for k in range(1, 9)]
    page = _page_of_lines([*lines[:4], "", "", "", "", *lines[4:]], width=900, pitch=64, px=34)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 200)
    ImageDraw.Draw(page).text((40, 290), "安全第一", font=font, fill="black")  # a banner, 200 px tall
    assert len(ocr.BandedDetector(ocr._get_engine(None).text_det.inner, 250_000).bands(page.height, 900)) >= 4
    engine = ocr._get_engine(None)
    detector = engine.text_det
    try:
        engine.text_det = ocr.BandedDetector(detector.inner, max_pixels=250_000)
        text = ocr.ocr_image(page).text.replace(" ", "").splitlines()
    finally:
        engine.text_det = detector
    assert text == [*lines[:4], "安全第一", *lines[4:]]
