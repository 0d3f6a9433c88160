"""Zip bundles are containers, not documents: ``expand_zip`` turns one into member SourceFiles.

Members go to ``<scratch>/<sha256 of the zip>/<member path>`` (the inbox is never written) and keep the
zip's department. Hostile input becomes a Problem per member or per zip, never an exception:
zip slip (``../``, absolute, drive-letter names), bombs (per-member ratio, total size, member count),
nesting beyond ``limits.zip_max_depth`` levels of zip (the top zip is level 1), encrypted members.

Names: without the UTF-8 flag (bit 0x800) zipfile decodes names as cp437, but Windows in China
writes GBK. The raw bytes are recovered and decoded as UTF-8 when valid (macOS and some tools write
UTF-8 without the flag; GBK bytes are almost never valid UTF-8), else GB18030 (a superset of GBK).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.config import Limits
from pipeline.errors import DocumentLoadError, UnsupportedFileType
from pipeline.models import Evidence, Problem, SourceFile
from pipeline.readers.base import ReadContext, detect_format, reader
from pipeline.readers.common import check_size

_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_RATIO_FLOOR = 1024 * 1024  # below this size a high ratio is just a very regular small file


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it (GBK names from Windows decoded right)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename  # already decoded by a metadata_encoding the caller chose
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _is_junk(parts: tuple[str, ...]) -> bool:
    base = parts[-1].lower()
    return "__MACOSX" in parts or base in _JUNK_NAMES or base.startswith(("~$", ".~lock", "._"))


def _unsafe(name: str) -> bool:
    return name.startswith("/") or bool(_DRIVE.match(name)) or ".." in name.split("/")


@dataclass
class _Budget:
    """Totals shared by a zip and every zip nested in it."""

    limits: Limits
    bytes_left: int
    members_left: int
    problems: list[Problem] = field(default_factory=list)
    stopped: bool = False


def expand_zip(
    source: SourceFile, scratch: Path, limits: Limits, depth: int = 0
) -> tuple[list[SourceFile], list[Problem]]:
    """Extract ``source`` into ``scratch``; return its readable members and what was wrong.

    Never raises for bad input: an empty, oversized, corrupt or hostile zip is a Problem.
    ``depth`` is the number of zips enclosing ``source``.
    """
    budget = _Budget(limits, limits.zip_max_total_bytes, limits.zip_max_members)
    members = _expand(source, Path(scratch), budget, depth)
    return members, budget.problems


def _problem(budget: _Budget, rel_path: str, code: str, message: str, detail: str = "") -> None:
    budget.problems.append(Problem(rel_path=rel_path, code=code, message=message, detail=detail))


def _expand(source: SourceFile, scratch: Path, budget: _Budget, depth: int) -> list[SourceFile]:
    limits = budget.limits
    try:
        check_size(source, limits)
    except DocumentLoadError as e:
        _problem(budget, source.rel_path, e.code, e.message, e.detail)
        return []
    try:
        zf = zipfile.ZipFile(source.path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        _problem(budget, source.rel_path, "corrupt", "压缩包已损坏，无法打开（不是有效的 zip 文件）", str(e))
        return []
    out: list[SourceFile] = []
    root = scratch / source.sha256
    with zf:
        for info in zf.infolist():
            if budget.stopped:
                break
            name = member_name(info).replace("\\", "/")
            rel = f"{source.rel_path}!/{name}"
            if info.is_dir() or name.endswith("/"):
                continue
            if _unsafe(name):
                _problem(
                    budget,
                    rel,
                    "zip_slip",
                    f"压缩包中的文件路径不安全（{name}），指向压缩包以外的位置，已拒绝解压",
                )
                continue
            parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
            if not parts or _is_junk(parts):
                continue
            budget.members_left -= 1
            if budget.members_left < 0:
                _problem(
                    budget,
                    source.rel_path,
                    "too_many_members",
                    f"压缩包中的文件过多（超过 {limits.zip_max_members} 个），其余文件未解压",
                )
                budget.stopped = True
                break
            if info.flag_bits & _ENCRYPTED_FLAG:
                _problem(budget, rel, "encrypted", "压缩包中的文件已加密（设置了密码），请提供未加密的版本")
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.zip_max_ratio:
                _problem(
                    budget,
                    rel,
                    "zip_bomb",
                    f"压缩包中的文件压缩比异常（{ratio:.0f} 倍，疑似“压缩炸弹”），已拒绝解压",
                    f"{info.file_size} bytes from {info.compress_size}",
                )
                continue
            if info.file_size > limits.max_file_bytes:
                _problem(
                    budget,
                    rel,
                    "too_large",
                    f"压缩包中的文件过大（{info.file_size / 1024 / 1024:.1f} MB），超过单个文件上限",
                )
                continue
            if info.file_size > budget.bytes_left:
                _problem(
                    budget,
                    source.rel_path,
                    "too_large",
                    f"压缩包解压后总大小超过上限 {limits.zip_max_total_bytes / 1024 / 1024:.0f} MB，其余文件未解压",
                )
                budget.stopped = True
                break
            budget.bytes_left -= info.file_size
            dest = root.joinpath(*parts)
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with zf.open(info) as src, open(dest, "wb") as dst:
                    # zipfile stops at the declared size and checks the CRC at the end.
                    while chunk := src.read(1024 * 1024):
                        digest.update(chunk)
                        dst.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
                dest.unlink(missing_ok=True)
                _problem(budget, rel, "corrupt", "压缩包中的文件已损坏，无法解压", str(e))
                continue
            except OSError as e:
                dest.unlink(missing_ok=True)
                _problem(budget, rel, "bad_name", f"压缩包中的文件名无法使用（{name}）", str(e))
                continue
            member = SourceFile(
                path=str(dest),
                rel_path=rel,
                department=source.department,
                folder=source.folder,
                sha256=digest.hexdigest(),
                size=dest.stat().st_size,
                mtime=_mtime(info),
                format=detect_format(dest),
                container=source.rel_path,
            )
            if member.format == "zip":
                if depth + 1 >= limits.zip_max_depth:
                    _problem(
                        budget,
                        rel,
                        "too_deep",
                        f"压缩包嵌套超过 {limits.zip_max_depth} 层，内层压缩包未展开，请直接提供其中的文件",
                    )
                    continue
                out.extend(_expand(member, scratch, budget, depth + 1))
                continue
            out.append(member)
    return out


def _mtime(info: zipfile.ZipInfo) -> float:
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return 0.0


def clear_scratch(source: SourceFile, scratch: Path) -> None:
    """Remove what ``expand_zip`` extracted for ``source`` (call once its members are read)."""
    shutil.rmtree(Path(scratch) / source.sha256, ignore_errors=True)


@reader("zip")
def read_zip(source: SourceFile, ctx: ReadContext) -> Evidence:
    """A zip has no text of its own: callers expand it with ``expand_zip`` and read each member."""
    raise UnsupportedFileType(
        "压缩包需要先解压，再逐个读取其中的文件",
        detail="call pipeline.readers.archive.expand_zip and read the members",
    )
