"""Readers of every evidence format. Each module registers itself with ``@reader(...)``."""

from __future__ import annotations

import importlib

from pipeline.readers.base import ReadContext, detect_format, read_evidence, reader, registered_formats

# One module per format family; a missing module (not written yet) is simply not registered.
_MODULES = ("docx", "pdf", "image", "spreadsheet", "archive", "ofd", "legacy", "text")
_loaded = False


def load_readers() -> None:
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        try:
            importlib.import_module(f"pipeline.readers.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"pipeline.readers.{name}":
                raise
    _loaded = True


__all__ = ["ReadContext", "detect_format", "load_readers", "read_evidence", "reader", "registered_formats"]
