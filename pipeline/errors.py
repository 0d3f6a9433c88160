"""Typed errors of the library. Imports nothing of ours, so every layer may raise them.

The CLI turns them into Chinese messages; the batch turns reader errors into per-file problems.
Every error carries a user-facing Chinese ``message`` (what the office reads) separately from the
developer-facing ``str()``.
"""

from __future__ import annotations


class EvidenceDeskError(Exception):
    """Base class. ``message`` is the Chinese text shown to users."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message if not detail else f"{message}（{detail}）")
        self.message = message
        self.detail = detail


class RubricError(EvidenceDeskError):
    """The rubric file cannot be read or has no recognisable structure."""


class DepartmentsFileError(EvidenceDeskError):
    """departments.toml is missing, malformed or inconsistent."""


class ConfigError(EvidenceDeskError):
    """The configuration file or environment is invalid."""


class ReaderError(EvidenceDeskError):
    """A file could not be turned into text. ``code`` is a stable machine-readable reason."""

    code = "read_error"


class UnsupportedFileType(ReaderError):
    code = "unsupported"


class DocumentLoadError(ReaderError):
    """The file is damaged, encrypted, empty or otherwise cannot be opened."""

    code = "load_error"

    def __init__(self, message: str, *, detail: str = "", code: str | None = None) -> None:
        super().__init__(message, detail=detail)
        if code:
            self.code = code


class ExtractionError(ReaderError):
    """The file opened but its text could not be extracted (e.g. OCR found nothing)."""

    code = "extraction_error"

    def __init__(self, message: str, *, detail: str = "", code: str | None = None) -> None:
        super().__init__(message, detail=detail)
        if code:
            self.code = code


class MissingToolError(ReaderError):
    """An optional external tool (LibreOffice) is needed but not installed."""

    code = "missing_tool"


class LedgerError(EvidenceDeskError):
    """The state database cannot be opened or written."""


class MailError(EvidenceDeskError):
    """A message could not be delivered (after retries)."""
