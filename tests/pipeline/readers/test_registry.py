"""The registry: each detected format is read by the module ``MODULE_OF_FORMAT`` names, and a reader
process loads only the modules of the formats it meets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.readers import MODULE_OF_FORMAT, load_readers, registered_formats
from pipeline.readers.base import _READERS

ROOT = Path(__file__).resolve().parents[3]


def test_each_format_is_read_by_the_module_named_for_it() -> None:
    load_readers()
    assert set(registered_formats()) == set(MODULE_OF_FORMAT)
    for fmt, module in MODULE_OF_FORMAT.items():
        assert _READERS[fmt].__module__ == f"pipeline.readers.{module}", fmt


_PROBE = """
import sys
from pathlib import Path
from pipeline.config import Limits
from pipeline.models import SourceFile
from pipeline.readers import ReadContext, detect_format, read_evidence
path = Path(sys.argv[1])
source = SourceFile(str(path), path.name, None, "", "0" * 64, path.stat().st_size, 0.0, detect_format(path))
ev = read_evidence(source, ReadContext(limits=Limits(), scratch=path.parent))
print(ev.text.strip())
print(sorted(m for m in ("pdfminer", "pdfplumber", "openpyxl", "docx", "rapidocr_onnxruntime") if m in sys.modules))
"""


def test_reading_a_text_file_loads_no_other_format_library(tmp_path: Path) -> None:
    note = tmp_path / "说明.txt"
    note.write_text("燃气安全专项整治工作情况说明", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(note)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["燃气安全专项整治工作情况说明", "[]"]
