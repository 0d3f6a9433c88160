"""Checks shared by the readers: size limits before any library is touched, OLE containers (encrypted
Office files and legacy binaries), and hostile zip/XML packages (bombs, DTD entity expansion).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from pipeline.config import Limits
from pipeline.errors import DocumentLoadError
from pipeline.models import SourceFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_size(source: SourceFile, limits: Limits) -> None:
    """Refuse empty and oversized files before a library allocates anything for them."""
    size = Path(source.path).stat().st_size
    if size == 0:
        raise DocumentLoadError("文件为空（0 字节）", code="empty")
    if size > limits.max_file_bytes:
        raise DocumentLoadError(
            f"文件过大（{_mb(size)}），超过上限 {_mb(limits.max_file_bytes)}",
            detail=f"{size} bytes",
            code="too_large",
        )


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def is_ole(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(8) == OLE_MAGIC


# --------------------------------------------------------------------------------------------
# OLE compound files ([MS-CFB]): just enough to list stream names and read the start of a stream
# --------------------------------------------------------------------------------------------

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_REGULAR = 0xFFFFFFFA


class _Cfb:
    """A read-only view of a compound file's FAT and directory. Bounded against cycles and bad ids."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != OLE_MAGIC:
            raise ValueError("not an OLE compound file")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise ValueError(f"bad sector shift {shift}")
        self.sector = 1 << shift
        self.max_sectors = len(data) // self.sector + 1
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
        fat_ids = [i for i in struct.unpack_from("<109I", data, 0x4C) if i <= _MAX_REGULAR]
        sid, seen = first_difat, 0
        while sid <= _MAX_REGULAR and seen < n_difat and seen < self.max_sectors:
            block = self._sector(sid)
            ids = struct.unpack(f"<{self.sector // 4}I", block)
            fat_ids.extend(i for i in ids[:-1] if i <= _MAX_REGULAR)
            sid, seen = ids[-1], seen + 1
        fat_ids = fat_ids[: max(n_fat, 0) or len(fat_ids)]
        fat: list[int] = []
        for fid in fat_ids:
            fat.extend(struct.unpack(f"<{self.sector // 4}I", self._sector(fid)))
        self.fat = fat
        self.entries = self._directory(first_dir)

    def _sector(self, sid: int) -> bytes:
        start = (sid + 1) * self.sector
        block = self.data[start : start + self.sector]
        if len(block) < self.sector:
            raise ValueError(f"sector {sid} beyond end of file")
        return block

    def chain(self, sid: int) -> list[int]:
        out: list[int] = []
        while sid <= _MAX_REGULAR:
            if len(out) > self.max_sectors or sid >= len(self.fat):
                raise ValueError("broken sector chain")
            out.append(sid)
            sid = self.fat[sid]
        return out

    def _directory(self, first: int) -> list[tuple[str, int, int, int]]:
        raw = b"".join(self._sector(s) for s in self.chain(first))
        entries = []
        for off in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, off + 64)
            if kind == 0:
                continue
            name = raw[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, off + 116)
            entries.append((name, kind, start, size))
        return entries

    def stream_head(self, name: str, n: int = 512) -> bytes | None:
        """The first ``n`` bytes of a stream kept in regular sectors (≥ 4096 bytes, e.g. WordDocument)."""
        for entry_name, kind, start, size in self.entries:
            if entry_name == name and kind == 2 and size >= 4096:
                out = b""
                for sid in self.chain(start):
                    out += self._sector(sid)
                    if len(out) >= n:
                        break
                return out[:n]
        return None


def ole_stream_names(path: Path) -> set[str] | None:
    """Names of the streams and storages of an OLE file, or None when it is not a readable one."""
    try:
        return {name for name, *_ in _Cfb(Path(path).read_bytes()).entries}
    except (ValueError, struct.error, OSError):
        return None


def is_encrypted_ooxml(path: Path) -> bool:
    """A password-protected .docx/.xlsx is not a zip but an OLE file with these two streams ([MS-OFFCRYPTO])."""
    names = ole_stream_names(path) if is_ole(path) else None
    return bool(names) and {"EncryptionInfo", "EncryptedPackage"} <= names  # type: ignore[operator]


def is_encrypted_legacy_word(path: Path) -> bool:
    """A .doc/.wps with an open password: FIB flag fEncrypted (bit 0x0100 of the word at 0x0A)."""
    try:
        head = _Cfb(Path(path).read_bytes()).stream_head("WordDocument", 32)
    except (ValueError, struct.error, OSError):
        return False
    if not head or len(head) < 12 or struct.unpack_from("<H", head, 0)[0] != 0xA5EC:
        return False
    return bool(struct.unpack_from("<H", head, 0x0A)[0] & 0x0100)


ENCRYPTED_MESSAGE = "文件已加密（设置了打开密码），请提供未加密的版本"


# --------------------------------------------------------------------------------------------
# Office Open XML / OFD packages: zips of XML parts
# --------------------------------------------------------------------------------------------

_PROLOG_NOISE = re.compile(rb"<\?.*?\?>|<!--.*?-->", re.S)
_ROOT = re.compile(rb"<[A-Za-z_]")
_PROLOG_BYTES = 64 * 1024


def xml_is_hostile(head: bytes) -> bool:
    """True when an XML part declares a DTD or entities (billion laughs, external entities).

    Office and OFD parts never carry a DOCTYPE. ``head`` is the first 64 KiB; a prolog longer than
    that is itself refused, since no legitimate part has one.
    """
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "replace")
        return "<!DOCTYPE" in text or "<!ENTITY" in text
    body = _PROLOG_NOISE.sub(b"", head)
    return len(head) >= _PROLOG_BYTES and not _ROOT.search(body)


def open_package(path: Path, limits: Limits, kind: str) -> zipfile.ZipFile:
    """Open an OOXML/OFD zip, refusing bombs and DTD-bearing XML parts before any parser sees them.

    ``kind`` names the format for the user ("Word 文档"). The caller closes the returned zip.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {kind}）", detail=str(e), code="corrupt"
        ) from e
    try:
        infos = zf.infolist()
        if len(infos) > limits.zip_max_members:
            raise DocumentLoadError(
                f"文件结构异常（包含 {len(infos)} 个部件），疑似恶意构造，已拒绝读取", code="hostile"
            )
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > limits.zip_max_total_bytes or (
                info.file_size > 10 * 1024 * 1024 and ratio > limits.zip_max_ratio
            ):
                raise DocumentLoadError(
                    f"文件解压后过大（疑似“压缩炸弹”），已拒绝读取（不是正常的 {kind}）",
                    detail=f"{info.filename}: {info.file_size} bytes, ratio {ratio:.0f}",
                    code="hostile",
                )
            if info.filename.lower().endswith((".xml", ".rels")):
                with zf.open(info) as member:
                    head = member.read(_PROLOG_BYTES)
                if xml_is_hostile(head):
                    raise DocumentLoadError(
                        f"文件内容异常（XML 中含有 DOCTYPE/ENTITY 声明，疑似恶意构造），已拒绝读取（不是正常的 {kind}）",
                        detail=info.filename,
                        code="hostile",
                    )
    except DocumentLoadError:
        zf.close()
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as e:
        zf.close()
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {kind}）", detail=str(e), code="corrupt"
        ) from e
    return zf


def read_member(zf: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One part of a package; a missing or damaged part means the file is corrupt."""
    try:
        return zf.read(name)
    except KeyError as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {kind}，缺少 {name}）", detail=str(e), code="corrupt"
        ) from e
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as e:
        raise DocumentLoadError(
            f"文件已损坏，无法打开（不是有效的 {kind}）", detail=str(e), code="corrupt"
        ) from e
