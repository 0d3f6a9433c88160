"""One reader per file format behind one registry keyed by the detected type.

Detection looks at magic bytes first and the suffix second, so a ``.docx`` that is really a PDF is
read as a PDF (and a PDF named ``.docx`` is not fed to python-docx). Readers register themselves
with ``@reader("pdf")``; ``read_evidence`` dispatches. A reader turns library failures into
``DocumentLoadError`` / ``ExtractionError`` (``raise … from e``); unexpected exceptions propagate.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Limits
from pipeline.errors import UnsupportedFileType
from pipeline.models import Evidence, FileFormat, SourceFile
from pipeline.readers.common import ole_stream_names


@dataclass(frozen=True)
class ReadContext:
    """What a reader may use besides the file: limits, a scratch folder of its own, the OCR cache."""

    limits: Limits
    scratch: Path  # a private folder for temporary files (LibreOffice output, rendered pages)
    ocr_cache: Path | None = None  # folder for OCR results keyed by content hash
    workers: int = 0  # reader processes to read in (``pipeline.readpool``); 0: this process


Reader = Callable[[SourceFile, ReadContext], Evidence]

_READERS: dict[str, Reader] = {}


def reader(*formats: str) -> Callable[[Reader], Reader]:
    """Register ``fn`` as the reader of ``formats``. Two readers for one format is a bug."""

    def register(fn: Reader) -> Reader:
        for fmt in formats:
            if fmt in _READERS and _READERS[fmt] is not fn:
                raise RuntimeError(f"two readers registered for {fmt}")
            _READERS[fmt] = fn
        return fn

    return register


SUFFIXES: dict[str, FileFormat] = {
    ".docx": "docx",
    ".docm": "docx",
    ".pdf": "pdf",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".bmp": "image",
    ".tif": "image",
    ".tiff": "image",
    ".webp": "image",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".et": "doc",
    ".zip": "zip",
    ".ofd": "ofd",
    ".doc": "doc",
    ".wps": "doc",
    ".dps": "doc",
    ".txt": "txt",
    ".md": "txt",
    ".csv": "txt",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(path: Path, head: bytes | None = None) -> FileFormat:
    """Magic bytes first, suffix second. A zip container is told apart by its members."""
    suffix = path.suffix.lower()
    by_suffix = SUFFIXES.get(suffix, "unknown")
    if head is None:
        try:
            with open(path, "rb") as f:
                head = f.read(16)
        except OSError:
            return by_suffix
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:3] == b"\xff\xd8\xff" or head.startswith(b"\x89PNG") or head[:2] == b"BM":
        return "image"
    if head[:4] in (b"II*\x00", b"MM\x00*") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.startswith(_OLE_MAGIC):
        # A password-protected .docx/.xlsx is an OLE file: its own reader says "encrypted".
        if by_suffix in ("docx", "xlsx") and {"EncryptionInfo", "EncryptedPackage"} <= (
            ole_stream_names(path) or set()
        ):
            return by_suffix
        # Legacy Office: .xls is read by xlrd; the rest (.doc/.wps, WPS .et/.dps) go through LibreOffice.
        return "xls" if suffix == ".xls" or by_suffix == "xlsx" else "doc"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path, by_suffix)
    if by_suffix in ("docx", "xlsx", "zip", "ofd", "pdf", "image", "xls", "doc"):
        # The suffix promises a binary format the bytes do not have: let the reader say why.
        return by_suffix
    return by_suffix


def _zip_kind(path: Path, by_suffix: FileFormat) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist()[:2000])
    except (zipfile.BadZipFile, OSError, ValueError):
        return by_suffix if by_suffix in ("docx", "xlsx", "ofd", "zip") else "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def read_evidence(source: SourceFile, context: ReadContext) -> Evidence:
    """Read one file with the reader registered for its detected format."""
    # Import the format's reader module so that it registers itself.
    from pipeline.readers import load_reader

    load_reader(source.format)
    fn = _READERS.get(source.format)
    if fn is None:
        raise UnsupportedFileType(
            "不支持的文件类型", detail=f"{source.format} {Path(source.rel_path).suffix}"
        )
    return fn(source, context)


def registered_formats() -> list[str]:
    from pipeline.readers import load_readers

    load_readers()
    return sorted(_READERS)
