"""Legacy binaries (.doc/.wps, .et, .dps/.ppt) converted by LibreOffice headless, then read as OOXML.

Each conversion runs on a copy of the file in a private scratch folder (LibreOffice may leave lock
files beside its input; the inbox is never touched), with its own ``-env:UserInstallation`` profile
(two processes sharing one profile fail silently), an argument list (no shell), a timeout that kills
the whole process group, and no macro flags: ``--convert-to`` loads documents without running their
macros or event scripts (a fresh profile has macro security "High", which blocks unsigned macros).
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from lxml import etree

from pipeline.errors import DocumentLoadError, ExtractionError, MissingToolError
from pipeline.models import Evidence, Page, SourceFile
from pipeline.readers.base import ReadContext, reader
from pipeline.readers.common import (
    ENCRYPTED_MESSAGE,
    check_size,
    is_encrypted_legacy_word,
    is_encrypted_ooxml,
    open_package,
    read_member,
)
from pipeline.readers.docx import read_docx
from pipeline.readers.spreadsheet import read_xlsx

_TARGETS = {".et": "xlsx", ".ett": "xlsx", ".xls": "xlsx", ".dps": "pptx", ".ppt": "pptx", ".pps": "pptx"}
_LEGACY_SUFFIXES = {".doc", ".wps", ".dot", ".wpt", ".rtf", *_TARGETS}


def find_soffice() -> str | None:
    """The LibreOffice binary on PATH (Debian: libreoffice-writer-nogui / libreoffice-calc-nogui)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# target → (LibreOffice module, Debian package, shared library of the module in program/)
_MODULES = {
    "docx": ("Writer", "libreoffice-writer-nogui", "libswlo.so"),
    "xlsx": ("Calc", "libreoffice-calc-nogui", "libsclo.so"),
    "pptx": ("Impress", "libreoffice-impress-nogui", "libsdlo.so"),
}


def libreoffice_supports(target: str, soffice: str | None = None) -> bool:
    """Debian splits LibreOffice by module; without Calc an .et "could not be loaded", like a corrupt file.

    Only answers False on a layout it recognises (Linux program/ with lib*lo.so files).
    """
    soffice = soffice or find_soffice()
    if soffice is None:
        return False
    program = Path(os.path.realpath(soffice)).parent
    if not any(program.glob("lib*lo.so")):
        return True
    return (program / _MODULES[target][2]).exists()


def convert(path: Path, target: str, scratch: Path, timeout_s: int) -> Path:
    """Convert ``path`` to ``target`` (docx/xlsx/pptx) in a fresh folder under ``scratch``.

    The caller removes the returned file's parent folder when done.
    """
    soffice = find_soffice()
    suffix = path.suffix.lower() if path.suffix.lower() in _LEGACY_SUFFIXES else ".doc"
    if soffice is None:
        raise MissingToolError(
            f"需要安装 LibreOffice 才能读取 {suffix} 文件",
            detail="apt-get install libreoffice-writer-nogui libreoffice-calc-nogui (soffice not on PATH)",
        )
    module = _MODULES[target]
    if not libreoffice_supports(target, soffice):
        raise MissingToolError(
            f"需要安装 LibreOffice {module[0]} 才能读取 {suffix} 文件",
            detail=f"apt-get install {module[1]} (LibreOffice is installed without it)",
        )
    scratch.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lo-", dir=scratch)).absolute()
    profile, outdir = work / "profile", work / "out"
    outdir.mkdir()
    source = work / f"input{suffix}"  # a plain name: no leading '-', no characters the shell or LO mangle
    shutil.copyfile(path, source)
    args = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=work
    )
    try:
        _, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as e:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        shutil.rmtree(work, ignore_errors=True)
        raise ExtractionError(
            f"LibreOffice 转换超时（超过 {timeout_s} 秒），文件可能过大或已损坏", code="timeout"
        ) from e
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    result = outdir / f"input.{target}"
    if not result.is_file() or result.stat().st_size == 0:
        shutil.rmtree(work, ignore_errors=True)
        raise DocumentLoadError(
            f"文件已损坏，无法打开（LibreOffice 无法转换此 {suffix} 文件）",
            detail=f"exit {proc.returncode}: {err.decode('utf-8', 'replace').strip()[:500]}",
            code="corrupt",
        )
    return result


@reader("doc")
def read_legacy(source: SourceFile, ctx: ReadContext) -> Evidence:
    path = Path(source.path)
    check_size(source, ctx.limits)
    if is_encrypted_ooxml(path) or is_encrypted_legacy_word(path):
        raise DocumentLoadError(ENCRYPTED_MESSAGE, code="encrypted")
    target = _TARGETS.get(Path(source.rel_path).suffix.lower(), "docx")
    converted = convert(path, target, ctx.scratch, ctx.limits.libreoffice_timeout_s)
    try:
        as_ooxml = replace(source, path=str(converted), format="docx" if target == "docx" else "xlsx")
        if target == "docx":
            evidence = read_docx(as_ooxml, ctx)
        elif target == "xlsx":
            evidence = read_xlsx(as_ooxml, ctx)
        else:
            evidence = _read_pptx(as_ooxml, ctx)
    finally:
        shutil.rmtree(converted.parent.parent, ignore_errors=True)
    return replace(evidence, source=source, meta=(*evidence.meta, ("converted_by", "LibreOffice")))


_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_SLIDE = re.compile(r"^ppt/slides/slide(\d+)\.xml$")


def _read_pptx(source: SourceFile, ctx: ReadContext) -> Evidence:
    """Slides in file-number order (LibreOffice numbers them in presentation order), one Page each."""
    kind = "演示文稿"
    pages: list[Page] = []
    with open_package(Path(source.path), ctx.limits, kind) as zf:
        slides = sorted(
            (int(m.group(1)), name) for name in zf.namelist() if (m := _SLIDE.match(posixpath.normpath(name)))
        )
        for _, name in slides:
            try:
                root = etree.fromstring(read_member(zf, name, kind), _PARSER)
            except etree.XMLSyntaxError as e:
                raise DocumentLoadError(
                    f"文件已损坏，无法打开（{kind}）", detail=str(e), code="corrupt"
                ) from e
            paragraphs = [
                "".join(t.text or "" for t in p.iter(f"{{{_A}}}t")) for p in root.iter(f"{{{_A}}}p")
            ]
            pages.append(Page(number=len(pages) + 1, text="\n".join(p for p in paragraphs if p.strip())))
    text = "\n\n".join(p.text for p in pages)
    if not text.strip():
        raise ExtractionError("文件中没有可读取的文字", code="no_text")
    return Evidence(source=source, text=text, pages=tuple(pages))
