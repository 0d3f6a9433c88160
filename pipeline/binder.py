"""The evidence binder ``outbox/binder/`` handed to the inspectors (issue 5 §5).

Folders follow the rubric (``一、加强组织领导/（一）责任落实/1/``, bonus items under ``加分项/B1/``), each file
named ``<sub-item>_<original name>`` and listed in ``目录.xlsx`` in rubric order.

Which files go in (decided per cell, not per sub-item: a sub-item whose cells are 完成 + 待确认 is
待确认 as a whole, yet the 完成 department's evidence is good):

- the file is in the evidence of a cell whose status is 完成 or 部分 (so it was submitted or issued by a
  responsible department, and is not a duplicate);
- its match to that sub-item is ``confident`` or ``manual`` (a ``review`` match waits for a person);
- it has no problem of its own (``Understood.problems``): an encrypted or broken file cannot be shown.
  Evidence of another year is kept: the cell says 部分 and the 日期 column shows it.
- bonus items: the files ``Matrix.bonus_evidence`` lists.

A file matched to two sub-items is copied to both. Files are copied (``shutil.copy2``), never moved.
Rebuilding is idempotent: a manifest (``.binder.json``) records what the binder itself wrote; a later
build removes those of its files that are no longer wanted, leaves other files alone, skips copies whose
size and mtime already match, and never writes outside the binder folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from pipeline.atomic import atomic_path, atomic_write_text
from pipeline.matrix import Matrix
from pipeline.models import Understood

INDEX_NAME = "目录.xlsx"
MANIFEST_NAME = ".binder.json"
INDEX_HEADER = ("序号", "指标", "文件", "部门", "文号", "日期", "页数")
MTIME_TOLERANCE = 2.0  # seconds: FAT and some SMB shares keep mtimes to 2 s
MAX_NAME_BYTES = 180  # well under the 255-byte limit of ext4/NTFS, room for a hash suffix
_FORMULA_START = ("=", "+", "-", "@")
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# File-system names
# --------------------------------------------------------------------------------------------


def _truncate_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def safe_component(name: str, *, fallback: str = "未命名", max_bytes: int = MAX_NAME_BYTES) -> str:
    """One path component that every file system accepts (Windows included); Chinese is kept.

    Characters Windows forbids and control characters become ``_``; leading dots (hidden files, ``..``)
    and trailing dots/spaces are dropped; reserved device names get a ``_`` prefix; the name is cut to
    ``max_bytes`` of UTF-8, keeping its suffix.
    """
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip().lstrip(".").rstrip(". ")
    if not text:
        return fallback
    if _RESERVED.match(text):
        text = "_" + text
    if len(text.encode("utf-8")) > max_bytes:
        stem, dot, suffix = text.rpartition(".")
        if dot and 0 < len(suffix) <= 10 and stem:
            text = (
                _truncate_bytes(stem, max_bytes - len(suffix.encode("utf-8")) - 1).rstrip(". ") + "." + suffix
            )
        else:
            text = _truncate_bytes(text, max_bytes).rstrip(". ")
    return text or fallback


def original_name(rel_path: str) -> str:
    """The file's own name: the last component, of the zip member for ``a.zip!/b/c.docx``."""
    return PurePosixPath(rel_path.split("!/")[-1]).name or rel_path


# --------------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BinderEntry:
    """One copy in the binder: which file, for which sub-item, where (relative to the binder, '/')."""

    sub_item_id: str
    label: str  # 指标 column: id and short text
    rel_path: str  # the source, relative to the inbox
    target: str
    department: str
    doc_numbers: str
    date: str
    pages: int


@dataclass(frozen=True)
class BinderResult:
    folder: Path
    entries: tuple[BinderEntry, ...]  # in the binder, rubric order (what 目录.xlsx lists)
    copied: tuple[str, ...]  # targets copied in this build
    unchanged: tuple[str, ...]  # targets already up to date
    removed: tuple[str, ...]  # targets of an earlier build no longer wanted
    missing: tuple[str, ...]  # rel_paths whose source no longer exists (e.g. a cleaned zip scratch area)
    index: Path


def binder_selection(matrix: Matrix) -> list[tuple[str, Understood]]:
    """(sub-item id, file) pairs that go into the binder, in rubric order; see the module docstring."""
    by_path = {u.source.rel_path: u for u in matrix.files}
    out: list[tuple[str, Understood]] = []
    seen: set[tuple[str, str]] = set()

    def add(sub_id: str, u: Understood | None) -> None:
        if u is None or u.problems or u.duplicate_of or (sub_id, u.source.rel_path) in seen:
            return
        statuses = {m.status for m in u.matches if m.sub_item_id == sub_id}
        if statuses & {"confident", "manual"}:
            seen.add((sub_id, u.source.rel_path))
            out.append((sub_id, u))

    for sub in matrix.sub_items:
        if not sub.cells:  # no responsible department: judged on every file
            if sub.status in ("完成", "部分"):
                for u in matrix.files:
                    add(sub.sub_item_id, u)
            continue
        for cell in sub.cells:
            if cell.status in ("完成", "部分"):
                for path in cell.evidence:
                    add(sub.sub_item_id, by_path.get(path))
    bonus_ids = {b.id for b in matrix.rubric.bonus.items} if matrix.rubric.bonus else set()
    for bonus_id, paths in matrix.bonus_evidence:
        if bonus_id in bonus_ids:
            for path in paths:
                add(bonus_id, by_path.get(path))
    return out


def _folder_of(matrix: Matrix, sub_id: str) -> tuple[tuple[str, ...], str]:
    rubric = matrix.rubric
    if rubric.bonus is not None:
        for b in rubric.bonus.items:
            if b.id == sub_id:
                text = b.text if len(b.text) <= 40 else b.text[:39] + "…"
                bonus: tuple[str, ...] = (
                    safe_component(rubric.bonus.title or "加分项"),
                    safe_component(b.id),
                )
                return bonus, f"{b.id} {text}"
    part, category, item, sub = rubric.locate(sub_id)
    folders = (
        safe_component(f"{part.no}、{part.title}"),
        safe_component(f"（{category.no}）{category.title}"),
        safe_component(str(item.no)),
    )
    return folders, f"{sub.id} {sub.short_text}"


def plan_binder(matrix: Matrix) -> list[BinderEntry]:
    """Where each selected file goes; a clash of names in one folder gets a short content-hash suffix."""
    entries: list[BinderEntry] = []
    taken: set[str] = set()
    for sub_id, u in binder_selection(matrix):
        folders, label = _folder_of(matrix, sub_id)
        name = safe_component(f"{sub_id}_{original_name(u.source.rel_path)}")
        target = "/".join((*folders, name))
        if target.casefold() in taken:  # case-insensitive: Windows and macOS shares
            stem, dot, suffix = name.rpartition(".")
            base, ext = (stem, dot + suffix) if dot and stem else (name, "")
            digest = u.source.sha256 or hashlib.sha256(u.source.rel_path.encode("utf-8")).hexdigest()
            for length in (8, 16, 64):
                candidate = "/".join((*folders, safe_component(f"{base}_{digest[:length]}{ext}")))
                if candidate.casefold() not in taken:
                    target = candidate
                    break
        taken.add(target.casefold())
        entries.append(
            BinderEntry(
                sub_item_id=sub_id,
                label=label,
                rel_path=u.source.rel_path,
                target=target,
                department=u.department or "",
                doc_numbers="；".join(dict.fromkeys(d.canonical for d in u.facts.doc_numbers)),
                date=u.facts.date.isoformat() if u.facts.date else "",
                pages=u.pages,
            )
        )
    return entries


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def _source_path(u: Understood, inbox: Path) -> Path:
    # A zip member only exists in the scratch area it was extracted to.
    return Path(u.source.path) if u.source.container else inbox / u.source.rel_path


def _inside(folder: Path, rel: str) -> Path | None:
    """``folder/rel`` when it stays inside ``folder`` (a manifest could have been edited by hand)."""
    if not rel or rel.startswith("/") or ".." in PurePosixPath(rel).parts:
        return None
    path = folder / rel
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    return path


def _read_manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _up_to_date(src: os.stat_result, dst: Path) -> bool:
    try:
        st = dst.stat()
    except OSError:
        return False
    return st.st_size == src.st_size and abs(st.st_mtime - src.st_mtime) <= MTIME_TOLERANCE


def _prune_empty(folder: Path, start: Path) -> None:
    here = start
    root = folder.resolve()
    while here.resolve() != root and root in here.resolve().parents:
        try:
            here.rmdir()  # only succeeds when empty
        except OSError:
            return
        here = here.parent


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]


def _index_rows(entries: list[BinderEntry]) -> list[tuple[object, ...]]:
    return [
        (n, e.label, e.target, e.department, e.doc_numbers, e.date, e.pages or "")
        for n, e in enumerate(entries, 1)
    ]


def write_index(rows: list[tuple[object, ...]], path: Path) -> None:
    """``目录.xlsx``; a value that starts like a formula (``=HYPERLINK(…)``) is stored as text."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "目录"
    for col, title in enumerate(INDEX_HEADER, 1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, str):
                cell.value = _text(value)
                if value.startswith(_FORMULA_START):
                    cell.data_type = "s"
            else:
                cell.value = value
            cell.alignment = wrap
    for letter, width in zip("ABCDEFG", (6, 40, 60, 18, 24, 12, 6), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(len(rows) + 1, 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _rows_digest(rows: list[tuple[object, ...]]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def build_binder(matrix: Matrix, inbox: Path, folder: Path) -> BinderResult:
    """Copy the evidence into ``folder`` ordered like the rubric and write ``目录.xlsx``; idempotent."""
    inbox, folder = Path(inbox), Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    by_path = {u.source.rel_path: u for u in matrix.files}
    manifest = _read_manifest(folder)
    listed = manifest.get("files")
    old_files = [f for f in listed if isinstance(f, str)] if isinstance(listed, list) else []

    copied: list[str] = []
    unchanged: list[str] = []
    missing: list[str] = []
    kept: list[BinderEntry] = []
    for entry in plan_binder(matrix):
        src = _source_path(by_path[entry.rel_path], inbox)
        try:
            src_stat = src.stat()
        except OSError:
            if entry.rel_path not in missing:
                missing.append(entry.rel_path)
            continue
        dst = folder / entry.target
        kept.append(entry)
        if _up_to_date(src_stat, dst):
            unchanged.append(entry.target)
            continue
        with atomic_path(dst) as tmp:
            shutil.copy2(src, tmp)
        copied.append(entry.target)

    wanted = {e.target for e in kept}
    removed: list[str] = []
    for rel in old_files:
        if rel in wanted or rel in (INDEX_NAME, MANIFEST_NAME):
            continue
        path = _inside(folder, rel)
        if path is None or not path.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        removed.append(rel)
        _prune_empty(folder, path.parent)

    rows = _index_rows(kept)
    digest = _rows_digest(rows)
    index = folder / INDEX_NAME
    if manifest.get("index_digest") != digest or not index.is_file():
        write_index(rows, index)
    new_manifest = {"version": 1, "index_digest": digest, "files": sorted(wanted)}
    if new_manifest != manifest:
        atomic_write_text(
            folder / MANIFEST_NAME, json.dumps(new_manifest, ensure_ascii=False, indent=1) + "\n"
        )
    return BinderResult(
        folder=folder,
        entries=tuple(kept),
        copied=tuple(copied),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        missing=tuple(missing),
        index=index,
    )


def iter_binder_files(folder: Path) -> Iterator[str]:
    """Every file under the binder, relative, sorted (for tests and the CLI summary)."""
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            yield path.relative_to(folder).as_posix()
