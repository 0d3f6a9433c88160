"""Office, zip, OFD and text fixtures built with the real libraries (python-docx, openpyxl, zipfile).

What is in each file is spelled out here: ``NOTICE_*`` hold a county notice with a 〔〕 文号 and
full-width forms; hostile builders say in their name what they attack. An encrypted Office file is an
OLE compound file with EncryptionInfo/EncryptedPackage streams ([MS-OFFCRYPTO]); ``write_ole`` writes
a minimal valid compound file ([MS-CFB], version 3, no mini stream) since no encryption tool is
installed here.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl
from docx import Document
from docx.oxml import parse_xml

from pipeline.config import Limits
from pipeline.models import SourceFile
from pipeline.readers import ReadContext, detect_format

NOTICE_NUMBER = "蓬安办发〔2022〕12号"
NOTICE_TITLE = "关于开展２０２２年安全生产大检查的通知"
NOTICE_BODY = (
    "各乡镇人民政府，县级有关部门：",
    "为落实安全生产党政同责，现将有关事项通知如下：ＡＢＣ１２３。",
)
NOTICE_SIGNATURE = "蓬溪县安全生产委员会办公室"
TABLE_ROWS = (
    ("序号", "检查对象", "隐患数"),
    ("１", "蓬溪县某建筑工地", "3"),
    ("2", "〔重点〕危化企业", "0"),
)


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------


def write_docx(
    path: Path,
    paragraphs: Sequence[str] = (NOTICE_NUMBER, NOTICE_TITLE, *NOTICE_BODY),
    table: Sequence[Sequence[str]] | None = TABLE_ROWS,
    after_table: Sequence[str] = (NOTICE_SIGNATURE,),
    header: str | None = None,
    footer: str | None = None,
    textbox: str | None = None,
) -> Path:
    """A notice: paragraphs, then a table, then more paragraphs; optional header, footer, text box."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    for text in after_table:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].text = footer
    if textbox is not None:
        # A VML text box anchored in its own paragraph, as Word writes for "插入文本框".
        anchor = doc.add_paragraph("文本框所在段落")
        anchor._p.append(
            parse_xml(
                '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:200pt;height:40pt">'
                f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{textbox}</w:t></w:r></w:p></w:txbxContent>"
                "</v:textbox></v:shape></w:pict></w:r>"
            )
        )
    doc.save(path)
    return path


def rewrite_member(path: Path, member: str, data: bytes) -> Path:
    """Replace one part of a zip package in place (the rest copied byte for byte)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == member else src.read(info))
    path.write_bytes(buf.getvalue())
    return path


def write_entity_bomb_docx(path: Path) -> Path:
    """A docx whose document.xml declares the "billion laughs" entities and uses the last one."""
    write_docx(path)
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<!DOCTYPE w:document [{''.join(levels)}]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return rewrite_member(path, "word/document.xml", xml.encode())


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


# --------------------------------------------------------------------------------------------
# OLE compound files (encrypted Office, legacy Word)
# --------------------------------------------------------------------------------------------

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def write_ole(path: Path, streams: Mapping[str, bytes]) -> Path:
    """A minimal [MS-CFB] v3 file: one FAT sector, one directory sector, streams ≥ 4096 bytes each.

    Streams are padded to 4096 bytes so that none belongs in the mini stream; at most 3 streams.
    """
    assert 1 <= len(streams) <= 3
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # CFB name order: length, then upper case
    data_sectors: list[bytes] = []
    fat = [_FATSECT, _ENDOFCHAIN]  # sector 0: the FAT, sector 1: the directory
    starts = {}
    for name in names:
        blob = streams[name].ljust(4096, b"\0")
        blob = blob.ljust(-(-len(blob) // 512) * 512, b"\0")
        first = len(fat)
        starts[name] = (first, len(streams[name].ljust(4096, b"\0")))
        count = len(blob) // 512
        fat.extend(range(first + 1, first + count))
        fat.append(_ENDOFCHAIN)
        data_sectors.extend(blob[i : i + 512] for i in range(0, len(blob), 512))
    assert len(fat) <= 128
    fat_sector = struct.pack("<128I", *(fat + [_FREESECT] * (128 - len(fat))))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _NOSTREAM, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1, _NOSTREAM, _ENDOFCHAIN, 0)]
    for i, name in enumerate(names, start=1):
        right = i + 1 if i < len(names) else _NOSTREAM
        entries.append(entry(name, 2, _NOSTREAM, right, *starts[name]))
    directory = b"".join(entries).ljust(512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)  # dir sectors (v3: 0), FAT sectors, first dir sector, txn
        + struct.pack("<IIIII", 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
        + struct.pack("<109I", 0, *([_FREESECT] * 108))
    )
    assert len(header) == 512
    path.write_bytes(header + fat_sector + directory + b"".join(data_sectors))
    return path


def write_encrypted_ooxml(path: Path) -> Path:
    """What Word/Excel save with an open password: OLE with EncryptionInfo + EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption, version 4.4
    return write_ole(path, {"EncryptionInfo": info, "EncryptedPackage": bytes(range(256)) * 16})


def write_encrypted_doc(path: Path) -> Path:
    """A Word 97 file whose FIB says fEncrypted (wIdent 0xA5EC, flags bit 0x0100)."""
    fib = struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0, 0, 0x0100)
    return write_ole(path, {"WordDocument": fib, "1Table": b"\0" * 16})


# --------------------------------------------------------------------------------------------
# Zip
# --------------------------------------------------------------------------------------------


def write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def write_gbk_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> Path:
    """A zip as Windows' built-in compressor in China writes it: GBK names, UTF-8 flag unset.

    zipfile always encodes non-ASCII names as UTF-8 with the flag; the local and central headers are
    patched after writing so that they hold the GBK bytes of each name and bit 0x800 is clear.
    """
    members = list(members)
    placeholders = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members):
            gbk = name.encode("gbk")
            placeholder = f"{i:0{len(gbk)}d}"  # ASCII, same byte length as the GBK name
            placeholders.append((placeholder.encode(), gbk))
            zf.writestr(placeholder, data)
    raw = path.read_bytes()
    for placeholder, gbk in placeholders:
        assert raw.count(placeholder) == 2, "placeholder must appear once in each header"
        raw = raw.replace(placeholder, gbk)
    path.write_bytes(raw)
    with zipfile.ZipFile(path) as zf:
        assert all(not info.flag_bits & 0x800 for info in zf.infolist())
    return path


def write_zip_bomb(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """One member of ``size`` zero bytes: deflate squeezes it about 1000 times."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("报表.txt", "w", force_zip64=True) as f,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            f.write(chunk)
    return path


def write_nested_zip(path: Path, levels: int, leaf: tuple[str, bytes]) -> Path:
    """``levels`` zips inside each other (levels=1: a plain zip), the leaf file in the innermost."""
    data = _zip_bytes([leaf])
    for level in range(levels - 1, 0, -1):
        data = _zip_bytes([(f"第{level}层.zip", data)])
    path.write_bytes(data)
    return path


def _zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def write_encrypted_member_zip(path: Path) -> Path:
    """A zip whose one member has the "encrypted" flag (bit 0) set, as ZipCrypto writes it."""
    write_zip(path, [("密码.txt", "机密".encode())])
    raw = bytearray(path.read_bytes())
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    raw[local + 6] |= 0x01
    raw[central + 8] |= 0x01
    path.write_bytes(bytes(raw))
    return path


# --------------------------------------------------------------------------------------------
# OFD (GB/T 33190-2016)
# --------------------------------------------------------------------------------------------

_OFD_NS = "http://www.ofdspec.org/2016"


def write_ofd(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """A minimal OFD: each page's lines as TextObjects, written bottom line first.

    Writing them out of order checks that the reader places text by position, not by file order.
    """
    ns = f'xmlns:ofd="{_OFD_NS}"'
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    page_refs = "".join(
        f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    document_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}>'
        "<ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea>"
        "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", ofd_xml)
        zf.writestr("Doc_0/Document.xml", document_xml)
        for p, lines in enumerate(pages):
            objects = []
            for i, line in reversed(list(enumerate(lines))):
                y = 30 + i * 10
                objects.append(
                    f'<ofd:TextObject ID="{p * 100 + i + 2}" Boundary="20 {y} 170 8" Font="1" Size="5">'
                    f'<ofd:TextCode X="0" Y="5">{line}</ofd:TextCode></ofd:TextObject>'
                )
            content = (
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content>'
                f'<ofd:Layer ID="1">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
            )
            zf.writestr(f"Doc_0/Pages/Page_{p}/Content.xml", content)
    return path


# --------------------------------------------------------------------------------------------
# Damage
# --------------------------------------------------------------------------------------------


def truncate(path: Path, keep: float = 0.5) -> Path:
    """Cut a file short, as an interrupted download or copy does."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


# --------------------------------------------------------------------------------------------
# Reading them back
# --------------------------------------------------------------------------------------------


def source_for(path: Path, rel_path: str | None = None, department: str | None = "县应急局") -> SourceFile:
    """The SourceFile discovery would make for ``path`` (format by detect_format, hash of the bytes)."""
    data = path.read_bytes()
    return SourceFile(
        path=str(path),
        rel_path=rel_path or f"县应急局/{path.name}",
        department=department,
        folder="县应急局",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime=path.stat().st_mtime,
        format=detect_format(path),
    )


def read_context(tmp: Path, limits: Limits | None = None) -> ReadContext:
    scratch = tmp / "scratch"
    scratch.mkdir(exist_ok=True)
    return ReadContext(limits=limits or Limits(), scratch=scratch)


def soffice_convert(path: Path, target: str, outdir: Path) -> Path:
    """Convert with LibreOffice directly (not through the reader), e.g. docx → doc for legacy fixtures."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for this fixture"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shutil.rmtree(profile, ignore_errors=True)
    return outdir / f"{path.stem}.{target}"


def write_xls(
    path: Path, sheet: str, rows: Sequence[Sequence[str | float | None]], encrypted: bool = False
) -> Path:
    """A one-sheet BIFF8 workbook (Excel 97-2003) from records, in an OLE file: what .xls 台账 are.

    Strings are LABEL records in UTF-16, numbers NUMBER records; no styles (xlrd does not need them).
    ``encrypted`` adds the FILEPASS record Excel writes for an open password (RC4 header only).
    """

    def record(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    def bof(substream: int) -> bytes:
        return record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))

    def utf16(text: str, length_bytes: int) -> bytes:
        return (
            struct.pack("<H" if length_bytes == 2 else "<B", len(text)) + b"\x01" + text.encode("utf-16-le")
        )

    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                cells += record(0x0204, struct.pack("<HHH", r, c, 0) + utf16(value, 2))
            elif value is not None:
                cells += record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    width = max((len(row) for row in rows), default=0)
    sheet_stream = (
        bof(0x0010)
        + record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        + cells
        + record(0x000A, b"")
    )
    boundsheet_len = 4 + 4 + 2 + len(utf16(sheet, 1))
    filepass = record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48) if encrypted else b""
    globals_len = len(bof(0x0005)) + len(filepass) + len(record(0x0042, b"\0\0")) + boundsheet_len + 4
    globals_ = (
        bof(0x0005)
        + filepass
        + record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
        + record(0x0085, struct.pack("<IBB", globals_len, 0, 0) + utf16(sheet, 1))
        + record(0x000A, b"")
    )
    assert len(globals_) == globals_len
    return write_ole(path, {"Workbook": globals_ + sheet_stream})
