import hashlib
import zipfile
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.errors import UnsupportedFileType
from pipeline.readers import read_evidence
from pipeline.readers.archive import expand_zip
from tests.builders.office import (
    NOTICE_NUMBER,
    read_context,
    source_for,
    truncate,
    write_docx,
    write_encrypted_member_zip,
    write_gbk_zip,
    write_nested_zip,
    write_zip,
    write_zip_bomb,
)


def expand(path: Path, tmp_path: Path, limits: Limits | None = None):
    return expand_zip(
        source_for(path, rel_path=f"县应急局/{path.name}"), tmp_path / "scratch", limits or Limits()
    )


def test_members_become_source_files_in_scratch(tmp_path: Path) -> None:
    docx = write_docx(tmp_path / "通知.docx").read_bytes()
    path = write_zip(
        tmp_path / "佐证.zip", [("一、会议/通知.docx", docx), ("台账.txt", "台账〔2022〕".encode())]
    )
    zip_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    members, problems = expand(path, tmp_path)
    assert problems == []
    by_rel = {m.rel_path: m for m in members}
    assert set(by_rel) == {"县应急局/佐证.zip!/一、会议/通知.docx", "县应急局/佐证.zip!/台账.txt"}
    doc = by_rel["县应急局/佐证.zip!/一、会议/通知.docx"]
    assert Path(doc.path) == tmp_path / "scratch" / zip_sha / "一、会议" / "通知.docx"
    assert doc.format == "docx" and doc.container == "县应急局/佐证.zip" and doc.department == "县应急局"
    assert doc.sha256 == hashlib.sha256(docx).hexdigest() and doc.size == len(docx)
    assert NOTICE_NUMBER in read_evidence(doc, read_context(tmp_path)).text


def test_gbk_member_names_decoded(tmp_path: Path) -> None:
    path = write_gbk_zip(tmp_path / "win.zip", [("安全生产/蓬安办〔2022〕1号.txt", "正文".encode())])
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist()[0] != "安全生产/蓬安办〔2022〕1号.txt"  # zipfile alone gets it wrong (cp437)
    members, problems = expand(path, tmp_path)
    assert problems == []
    assert [m.rel_path for m in members] == ["县应急局/win.zip!/安全生产/蓬安办〔2022〕1号.txt"]
    assert Path(members[0].path).read_text(encoding="utf-8") == "正文"


def test_zip_slip_refused(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "evil.zip",
        [
            ("../../逃逸.txt", b"x"),
            ("/etc/cron.d/evil", b"x"),
            ("C:/Windows/evil.txt", b"x"),
            ("a\\..\\..\\b.txt", b"x"),
            ("ok.txt", "好".encode()),
        ],
    )
    members, problems = expand(path, tmp_path)
    assert [m.rel_path for m in members] == ["县应急局/evil.zip!/ok.txt"]
    assert [p.code for p in problems] == ["zip_slip"] * 4
    assert all("路径不安全" in p.message for p in problems)
    assert not (tmp_path / "逃逸.txt").exists() and not (tmp_path / "scratch" / "逃逸.txt").exists()


def test_zip_bomb_refused_by_ratio(tmp_path: Path) -> None:
    path = write_zip_bomb(tmp_path / "bomb.zip")
    members, problems = expand(path, tmp_path)
    assert members == []
    assert [p.code for p in problems] == ["zip_bomb"]
    assert problems[0].rel_path == "县应急局/bomb.zip!/报表.txt"


def test_total_size_and_member_count_limits(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.zip", [(f"{i}.txt", b"a" * 1000) for i in range(10)])
    members, problems = expand(path, tmp_path, Limits(zip_max_total_bytes=3500))
    assert len(members) == 3 and [p.code for p in problems] == ["too_large"]
    members, problems = expand(path, tmp_path, Limits(zip_max_members=4))
    assert len(members) == 4 and [p.code for p in problems] == ["too_many_members"]


def test_nested_zip_expanded_within_depth(tmp_path: Path) -> None:
    path = write_nested_zip(tmp_path / "outer.zip", 2, ("内层.txt", "内层文字".encode()))
    members, problems = expand(path, tmp_path, Limits(zip_max_depth=2))
    assert problems == []
    assert [m.rel_path for m in members] == ["县应急局/outer.zip!/第1层.zip!/内层.txt"]
    assert members[0].container == "县应急局/outer.zip!/第1层.zip"


def test_nested_zip_beyond_depth_is_a_problem(tmp_path: Path) -> None:
    path = write_nested_zip(tmp_path / "outer.zip", 3, ("内层.txt", b"x"))
    members, problems = expand(path, tmp_path, Limits(zip_max_depth=2))
    assert members == []
    assert [(p.code, p.rel_path) for p in problems] == [
        ("too_deep", "县应急局/outer.zip!/第1层.zip!/第2层.zip")
    ]


def test_junk_and_directories_skipped(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "mac.zip",
        [
            ("__MACOSX/._a.txt", b"x"),
            ("文件夹/", b""),
            (".DS_Store", b"x"),
            ("子/Thumbs.db", b"x"),
            ("a.txt", b"a"),
        ],
    )
    members, problems = expand(path, tmp_path)
    assert [m.rel_path for m in members] == ["县应急局/mac.zip!/a.txt"] and problems == []


def test_encrypted_member(tmp_path: Path) -> None:
    members, problems = expand(write_encrypted_member_zip(tmp_path / "pw.zip"), tmp_path)
    assert members == []
    assert [(p.code, p.rel_path) for p in problems] == [("encrypted", "县应急局/pw.zip!/密码.txt")]


@pytest.mark.parametrize("damage", ["truncated", "random", "empty"])
def test_bad_zip_is_a_problem_not_a_crash(tmp_path: Path, damage: str) -> None:
    path = write_zip(tmp_path / "bad.zip", [("a.txt", bytes(range(256)) * 100)])
    if damage == "truncated":
        truncate(path, 0.5)
    elif damage == "random":
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    else:
        path.write_bytes(b"")
    members, problems = expand(path, tmp_path)
    assert members == []
    assert [p.code for p in problems] == ["empty" if damage == "empty" else "corrupt"]


def test_damaged_member_data(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "crc.zip", [("a.txt", "一二三".encode() * 200), ("b.txt", b"ok")])
    raw = bytearray(path.read_bytes())
    raw[40] ^= 0xFF  # inside the first member's compressed data
    path.write_bytes(bytes(raw))
    members, problems = expand(path, tmp_path)
    assert [m.rel_path for m in members] == ["县应急局/crc.zip!/b.txt"]
    assert [(p.code, p.rel_path) for p in problems] == [("corrupt", "县应急局/crc.zip!/a.txt")]


def test_zip_is_not_read_as_a_document(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.zip", [("a.txt", b"a")])
    with pytest.raises(UnsupportedFileType) as err:
        read_evidence(source_for(path), read_context(tmp_path))
    assert "解压" in err.value.message


def test_original_zip_untouched(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.zip", [("a.txt", b"a"), ("../b.txt", b"b")])
    before = path.read_bytes()
    expand(path, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip", "scratch"]
