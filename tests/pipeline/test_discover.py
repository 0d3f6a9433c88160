"""Discovery on real trees built in tmp_path: messy folder names, lock files, symlinks, bad names."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

import pipeline.discover as discover_module
from pipeline.departments import DepartmentRegistry, load_departments
from pipeline.discover import discover, fs_name, fs_path, printable_name, skip_reason
from pipeline.errors import ConfigError

ZHUJIAN = "县住房城乡建设局"


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return load_departments()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def build_docx(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    # Three spellings of one department, at different depths.
    build_docx(inbox / "县住建" / "2022" / "7(2)" / "关于印发安全生产方案的通知.docx", "蓬住建发〔2022〕5号")
    write(inbox / "住建局" / "台账.txt", "燃气安全检查台账")
    write(inbox / "蓬溪县住房和城乡建设局" / "a" / "b" / "c" / "深层.txt", "深层文件")
    write(inbox / "神秘文件夹" / "说明.txt", "不知道是谁交的")
    write(inbox / "根目录文件.txt", "放在收件箱根目录")
    (inbox / "县应急局").mkdir()  # empty department folder: nothing to report
    # Office lock/temp and system files.
    for name in (
        "~$关于.docx",
        ".~lock.台账.xlsx#",
        ".DS_Store",
        "Thumbs.db",
        "desktop.ini",
        "a.tmp",
        "._x.docx",
    ):
        write(inbox / "住建局" / name, b"junk")
    write(inbox / "住建局" / "__MACOSX" / "._台账.txt", b"junk")
    return inbox


def by_rel(files):  # type: ignore[no-untyped-def]
    return {f.rel_path: f for f in files}


def test_nested_tree_departments_and_hashes(tree: Path, registry: DepartmentRegistry) -> None:
    d = discover(tree, registry)
    files = by_rel(d.files)
    assert sorted(files) == [
        "住建局/台账.txt",
        "县住建/2022/7(2)/关于印发安全生产方案的通知.docx",
        "根目录文件.txt",
        "神秘文件夹/说明.txt",
        "蓬溪县住房和城乡建设局/a/b/c/深层.txt",
    ]
    for rel in (
        "住建局/台账.txt",
        "县住建/2022/7(2)/关于印发安全生产方案的通知.docx",
        "蓬溪县住房和城乡建设局/a/b/c/深层.txt",
    ):
        assert files[rel].department == ZHUJIAN, rel
    assert files["县住建/2022/7(2)/关于印发安全生产方案的通知.docx"].folder == "县住建"
    assert files["根目录文件.txt"].department is None
    assert files["根目录文件.txt"].folder == ""
    assert files["神秘文件夹/说明.txt"].department is None
    assert d.unresolved_folders == ("神秘文件夹",)
    for f in d.files:
        real = Path(f.path)
        assert real == fs_path(tree, f.rel_path)
        assert f.sha256 == hashlib.sha256(real.read_bytes()).hexdigest()
        assert f.size == real.stat().st_size
    assert files["县住建/2022/7(2)/关于印发安全生产方案的通知.docx"].format == "docx"
    assert files["住建局/台账.txt"].format == "txt"
    assert not d.problems


def test_lock_and_system_files_are_skipped_with_reasons(tree: Path, registry: DepartmentRegistry) -> None:
    d = discover(tree, registry)
    skipped = {s.rel_path: s.reason for s in d.skipped}
    assert set(skipped) == {
        "住建局/~$关于.docx",
        "住建局/.~lock.台账.xlsx#",
        "住建局/.DS_Store",
        "住建局/Thumbs.db",
        "住建局/desktop.ini",
        "住建局/a.tmp",
        "住建局/._x.docx",
        "住建局/__MACOSX",
    }
    assert "Office" in skipped["住建局/~$关于.docx"]
    assert all("已跳过" in reason for reason in skipped.values())


@pytest.mark.parametrize(
    ("name", "skip"),
    [
        ("~$通知.docx", True),
        ("THUMBS.DB", True),
        ("~WRL0001.tmp", True),
        ("下载中.crdownload", True),
        ("通知.docx", False),
        ("~通知.docx", False),  # a tilde alone is a legitimate name
        ("lock.txt", False),
    ],
)
def test_skip_reason_table(name: str, skip: bool) -> None:
    assert (skip_reason(name) is not None) is skip


def test_order_is_deterministic(tree: Path, registry: DepartmentRegistry) -> None:
    first = discover(tree, registry)
    second = discover(tree, registry)
    assert [f.rel_path for f in first.files] == [f.rel_path for f in second.files]
    assert first == second


def test_symlinks_are_never_followed(tmp_path: Path, tree: Path, registry: DepartmentRegistry) -> None:
    secret = write(tmp_path / "outside" / "secret.txt", "收件箱以外的文件")
    (tmp_path / "outside" / "dir").mkdir()
    write(tmp_path / "outside" / "dir" / "x.txt", "x")
    os.symlink(secret, tree / "住建局" / "外部链接.txt")
    os.symlink(tmp_path / "outside" / "dir", tree / "住建局" / "外部文件夹")
    os.symlink(tree / "住建局" / "台账.txt", tree / "县住建" / "内部链接.txt")
    os.symlink(tmp_path / "nowhere", tree / "县住建" / "断开的链接.txt")

    d = discover(tree, registry)
    rels = {f.rel_path for f in d.files}
    assert not any("链接" in r or "外部" in r for r in rels)
    skipped = {s.rel_path: s.reason for s in d.skipped}
    assert skipped["住建局/外部链接.txt"] == "符号链接指向收件箱以外，未读取"
    assert skipped["住建局/外部文件夹"] == "符号链接指向收件箱以外，未读取"
    assert "住建局/台账.txt" in skipped["县住建/内部链接.txt"]
    assert "不存在" in skipped["县住建/断开的链接.txt"]
    outside = {p.rel_path for p in d.problems if p.code == "symlink_outside"}
    assert outside == {"住建局/外部链接.txt", "住建局/外部文件夹"}


def test_undecodable_and_control_character_names(tmp_path: Path, registry: DepartmentRegistry) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "县住建").mkdir(parents=True)
    gbk_name = "关于安全生产的通知.txt".encode("gbk")
    raw_dir = os.fsencode(inbox / "县住建")
    fd = os.open(raw_dir + b"/" + gbk_name, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, "GBK 文件名的文件".encode())
    os.close(fd)
    write(inbox / "县住建" / "响铃\x07名字.txt", "控制字符")
    write(inbox / "县住建" / "换行\n名字.txt", "换行")
    long_name = "长" * 81 + ".txt"  # 81 × 3 + 4 = 247 bytes
    write(inbox / "县住建" / long_name, "长文件名")
    assert len(os.fsencode(long_name)) <= 255

    d = discover(inbox, registry)
    assert len(d.files) == 4
    for f in d.files:
        assert f.rel_path.isprintable(), f.rel_path
        assert Path(f.path) == fs_path(inbox, f.rel_path)
        assert os.path.exists(fs_path(inbox, f.rel_path))
        assert f.department == ZHUJIAN
    bad = {p.rel_path: p for p in d.problems}
    assert len(bad) == 3
    assert all(
        p.code == "bad_name" and p.message.startswith("文件名包含无法识别的字符") for p in bad.values()
    )
    gbk = next(
        p
        for p in bad.values()
        if "\\x" in p.rel_path and "响铃" not in p.rel_path and "换行" not in p.rel_path
    )
    assert "关于安全生产的通知.txt" in gbk.message  # the GBK guess helps the office find the file
    assert f"县住建/{long_name}" in {f.rel_path for f in d.files}


def test_fifo_is_skipped_not_opened(tmp_path: Path, registry: DepartmentRegistry) -> None:
    inbox = tmp_path / "inbox"
    write(inbox / "县住建" / "a.txt", "a")
    os.mkfifo(inbox / "县住建" / "管道")
    d = discover(inbox, registry)
    assert [f.rel_path for f in d.files] == ["县住建/a.txt"]
    assert "县住建/管道" in {s.rel_path for s in d.skipped}


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path, registry: DepartmentRegistry) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    inbox = tmp_path / "inbox"
    locked = write(inbox / "县住建" / "锁定.txt", "x")
    write(inbox / "县住建" / "正常.txt", "y")
    locked.chmod(0)
    try:
        d = discover(inbox, registry)
    finally:
        locked.chmod(0o644)
    assert [f.rel_path for f in d.files] == ["县住建/正常.txt"]
    assert [(p.rel_path, p.code) for p in d.problems] == [("县住建/锁定.txt", "unreadable")]


def test_known_callback_skips_hashing(
    tree: Path, registry: DepartmentRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = discover(tree, registry)
    recorded = {f.rel_path: (f.size, f.mtime, f.sha256) for f in first.files}
    calls: list[str] = []
    real = discover_module.sha256_file

    def counting(path: str) -> tuple[str, bytes]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(discover_module, "sha256_file", counting)

    def known(rel_path: str, size: int, mtime: float) -> str | None:
        entry = recorded.get(rel_path)
        return entry[2] if entry and entry[:2] == (size, mtime) else None

    again = discover(tree, registry, known=known)
    assert calls == []
    assert again.files == first.files
    # A file changed in place (new size, new mtime) is hashed again, and only that one.
    changed = tree / "住建局" / "台账.txt"
    changed.write_text("燃气安全检查台账（修订）", encoding="utf-8")
    third = discover(tree, registry, known=known)
    assert calls == [str(changed)]
    assert by_rel(third.files)["住建局/台账.txt"].sha256 == hashlib.sha256(changed.read_bytes()).hexdigest()


def test_large_file_hashed_in_chunks(tmp_path: Path, registry: DepartmentRegistry) -> None:
    inbox = tmp_path / "inbox"
    data = os.urandom(3 * discover_module.CHUNK + 17)
    write(inbox / "县住建" / "大文件.pdf", b"%PDF-1.4\n" + data)
    (f,) = discover(inbox, registry).files
    assert f.sha256 == hashlib.sha256(b"%PDF-1.4\n" + data).hexdigest()
    assert f.format == "pdf"


def test_missing_inbox_is_a_config_error(tmp_path: Path, registry: DepartmentRegistry) -> None:
    with pytest.raises(ConfigError, match="收件箱"):
        discover(tmp_path / "nope", registry)


@given(st.text())
def test_printable_name_round_trips(name: str) -> None:
    shown = printable_name(name)
    assert fs_name(shown) == name
    assert not any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in shown)


@given(st.binary(min_size=1, max_size=40))
def test_printable_name_round_trips_raw_bytes(raw: bytes) -> None:
    name = os.fsdecode(raw)
    shown = printable_name(name)
    assert os.fsencode(fs_name(shown)) == raw
    shown.encode("utf-8")  # storable anywhere
