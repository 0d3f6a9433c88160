"""Image reader: EXIF time and camera, caption by OCR, hostile images refused before decoding."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from pipeline import ocr
from pipeline.config import Limits
from pipeline.errors import DocumentLoadError
from pipeline.models import Evidence
from pipeline.readers import ReadContext, read_evidence
from pipeline.readers.image import photo_metadata
from tests.builders.scans import CAPTION, build_photo, build_png_bomb, build_truncated_jpeg, source_file


def read(path: Path, tmp_path: Path, limits: Limits | None = None) -> Evidence:
    ctx = ReadContext(limits=limits or Limits(), scratch=tmp_path / "scratch", ocr_cache=tmp_path / "ocr")
    return read_evidence(source_file(path), ctx)


def test_exif_time_and_camera(tmp_path: Path) -> None:
    path = build_photo(
        tmp_path / "meeting.jpg", taken_at=datetime(2022, 6, 16, 14, 5, 9), model="Canon EOS 80D"
    )
    with Image.open(path) as image:
        taken_at, meta = photo_metadata(image)
    assert taken_at == "2022-06-16T14:05:09"
    assert ("camera", "Canon EOS 80D") in meta  # Make "Canon" is not repeated
    assert ("size", "1600×1200") in meta


def test_photo_without_exif_time_has_none(tmp_path: Path) -> None:
    path = build_photo(tmp_path / "meeting.png", taken_at=None, fmt="PNG")
    with Image.open(path) as image:
        taken_at, meta = photo_metadata(image)
    assert taken_at is None
    assert not any(k == "taken_at" for k, _ in meta)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("limit", [80_000_000, 600_000_000], ids=["pillow-refuses", "over-by-half"])
def test_decompression_bomb_is_refused_from_the_header(tmp_path: Path, limit: int) -> None:
    # 30,000 × 30,000 = 900 megapixels: over twice the default limit Pillow itself refuses; at 1.5×
    # it would only warn, and the reader's own check must refuse.
    path = build_png_bomb(tmp_path / "bomb.png")
    assert path.stat().st_size < 2000
    calls = ocr.engine_calls
    with pytest.raises(DocumentLoadError) as info:
        read(path, tmp_path, Limits(max_image_pixels=limit))
    assert info.value.code == "too_large"  # decoding would have ended in "corrupt": the data is cut
    assert info.value.message.startswith("图片尺寸过大（") and "900 百万像素" in info.value.message
    assert ocr.engine_calls == calls


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(DocumentLoadError) as info:
        read(build_truncated_jpeg(tmp_path / "cut.jpg"), tmp_path)
    assert info.value.code == "corrupt"
    assert "不完整" in info.value.message


def test_garbage_named_jpg_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20)
    with pytest.raises(DocumentLoadError) as info:
        read(path, tmp_path)
    assert info.value.code == "corrupt"


def test_empty_image_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"")
    with pytest.raises(DocumentLoadError) as info:
        read(path, tmp_path)
    assert info.value.code == "empty"


@pytest.mark.ocr
def test_meeting_photo_caption_and_time(tmp_path: Path) -> None:
    ev = read(build_photo(tmp_path / "启动仪式.jpg"), tmp_path)
    assert ev.ok and ev.ocr and ev.source.format == "image"
    assert ev.taken_at == "2022-06-01T09:30:15"
    assert ("camera", "HUAWEI P40") in ev.meta
    assert CAPTION in ev.text.replace(" ", "")
    assert ev.ocr_confidence is not None and ev.ocr_confidence > 0.5
