"""Readers of every evidence format. Each module registers itself with ``@reader(...)``."""

from __future__ import annotations

import importlib

from pipeline.readers.base import ReadContext, detect_format, read_evidence, reader, registered_formats

# The module that reads each detected format. A reader process loads only the modules of the formats
# it meets (a batch of photos needs neither pdfminer nor openpyxl); ``load_readers`` loads them all.
MODULE_OF_FORMAT: dict[str, str] = {
    "docx": "docx",
    "pdf": "pdf",
    "image": "image",
    "xlsx": "spreadsheet",
    "xls": "spreadsheet",
    "zip": "archive",
    "ofd": "ofd",
    "doc": "legacy",
    "txt": "text",
}


def load_reader(fmt: str) -> None:
    """Import the module that registers the reader of ``fmt``, if there is one."""
    name = MODULE_OF_FORMAT.get(fmt)
    if name is not None:
        importlib.import_module(f"pipeline.readers.{name}")


def load_readers() -> None:
    for fmt in MODULE_OF_FORMAT:
        load_reader(fmt)


__all__ = [
    "ReadContext",
    "detect_format",
    "load_reader",
    "load_readers",
    "read_evidence",
    "reader",
    "registered_formats",
]
