"""Find every evidence file under ``inbox/<部门>/**`` without ever changing, following or choking on it.

Decisions worth knowing:

- Symlinks (to files or folders) are never followed. One that points outside the inbox is skipped
  *and* listed as a problem (someone should look); one that points inside is only skipped, because
  its target is found at its real place anyway; a dangling one is skipped.
- Fifos, sockets and devices are skipped (opening a fifo would block the run).
- Files over ``Limits.max_file_bytes`` are still discovered and hashed (hashing streams 1 MiB at a
  time, so size costs time, not memory); the reading stage refuses them with a problem, so the
  office sees them listed rather than silently missing.
- A name that is not valid UTF-8 or holds control characters keeps a printable *reversible* form in
  ``rel_path`` (``\\xNN`` for a raw byte, ``\\uNNNN`` for a control character, ``\\\\`` for a
  backslash; see ``printable_name`` / ``fs_name``) and the file gets a ``bad_name`` problem, but is
  still read: the content may be perfectly good evidence.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError
from pipeline.models import Problem, Skipped, SourceFile
from pipeline.readers.base import detect_format

if TYPE_CHECKING:
    from pipeline.departments import DepartmentRegistry

CHUNK = 1024 * 1024

Known = Callable[[str, int, float], str | None]


@dataclass(frozen=True)
class Discovery:
    """What one walk of the inbox found. ``skipped`` entries are deliberate; ``problems`` need a person."""

    files: tuple[SourceFile, ...]
    skipped: tuple[Skipped, ...]
    problems: tuple[Problem, ...]
    unresolved_folders: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029"


def printable_name(name: str) -> str:
    """A printable, reversible form of a file-system name (``str`` with surrogateescape bytes)."""
    if name.isprintable() and "\\" not in name:
        return name
    out: list[str] = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode keeps it
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x80 and _is_control(ch):
            out.append(f"\\x{code:02x}")
        elif _is_control(ch):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def fs_name(printable: str) -> str:
    """The inverse of ``printable_name``: the file-system ``str`` (surrogateescape) back again."""
    if "\\" not in printable:
        return printable
    out: list[str] = []
    i = 0
    while i < len(printable):
        ch = printable[i]
        if ch != "\\" or i + 1 >= len(printable):
            out.append(ch)
            i += 1
            continue
        kind = printable[i + 1]
        if kind == "\\":
            out.append("\\")
            i += 2
        elif kind == "x":
            byte = int(printable[i + 2 : i + 4], 16)
            out.append(chr(0xDC00 + byte) if byte >= 0x80 else chr(byte))
            i += 4
        elif kind == "u":
            out.append(chr(int(printable[i + 2 : i + 6], 16)))
            i += 6
        elif kind == "U":
            out.append(chr(int(printable[i + 2 : i + 10], 16)))
            i += 10
        else:  # not produced by printable_name; keep as written
            out.append(ch)
            i += 1
    return "".join(out)


def fs_path(inbox: Path, rel_path: str) -> Path:
    """The real path of an inbox file from its ``rel_path`` (zip members are not on disk)."""
    return inbox.joinpath(*(fs_name(part) for part in rel_path.split("/")))


def _undecodable(name: str) -> bool:
    return any(0xDC80 <= ord(ch) <= 0xDCFF for ch in name)


def _unshowable(name: str) -> bool:
    """Undecodable bytes or control characters: the office must rename the file to see it properly."""
    return any(_is_control(ch) for ch in name)


def _gbk_guess(name: str) -> str | None:
    """Windows machines in China write GBK names; a UTF-8 Linux then sees undecodable bytes."""
    if not _undecodable(name):
        return None
    try:
        return os.fsencode(name).decode("gb18030")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------------------------
# What is not evidence
# --------------------------------------------------------------------------------------------

INBOX_README = "README.md"  # the inbox's own explanation, shipped with the project
_SKIP_NAMES = {
    ".ds_store": "苹果电脑的系统文件（.DS_Store），已跳过",
    "thumbs.db": "Windows 缩略图缓存文件（Thumbs.db），已跳过",
    "ehthumbs.db": "Windows 缩略图缓存文件，已跳过",
    "desktop.ini": "Windows 文件夹设置文件（desktop.ini），已跳过",
    ".directory": "Linux 文件夹设置文件，已跳过",
}
_SKIP_DIRS = {
    "__macosx": "苹果电脑压缩时生成的附加文件夹（__MACOSX），已跳过",
    "$recycle.bin": "Windows 回收站文件夹，已跳过",
    "system volume information": "Windows 系统文件夹，已跳过",
    ".trash": "回收站文件夹，已跳过",
    ".git": "版本管理文件夹，已跳过",
}


def skip_reason(name: str, *, is_dir: bool = False) -> str | None:
    """Why an entry is not evidence (Office lock files, system files), or None."""
    low = name.lower()
    if is_dir:
        if low in _SKIP_DIRS:
            return _SKIP_DIRS[low]
        if low.startswith(".trash-"):
            return _SKIP_DIRS[".trash"]
        return None
    if low in _SKIP_NAMES:
        return _SKIP_NAMES[low]
    if name.startswith("~$"):
        return "Office 临时锁定文件（文档打开时自动生成），已跳过"
    if name.startswith(".~lock.") and name.endswith("#"):
        return "LibreOffice 锁定文件（文档打开时自动生成），已跳过"
    if name.startswith(".~"):
        return "WPS 临时文件，已跳过"
    if name.startswith("._"):
        return "苹果电脑生成的附加文件（._开头），已跳过"
    if low.endswith((".tmp", ".temp")) or (name.startswith("~") and low.endswith(".tmp")):
        return "临时文件，已跳过"
    if low.endswith((".crdownload", ".part", ".partial")):
        return "未下载完成的文件，已跳过"
    return None


# --------------------------------------------------------------------------------------------
# Hashing
# --------------------------------------------------------------------------------------------

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def sha256_file(path: str) -> tuple[str, bytes]:
    """sha256 and the first bytes of a regular file, streamed in 1 MiB chunks.

    ``O_NOFOLLOW | O_NONBLOCK`` so that a file swapped for a symlink or a fifo after the walk saw it
    is refused instead of followed or blocked on.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path!r}")
        digest = hashlib.sha256()
        head = b""
        with os.fdopen(fd, "rb", closefd=False) as f:
            while chunk := f.read(CHUNK):
                if not head:
                    head = chunk[:16]
                digest.update(chunk)
        return digest.hexdigest(), head
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


class _Walk:
    def __init__(self, inbox: Path, registry: DepartmentRegistry, known: Known | None) -> None:
        self.inbox = inbox
        self.root = os.path.realpath(inbox)
        self.registry = registry
        self.known = known
        self.files: list[SourceFile] = []
        self.skipped: list[Skipped] = []
        self.problems: list[Problem] = []
        self.unresolved: list[str] = []
        self.departments: dict[str, str | None] = {}

    def department(self, folder: str) -> str | None:
        if folder not in self.departments:
            from pipeline.departments import resolve_department

            resolution = resolve_department(folder, self.registry)
            self.departments[folder] = resolution.department.name if resolution.department else None
            if resolution.department is None:
                self.unresolved.append(folder)
        return self.departments[folder]

    def walk(self, directory: str, rel_parts: tuple[str, ...]) -> None:
        rel_dir = "/".join(rel_parts)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            self.problems.append(
                Problem(
                    rel_dir or ".",
                    "unreadable",
                    "无法打开文件夹（可能没有读取权限），其中的文件未读取",
                    str(e),
                )
            )
            return
        for entry in entries:
            self.entry(entry, rel_parts)

    def entry(self, entry: os.DirEntry[str], rel_parts: tuple[str, ...]) -> None:
        shown = printable_name(entry.name)
        rel_path = "/".join((*rel_parts, shown))
        if _unshowable(entry.name):
            guess = _gbk_guess(entry.name)
            hint = f"（按 GBK 编码可能是“{guess}”）" if guess and guess.isprintable() else ""
            self.problems.append(
                Problem(
                    rel_path,
                    "bad_name",
                    f"文件名包含无法识别的字符{hint}，请改用正常的中文文件名后重新提交",
                    f"raw name bytes: {os.fsencode(entry.name)!r}",
                )
            )
        try:
            if entry.is_symlink():
                self.symlink(entry, rel_path)
                return
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file(follow_symlinks=False)
        except OSError as e:
            self.problems.append(Problem(rel_path, "unreadable", "无法读取该文件的信息", str(e)))
            return
        if is_dir:
            reason = skip_reason(entry.name, is_dir=True)
            if reason:
                self.skipped.append(Skipped(rel_path, reason))
                return
            self.walk(entry.path, (*rel_parts, shown))
        elif not is_file:
            self.skipped.append(Skipped(rel_path, "不是普通文件（管道、设备等），已跳过"))
        else:
            reason = skip_reason(entry.name)
            if not rel_parts and entry.name == INBOX_README:
                reason = "收件箱说明文件（本工具自带），已跳过"
            if reason:
                self.skipped.append(Skipped(rel_path, reason))
            else:
                self.regular(entry, rel_parts, rel_path)

    def symlink(self, entry: os.DirEntry[str], rel_path: str) -> None:
        target = os.path.realpath(entry.path)
        if not os.path.exists(target):
            self.skipped.append(Skipped(rel_path, "符号链接指向不存在的文件，未读取"))
        elif _inside(target, self.root):
            shown = "/".join(printable_name(p) for p in Path(os.path.relpath(target, self.root)).parts)
            self.skipped.append(Skipped(rel_path, f"符号链接，指向收件箱内的“{shown}”，该文件已按原位置读取"))
        else:
            reason = "符号链接指向收件箱以外，未读取"
            self.skipped.append(Skipped(rel_path, reason))
            self.problems.append(
                Problem(rel_path, "symlink_outside", reason, f"target: {printable_name(target)}")
            )

    def regular(self, entry: os.DirEntry[str], rel_parts: tuple[str, ...], rel_path: str) -> None:
        folder = rel_parts[0] if rel_parts else ""
        department = self.department(folder) if folder else None
        try:
            st = entry.stat(follow_symlinks=False)
            sha = self.known(rel_path, st.st_size, st.st_mtime) if self.known else None
            head: bytes | None = None
            if sha is None:
                sha, head = sha256_file(entry.path)
            fmt = detect_format(Path(entry.path), head)
        except OSError as e:
            self.problems.append(
                Problem(rel_path, "unreadable", "无法读取该文件（可能没有读取权限或正在被占用）", str(e))
            )
            return
        self.files.append(
            SourceFile(
                path=entry.path,
                rel_path=rel_path,
                department=department,
                folder=folder,
                sha256=sha,
                size=st.st_size,
                mtime=st.st_mtime,
                format=fmt,
            )
        )


def discover(inbox: Path, registry: DepartmentRegistry, *, known: Known | None = None) -> Discovery:
    """Walk the inbox (sorted, so two runs list files in the same order) and hash every file.

    ``known(rel_path, size, mtime)`` returns the sha256 the ledger recorded for an unchanged file,
    so that a warm re-run hashes nothing. Department folders are resolved once each; a folder the
    registry does not know leaves its files' department ``None`` (resolved later from the text).
    """
    if not inbox.is_dir():
        raise ConfigError(f"收件箱文件夹不存在：{inbox}")
    walk = _Walk(inbox, registry, known)
    walk.walk(os.fspath(inbox), ())
    return Discovery(
        files=tuple(walk.files),
        skipped=tuple(walk.skipped),
        problems=tuple(walk.problems),
        unresolved_folders=tuple(walk.unresolved),
    )
