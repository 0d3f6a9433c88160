"""How a run groups files into read batches: many per Prefect task, OCR-bound ones in smaller
batches, photos first and together, every file exactly once."""

from __future__ import annotations

from pipeline.models import FileFormat, SourceFile
from pipeline.stages import make_batches

MB = 1 << 20


def _file(rel_path: str, fmt: FileFormat, size: int = 10_000) -> SourceFile:
    return SourceFile(f"/inbox/{rel_path}", rel_path, "县应急管理局", "县应急局", rel_path, size, 0.0, fmt)


def test_every_file_once_photos_first_then_by_path() -> None:
    files = [
        _file("县应急局/b.docx", "docx"),
        _file("县应急局/现场/IMG_2.jpg", "image"),
        _file("县应急局/a.pdf", "pdf"),
        _file("县应急局/现场/IMG_1.jpg", "image"),
        _file("县应急局/c.xlsx", "xlsx"),
    ]
    order = [f.rel_path for batch in make_batches(files) for f in batch]
    assert order == [
        "县应急局/现场/IMG_1.jpg",
        "县应急局/现场/IMG_2.jpg",
        "县应急局/a.pdf",
        "县应急局/b.docx",
        "县应急局/c.xlsx",
    ]


def test_batches_are_bounded_by_count_and_by_weight() -> None:
    words = [_file(f"县住建局/{i:03}.docx", "docx") for i in range(120)]
    assert [len(b) for b in make_batches(words)] == [50, 50, 20]
    # an image or PDF weighs 8 MB more than its size: the slow ones are shared out in small batches
    photos = [_file(f"县住建局/IMG_{i:03}.jpg", "image", size=2 * MB) for i in range(20)]
    sizes = [len(b) for b in make_batches(photos)]
    assert sum(sizes) == 20 and max(sizes) == 6  # 6 × 10 MB ≤ 64 MB < 7 × 10 MB
