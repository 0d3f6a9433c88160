"""The department registry against the real 2022 rubric's wording, folder names and document headers."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from pipeline.departments import (
    DepartmentRegistry,
    bundled_departments_path,
    find_departments,
    load_departments,
    normalise_department_name,
    resolve_department,
)
from pipeline.errors import DepartmentsFileError
from pipeline.models import Department

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = ROOT / "pipeline" / "data" / "rubrics" / "2022-pengxi.txt"


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return load_departments(bundled_departments_path())


def duty_cells() -> list[str]:
    """The 职责分工 cells of the Word dump: a cell starts at a tab-led line; duty cells say 提供, never 扣."""
    text = RUBRIC.read_text(encoding="utf-8")
    cells = re.split(r"\n ?\t", "\n" + text)
    return [c for c in cells if "提供" in c and "扣" not in c and c.strip() != "职责分工及提供内容"]


def names(mentions: list) -> list[str]:
    return [m.department.name for m in mentions]


# ---------------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------------


def test_bundled_and_root_files_have_the_same_departments(registry: DepartmentRegistry) -> None:
    root = load_departments(ROOT / "departments.toml")
    assert root.names() == registry.names()
    assert [g.name for g in root.groups] == [g.name for g in registry.groups]


def test_none_prefers_the_working_directory_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_departments().source == str(bundled_departments_path())
    (tmp_path / "departments.toml").write_text(
        '[[department]]\nname = "县测试局"\naliases = ["测试局"]\n', encoding="utf-8"
    )
    local = load_departments()
    assert local.names() == ("县测试局",)
    assert local.get("县测试局").kind == "部门"


def test_every_alias_is_unique(registry: DepartmentRegistry) -> None:
    seen: dict[str, str] = {}
    for d in registry.departments:
        for written in (d.name, *d.aliases):
            assert seen.setdefault(written, d.name) == d.name, f"{written} in {seen[written]} and {d.name}"
    for g in registry.groups:
        for written in (g.name, *g.aliases):
            assert written not in seen or seen[written] == g.name
            seen[written] = g.name


def test_the_registry_has_what_the_rubric_needs(registry: DepartmentRegistry) -> None:
    for name in (
        "县委办公室",
        "县政府办公室",
        "县安办",
        "县应急管理局",
        "县公安局交警大队",
        "县总工会",
        "县妇联",
    ):
        assert registry.get(name).kind == "部门"
    assert registry.get("普安街道").kind == "街道"
    assert registry.get("大石镇").kind == "乡镇"
    assert registry.get("蓬溪经济开发区").kind == "园区"
    assert registry.get("县安办") != registry.get("县应急管理局")
    assert all(d.email == () for d in registry.departments)
    with pytest.raises(KeyError):
        registry.get("县住建局")  # an alias, not a canonical name


def test_groups_expand_kinds_and_members(registry: DepartmentRegistry) -> None:
    townships = registry.group("各乡镇")
    expected = [d.name for d in registry.departments if d.kind in ("乡镇", "街道", "园区")]
    assert list(townships.members) == expected
    assert len(registry.group("行业部门").members) == 17


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("[[department]\nname = 1", "格式错误"),
        ('[[department]]\naliases = ["甲"]\n', "缺少 name"),
        ('[[department]]\nname = "县甲局"\nkind = "单位"\n', "kind"),
        (
            '[[department]]\nname = "县甲局"\naliases = ["甲局"]\n[[department]]\nname = "县乙局"\naliases = ["甲局"]\n',
            "甲局",
        ),
        ('[[department]]\nname = "县甲局"\n[[department]]\nname = "县甲局"\n', "重复"),
        ('[[department]]\nname = "县甲局"\n[[group]]\nname = "各部门"\nmembers = ["县乙局"]\n', "县乙局"),
        ('[[department]]\nname = "县甲局"\nemail = ["not-an-address"]\n', "邮箱"),
        ('[[department]]\nname = "县甲局"\nalias = ["甲局"]\n', "alias"),
        ('[[departments]]\nname = "县甲局"\n', "departments"),
        ('[[department]]\nname = "县甲局"\n[[group]]\nname = "空组"\n', "没有成员"),
    ],
)
def test_bad_files_raise_a_chinese_error(tmp_path: Path, toml: str, fragment: str) -> None:
    path = tmp_path / "departments.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(DepartmentsFileError) as info:
        load_departments(path)
    assert fragment in info.value.message
    assert str(path) in info.value.message


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(DepartmentsFileError, match="找不到"):
        load_departments(tmp_path / "nope.toml")


# ---------------------------------------------------------------------------------------------
# resolve_department
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "methods"),
    [
        # rubric wording
        ("县交运局", "县交通运输局", {"exact"}),
        ("县住建", "县住房城乡建设局", {"exact"}),
        ("交警支队", "县公安局交警大队", {"exact"}),
        ("县公安局交警支队", "县公安局交警大队", {"exact"}),
        ("道安办", "县公安局交警大队", {"exact"}),
        ("市农业农村", "县农业农村局", {"exact"}),
        ("县文化广电旅游局", "县文化广播电视和旅游局", {"exact"}),
        ("县安办", "县安办", {"exact"}),
        ("县应急", "县应急管理局", {"exact"}),
        ("普安街道办", "普安街道", {"exact"}),
        # folder names
        ("住建", "县住房城乡建设局", {"exact"}),
        ("县住建局", "县住房城乡建设局", {"exact"}),
        ("蓬溪县住房和城乡建设局", "县住房城乡建设局", {"exact"}),
        ("03-县应急局", "县应急管理局", {"normalised"}),
        ("应急局佐证", "县应急管理局", {"normalised"}),
        ("03 县住房城乡建设局佐证资料", "县住房城乡建设局", {"normalised"}),
        ("（12）县消防救援大队", "县消防救援大队", {"normalised"}),
        ("县应急管理局2022年佐证资料", "县应急管理局", {"normalised"}),
        ("蓬溪县教育体育局", "县教育和体育局", {"normalised"}),
        ("县公安局交警大队(道安办)", "县公安局交警大队", {"exact", "normalised"}),
        ("金桥街道办事处", "金桥街道", {"exact"}),
        ("蓬溪县大石镇人民政府", "大石镇", {"normalised"}),
        # full-width forms
        ("县　应急局", "县应急管理局", {"normalised"}),
        ("０３－县住建局", "县住房城乡建设局", {"normalised"}),
        ("县住建局（２０２２）", "县住房城乡建设局", {"normalised"}),
        # document headers
        ("蓬溪县交通运输局文件", "县交通运输局", {"normalised"}),
        ("中共蓬溪县委办公室", "县委办公室", {"exact"}),
        ("中共蓬溪县委组织部文件", "县委组织部", {"normalised"}),
        ("蓬溪县人民政府办公室文件", "县政府办公室", {"exact", "normalised"}),
        ("蓬溪县应急管理局关于开展安全生产大检查的通知", "县应急管理局", {"fuzzy"}),
        # OCR-damaged
        ("蓬溪县住房城乡建没局", "县住房城乡建设局", {"fuzzy"}),
        ("县市场监替管理局", "县市场监督管理局", {"fuzzy"}),
    ],
)
def test_resolves(registry: DepartmentRegistry, text: str, expected: str, methods: set[str]) -> None:
    result = resolve_department(text, registry)
    assert result.ok, result
    assert result.department is not None and result.department.name == expected
    assert result.method in methods
    assert result.query == text


@pytest.mark.parametrize(
    "text",
    [
        "遂宁市应急管理局",  # the city's bureau
        "市安办",  # the city's safety office
        "四川省应急管理厅",
        "应急救援",
        "电子商务",
        "县委",  # the party committee, not its office
        "县政府",  # the government, not its office
        "安全生产",
        "照片",
        "",
        "   ",
    ],
)
def test_does_not_resolve(registry: DepartmentRegistry, text: str) -> None:
    result = resolve_department(text, registry)
    assert result.department is None
    assert result.method == "none"
    assert not result.ok


def test_two_departments_in_one_name_are_ambiguous(registry: DepartmentRegistry) -> None:
    result = resolve_department("住建局和应急局联合检查", registry)
    assert result.method == "ambiguous"
    assert result.department is None
    assert {d.name for d in result.candidates} == {"县住房城乡建设局", "县应急管理局"}


def test_a_group_phrase_is_ambiguous_with_its_members(registry: DepartmentRegistry) -> None:
    result = resolve_department("各乡镇（街道、园区）", registry)
    assert result.method == "ambiguous"
    assert len(result.candidates) == len(registry.group("各乡镇").members)


def test_a_fuzzy_tie_is_ambiguous_not_a_guess() -> None:
    registry = DepartmentRegistry(
        (Department("县第一中学", ("一中",)), Department("县第二中学", ("二中",)), Department("县人民医院"))
    )
    result = resolve_department("县第三中学", registry, threshold=75)
    assert result.method == "ambiguous"
    assert result.department is None
    assert {d.name for d in result.candidates} == {"县第一中学", "县第二中学"}
    assert resolve_department("县第三中学", registry).method == "none"  # under the default threshold
    assert resolve_department("县第二中字", registry, threshold=75).method == "fuzzy"


def test_a_duplicate_alias_in_a_hand_built_registry_is_ambiguous() -> None:
    registry = DepartmentRegistry((Department("县甲局", ("甲",)), Department("县乙局", ("甲",))))
    assert resolve_department("甲", registry).method == "ambiguous"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("蓬溪县住房和城乡建设局", "县住房城乡建设局"),
        ("县公安局交警支队", "县公安局交警大队"),
        ("县政府办", "蓬溪县人民政府办公室"),
        ("普安街道办事处", "普安街道"),
        ("０３－县应急局佐证资料", "应急局"),
    ],
)
def test_normalised_forms_agree(a: str, b: str) -> None:
    assert normalise_department_name(a) == normalise_department_name(b)


@pytest.mark.parametrize(("a", "b"), [("县政府", "县政府办"), ("市安办", "县安办"), ("县委", "县委办")])
def test_normalised_forms_keep_what_tells_apart(a: str, b: str) -> None:
    assert normalise_department_name(a) != normalise_department_name(b)


# ---------------------------------------------------------------------------------------------
# find_departments
# ---------------------------------------------------------------------------------------------

ITEM_7_2 = (
    "（2）县住建（燃气、建筑施工、铁路）、县卫生健康局（疫情隔离场所、卫生健康领域）、县公安局（民爆物品、"
    "监狱戒毒场所）、县教体局（校园安全、体育行业）、县市场监管（特种设备）、县文广（旅游行业）、"
    "县商务经合局（商贸服务）、市农业农村（农业农村）、县交运局、县交警大队（交通安全）、县经科局（工贸行业）、"
    "县消防救援大队（消防安全）、县水利（水电站）、县生态环境（危险废物）、县发改（能源安全、粮食和物资储备安全）、"
    "县民政（民政领域）、县应急（危险化学品、烟花爆竹、非煤矿山）提供本行业领域重点企业名单+重点企业检查记录+"
    "问题隐患整改台账"
)
ITEM_7_2_DEPARTMENTS = [
    "县住房城乡建设局", "县卫生健康局", "县公安局", "县教育和体育局", "县市场监督管理局",
    "县文化广播电视和旅游局", "县商务经济合作局", "县农业农村局", "县交通运输局", "县公安局交警大队",
    "县经济科技和信息化局", "县消防救援大队", "县水利局", "市生态环境局蓬溪分局", "县发展和改革局",
    "县民政局", "县应急管理局",
]  # fmt: skip

COMMITTEES = (
    "（3）12个专委会（县应急局、交通运输局、住房城乡建设局、交警大队、经科局、农业农村局、市场监管局、"
    "文广旅游局、商务经合局、消防救援大队、教育体育局、县卫生健康局）"
)


def test_item_7_2_names_17_departments_in_order(registry: DepartmentRegistry) -> None:
    assert ITEM_7_2 in RUBRIC.read_text(encoding="utf-8")  # copied from the rubric, not invented
    mentions = find_departments(ITEM_7_2, registry)
    assert names(mentions) == ITEM_7_2_DEPARTMENTS
    for m in mentions:
        assert ITEM_7_2[m.start : m.end] == m.written


def test_the_12_committees(registry: DepartmentRegistry) -> None:
    assert COMMITTEES in RUBRIC.read_text(encoding="utf-8")
    found = names(find_departments(COMMITTEES, registry))
    assert found == [
        "县应急管理局", "县交通运输局", "县住房城乡建设局", "县公安局交警大队", "县经济科技和信息化局",
        "县农业农村局", "县市场监督管理局", "县文化广播电视和旅游局", "县商务经济合作局", "县消防救援大队",
        "县教育和体育局", "县卫生健康局",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "经科、商务、市场监管、交运提供分批次组织市级、县级安全监管干部",
            ["县经济科技和信息化局", "县商务经济合作局", "县市场监督管理局", "县交通运输局"],
        ),
        (
            "县住建、交运、商务、经科等部门提供检查",
            ["县住房城乡建设局", "县交通运输局", "县商务经济合作局", "县经济科技和信息化局"],
        ),
        ("县农业农村局、大石镇、任隆镇提供进农村方案", ["县农业农村局", "大石镇", "任隆镇"]),
        ("县住建局、赤城镇、普安街道办提供进社区方案", ["县住房城乡建设局", "赤城镇", "普安街道"]),
        ("县公安局交警支队（道安办）、县住房城乡建设局", ["县公安局交警大队", "县住房城乡建设局"]),
        ("县政府办提供县政府办的值班值守制度", ["县政府办公室", "县政府办公室"]),
        # full-width/half-width: the same cell written with ASCII punctuation
        ("县住建(燃气)、县民政(民政领域),交运提供", ["县住房城乡建设局", "县民政局", "县交通运输局"]),
        # no mention inside ordinary words or of the city's offices
        ("加强应急救援能力建设", []),
        ("推进电子商务发展", []),
        ("遂宁市应急管理局每日生产安全事故快报和市安办每月报告", []),
        ("问题隐患台账安办制定后统一发送到各单位", []),
        ("提供县委常委会、县政府常务会学习资料", []),
        ("城市规划佐证合理布局", []),
    ],
)
def test_find_departments(registry: DepartmentRegistry, text: str, expected: list[str]) -> None:
    assert names(find_departments(text, registry)) == expected


def test_group_phrases_expand_with_the_group_span(registry: DepartmentRegistry) -> None:
    text = "县安办提供；各乡镇（街道、园区）提供；行业部门提供"
    mentions = find_departments(text, registry)
    assert mentions[0].department.name == "县安办"
    townships = [m for m in mentions if m.written == "各乡镇（街道、园区）"]
    assert [m.department.name for m in townships] == list(registry.group("各乡镇").members)
    assert {(m.start, m.end) for m in townships} == {(6, 16)}
    industry = [m for m in mentions if m.written == "行业部门"]
    assert len(industry) == 17
    assert len(mentions) == 1 + len(townships) + 17


def test_mentions_do_not_overlap(registry: DepartmentRegistry) -> None:
    for cell in duty_cells():
        spans = sorted({(m.start, m.end) for m in find_departments(cell, registry)})
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end, cell[:40]


# Department-looking names in the 职责分工 cells: an organ suffix, or a short form before 、（ or 提供.
_ORGAN = re.compile(
    r"(?<![一-龥])(?:县|市)(?!级)(?:(?!提供)[一-龥]){1,12}?(?:局|大队|支队|办公室|部|会|办|联)"
)
_SHORT_FORM = re.compile(r"(?<![一-龥])(?:县|市)(?!级)(?:(?!提供)[一-龥]){1,8}?(?=（|、|提供|等部门)")
_TOWN = re.compile(r"(?<![一-龥])[一-龥]{2}(?:镇|街道办|街道)(?=、|提供)")


# Look like organs to the regexes, but are meetings of the county leadership.
NOT_DEPARTMENTS = {"县政府常务会"}


def test_every_department_named_in_the_duty_cells_resolves(registry: DepartmentRegistry) -> None:
    candidates: set[str] = set()
    for cell in duty_cells():
        for pattern in (_ORGAN, _SHORT_FORM, _TOWN):
            candidates.update(m.group() for m in pattern.finditer(cell))
    assert len(candidates) > 40  # the extraction itself works
    assert candidates >= NOT_DEPARTMENTS  # the exclusions are still needed
    for name in NOT_DEPARTMENTS:
        assert not resolve_department(name, registry).ok
    unresolved = [c for c in sorted(candidates - NOT_DEPARTMENTS) if not resolve_department(c, registry).ok]
    assert unresolved == []


def test_every_duty_cell_names_someone(registry: DepartmentRegistry) -> None:
    cells = duty_cells()
    assert len(cells) >= 15
    for cell in cells:
        assert find_departments(cell, registry), cell[:40]
