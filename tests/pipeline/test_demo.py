"""The demo inbox: about 60 realistic files, the same bytes for one seed, every file readable or a
deliberate problem, and a manifest whose departments the registry knows."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from pipeline.config import Limits
from pipeline.consistency import check_consistency
from pipeline.demo import NOTICES, DemoInboxNotEmpty, DemoManifest, write_demo_inbox
from pipeline.departments import load_departments, resolve_department
from pipeline.errors import ReaderError
from pipeline.models import Evidence, SourceFile
from pipeline.readers import ReadContext, detect_format, read_evidence

ALL_FORMATS = {"docx", "pdf", "image", "xlsx", "xls", "zip", "ofd", "doc", "txt"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return write_demo_inbox(tmp_path_factory.mktemp("demo") / "inbox")


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return load_departments()


def _source(inbox: Path, rel_path: str, department: str | None = None) -> SourceFile:
    path = inbox / rel_path
    data = path.read_bytes()
    return SourceFile(
        path=str(path),
        rel_path=rel_path,
        department=department,
        folder=rel_path.split("/")[0] if "/" in rel_path else "",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime=path.stat().st_mtime,
        format=detect_format(path),
    )


def _read(demo: DemoManifest, rel_path: str, tmp_path: Path) -> Evidence:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    return read_evidence(_source(demo.inbox, rel_path), ReadContext(limits=Limits(), scratch=scratch))


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---- what is written ----------------------------------------------------------------------------


def test_writes_about_sixty_files_that_the_manifest_lists(demo: DemoManifest, registry) -> None:  # type: ignore[no-untyped-def]
    on_disk = set(_hashes(demo.inbox))
    listed = {f.rel_path for f in demo.files}
    assert on_disk == listed
    assert 55 <= len(listed) <= 70
    assert {f.format for f in demo.files} >= ALL_FORMATS
    kinds = [resolve_department(d, registry).department.kind for d in demo.departments()]
    assert kinds.count("部门") >= 15
    assert kinds.count("乡镇") + kinds.count("街道") >= 2
    assert 6 <= demo.ocr_pages <= 8


def test_manifest_has_each_kind_of_trouble(demo: DemoManifest) -> None:
    tags = {f.tag for f in demo.files}
    assert tags == {"evidence", "bad", "duplicate", "2021", "skipped"}
    assert {f.problem for f in demo.files if f.tag == "bad"} == {
        "encrypted",
        "corrupt",
        "empty",
        "unsupported",
    }
    dup = next(f for f in demo.files if f.tag == "duplicate")
    assert dup.duplicate_of is not None
    assert dup.department != demo.file(dup.duplicate_of).department
    assert (demo.inbox / dup.rel_path).read_bytes() == (demo.inbox / dup.duplicate_of).read_bytes()
    assert any(f.folder == "" for f in demo.files)  # a file at the inbox root
    assert any(Path(f.rel_path).name.startswith("~$") for f in demo.files)
    assert any(Path(f.rel_path).name.startswith("7(2)") for f in demo.files)
    assert any((demo.inbox / f.rel_path).stat().st_size == 0 for f in demo.files)


def test_manifest_covers_many_sub_items_that_exist_in_the_rubric(demo: DemoManifest) -> None:
    from pipeline.rubric import read_rubric

    ids = {s.id for s in read_rubric().sub_items()}
    proved = set(demo.by_sub_item())
    assert proved <= ids
    assert len(proved) >= 30
    assert len(ids - proved) >= 20  # a realistic matrix has gaps too


def test_same_seed_gives_the_same_bytes(demo: DemoManifest, tmp_path: Path) -> None:
    # Every file is byte-identical, including those python-docx/openpyxl stamp with "now" (the demo
    # fixes their zip times and core properties) and reportlab's PDFs (invariant=1).
    again = write_demo_inbox(tmp_path / "again", seed=demo.seed)
    assert _hashes(again.inbox) == _hashes(demo.inbox)
    other = write_demo_inbox(tmp_path / "other", seed=demo.seed + 1)
    first, second = _hashes(demo.inbox), _hashes(other.inbox)
    changed = {k for k in first if first[k] != second.get(k)}
    assert "住建/住建领域重点企业名单.xlsx" in changed  # seeded 台账
    assert "县应急管理局/巩固提升年实施方案.pdf" not in changed  # fixed documents


def test_refuses_a_non_empty_inbox(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "住建").mkdir(parents=True)
    (inbox / "住建" / "真实材料.docx").write_bytes(b"keep me")
    with pytest.raises(DemoInboxNotEmpty) as info:
        write_demo_inbox(inbox)
    assert "不是空的" in info.value.message
    assert sorted(p.name for p in inbox.rglob("*")) == ["住建", "真实材料.docx"]

    manifest = write_demo_inbox(inbox, force=True)
    assert (inbox / "住建" / "真实材料.docx").read_bytes() == b"keep me"
    assert all((inbox / f.rel_path).is_file() for f in manifest.files)


def test_a_readme_and_system_clutter_do_not_count_as_content(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "README.md").write_text("# inbox", encoding="utf-8")
    (inbox / "Thumbs.db").write_bytes(b"\0")
    assert len(write_demo_inbox(inbox).files) >= 55


# ---- departments --------------------------------------------------------------------------------


def test_folders_resolve_to_the_manifest_department(demo: DemoManifest, registry) -> None:  # type: ignore[no-untyped-def]
    for f in demo.files:
        if f.department is None:
            assert f.tag == "skipped"
            continue
        assert resolve_department(f.department, registry).department.name == f.department  # type: ignore[union-attr]
        folder = resolve_department(f.folder, registry) if f.folder else None
        if f.department_from_document:
            assert folder is None or not folder.ok, f.rel_path
        else:
            assert folder is not None and folder.department is not None, f.rel_path
            assert folder.department.name == f.department, f.rel_path


# ---- readers ------------------------------------------------------------------------------------


def test_detected_format_matches_the_manifest(demo: DemoManifest) -> None:
    for f in demo.files:
        if f.format != "lock" and (demo.inbox / f.rel_path).stat().st_size:
            assert detect_format(demo.inbox / f.rel_path) == f.format, f.rel_path


def test_every_office_text_pdf_ofd_and_txt_file_is_read(demo: DemoManifest, tmp_path: Path) -> None:
    readable = [
        f
        for f in demo.files
        if f.tag != "bad" and f.format in ("docx", "xlsx", "pdf", "ofd", "txt") and not f.ocr_pages
    ]
    assert len(readable) >= 40
    for f in readable:
        evidence = _read(demo, f.rel_path, tmp_path)
        assert evidence.ok and not evidence.ocr, f.rel_path
        assert len(_squeeze(evidence.text)) > 50, f.rel_path
        if f.doc_number:
            assert f.doc_number in evidence.text, f.rel_path
        if f.format == "xlsx":
            assert sum(t.row_count for t in evidence.tables) >= 10, f.rel_path


def test_stsong_text_pdf_reads_back_exactly(demo: DemoManifest, tmp_path: Path) -> None:
    notice = NOTICES["巩固提升"]
    evidence = _read(demo, "县应急管理局/巩固提升年实施方案.pdf", tmp_path)
    assert _squeeze(evidence.text) == _squeeze(notice.text())
    assert "蓬安委〔2022〕5号" in evidence.text and "（遂安委〔2022〕9号）" in evidence.text


def test_bad_files_become_the_intended_problems(demo: DemoManifest, tmp_path: Path) -> None:
    for f in demo.files:
        if f.tag != "bad":
            continue
        with pytest.raises(ReaderError) as info:
            _read(demo, f.rel_path, tmp_path)
        assert info.value.code == f.problem, f.rel_path


def test_report_counts_match_one_departments_tables_and_not_anothers(
    demo: DemoManifest, tmp_path: Path
) -> None:
    def problems(department: str) -> list[str]:
        files = [f for f in demo.files if f.department == department and f.format in ("xlsx", "docx", "pdf")]
        evidence = [
            _read(demo, f.rel_path, tmp_path) for f in files if f.tag == "evidence" and not f.ocr_pages
        ]
        return [p.message for p in check_consistency(department, evidence)]

    (consistent,), (inconsistent,) = demo.consistent, demo.inconsistent
    assert problems(consistent) == []
    found = problems(inconsistent)
    assert any("检查" in m for m in found) and any("没有检查记录" in m for m in found)


# ---- what was made once and committed -----------------------------------------------------------


def test_zip_bundle_has_gbk_names_without_the_utf8_flag(demo: DemoManifest) -> None:
    f = next(f for f in demo.files if f.format == "zip")
    with zipfile.ZipFile(demo.inbox / f.rel_path) as zf:
        infos = zf.infolist()
    assert infos and all(not info.flag_bits & 0x800 for info in infos)
    names = [info.filename.encode("cp437").decode("gbk") for info in infos]
    assert "安全生产月/安全生产月活动方案.docx" in names
    assert all(info.date_time == infos[0].date_time for info in infos)


def test_scans_have_no_text_layer_and_photos_keep_their_exif_time(demo: DemoManifest) -> None:
    for f in demo.files:
        path = demo.inbox / f.rel_path
        if f.format == "pdf" and f.ocr_pages:
            with pdfplumber.open(path) as pdf:
                assert len(pdf.pages) == f.ocr_pages
                assert all(not (page.extract_text() or "").strip() and page.images for page in pdf.pages)
        if f.format == "image":
            with Image.open(path) as img:
                taken = img.getexif().get_ifd(0x8769).get(36867)
            assert taken and taken.startswith("2022:"), f.rel_path


@pytest.mark.ocr
def test_ocr_reads_the_doc_number_under_the_seal(demo: DemoManifest, tmp_path: Path) -> None:
    from matchers.docnum import extract_doc_numbers

    f = next(f for f in demo.files if f.rel_path.endswith("危化品集中治理实施方案（扫描）.pdf"))
    evidence = _read(demo, f.rel_path, tmp_path)
    assert evidence.ocr
    assert f.doc_number in [n.canonical for n in extract_doc_numbers(evidence.text)]
