"""OCR helpers: line order, the seal-light view, the cache, and an engine that never goes online."""

from __future__ import annotations

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
sessions = [engine.text_det.infer.session, engine.text_cls.infer.session, engine.text_rec.session.session]
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
