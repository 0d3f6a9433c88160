"""The department registry: who hands in evidence, and every way the rubric and the files name them.

The registry lives in ``departments.toml`` (the project root one if present, else the bundled default)
so the office can add an alias or an e-mail without touching code. Three questions are answered here:

* ``resolve_department(text)`` — which one department does a folder name, a document header or a
  rubric phrase mean? Exact alias first, then normalised forms (full-width → half-width, 蓬溪县/县
  prefix, 局/大队/支队 suffix, 办公室 = 办, 和 dropped, folder decoration such as ``03-`` or ``佐证资料``
  removed), then ``rapidfuzz.fuzz.ratio`` on whole strings (not ``WRatio``: its partial matching would
  let 遂宁市应急管理局 pass for 县应急管理局), then a department named inside a longer text
  (蓬溪县应急管理局关于…的通知). When two departments fit equally well the answer is ``ambiguous``
  with the candidates: it never guesses.
* ``find_departments(text)`` — every department a free text names (a 职责分工 cell), in order,
  leftmost-longest, no overlaps. A group phrase (各乡镇（街道、园区）, 行业部门) becomes one mention per
  member, all with the group's span. Surprises, on purpose:
    - ``short_aliases`` (应急, 商务, 民政 …) are common words; in free text they count only between
      delimiters: preceded by the start, punctuation, 县, 和/及/与, and followed by the end,
      punctuation, or 提供/等/负责/牵头/配合/部门/和/及/与. So "经科、商务、市场监管、交运提供" finds four
      departments and "应急救援" or "电子商务" none. ``resolve_department`` treats them as plain aliases.
    - an alias that does not itself start with 县/市/蓬溪/遂宁/中共/各 is not a mention right after 市 or
      省: 遂宁市应急管理局 and 市安办 are the city's offices, not the county's.
    - a parenthesis right after a department mention describes its field (县住建（燃气、建筑施工、铁路）,
      县民政（民政领域）) and is skipped, so 民政 inside it is not a second mention.
* ``load_departments(path)`` — the file, validated; every inconsistency is a ``DepartmentsFileError``
  with a Chinese message naming the entry.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast, get_args

from rapidfuzz import fuzz

from pipeline.errors import DepartmentsFileError
from pipeline.models import Department, DepartmentKind, Resolution

DEPARTMENTS_FILE = "departments.toml"
KINDS: tuple[str, ...] = get_args(DepartmentKind)

# Two fuzzy candidates closer than this (in rapidfuzz points) are a tie: answer "ambiguous".
TIE_MARGIN = 3.0


@dataclass(frozen=True)
class Group:
    """A collective phrase of the rubric (各乡镇（街道、园区）) and the canonical names it stands for."""

    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]  # canonical department names, kinds already expanded


@dataclass(frozen=True)
class DepartmentMention:
    """A department named in free text; ``written`` is the text as written at ``start:end``."""

    department: Department
    start: int
    end: int
    written: str


@dataclass(frozen=True)
class _Pattern:
    text: str  # NFKC-folded alias
    department: Department | None
    group: Group | None
    short: bool


@dataclass(frozen=True)
class _Index:
    by_name: Mapping[str, Department]
    exact: Mapping[str, tuple[Department, ...]]  # name/alias as written → departments
    groups: Mapping[str, Group]  # group name/alias (folded) → group
    normalised: Mapping[str, tuple[Department, ...]]  # normalise_department_name(alias) → departments
    fuzzy: tuple[tuple[Department, str, str], ...]  # (department, normalised alias, folded alias)
    patterns: Mapping[str, tuple[_Pattern, ...]]  # first char → patterns, longest first


@dataclass(frozen=True)
class DepartmentRegistry:
    """The departments and groups of one registry file.

    ``short_aliases`` marks which of the departments' aliases are common words (see the module
    docstring); they also appear in ``Department.aliases``.
    """

    departments: tuple[Department, ...]
    groups: tuple[Group, ...] = ()
    source: str = ""
    short_aliases: frozenset[str] = frozenset()
    _index: _Index = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self))

    def get(self, name: str) -> Department:
        """The department with this canonical name; KeyError otherwise (aliases: resolve_department)."""
        return self._index.by_name[name]

    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.departments)

    def group(self, name: str) -> Group:
        """The group with this name or alias; KeyError otherwise."""
        return self._index.groups[_fold(name)]


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def bundled_departments_path() -> Path:
    """The default registry shipped with the package (pipeline/data/departments.toml)."""
    return Path(__file__).resolve().parent / "data" / DEPARTMENTS_FILE


def load_departments(path: Path | None = None) -> DepartmentRegistry:
    """Read and check a registry file; ``None`` means ./departments.toml if present, else the bundled one."""
    if path is None:
        local = Path.cwd() / DEPARTMENTS_FILE
        path = local if local.is_file() else bundled_departments_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DepartmentsFileError(f"找不到部门名册文件：{path}", detail=str(e)) from e
    except UnicodeDecodeError as e:
        raise DepartmentsFileError(f"部门名册文件不是 UTF-8 编码：{path}", detail=str(e)) from e
    except tomllib.TOMLDecodeError as e:
        raise DepartmentsFileError(f"部门名册文件格式错误（TOML）：{path}", detail=str(e)) from e
    except OSError as e:
        raise DepartmentsFileError(f"无法读取部门名册文件：{path}", detail=str(e)) from e
    return _registry_from_data(data, source=str(path))


def _registry_from_data(data: Mapping[str, Any], *, source: str) -> DepartmentRegistry:
    where = f"部门名册 {source}"
    unknown = set(data) - {"department", "group"}
    if unknown:
        raise DepartmentsFileError(
            f"{where}：无法识别的条目 {'、'.join(sorted(unknown))}（只允许 [[department]] 和 [[group]]）"
        )
    raw_departments = data.get("department", [])
    raw_groups = data.get("group", [])
    if not isinstance(raw_departments, list) or not isinstance(raw_groups, list):
        raise DepartmentsFileError(f"{where}：department 和 group 必须写成 [[department]] / [[group]] 表数组")
    if not raw_departments:
        raise DepartmentsFileError(f"{where}：没有任何 [[department]] 条目")

    owner: dict[str, str] = {}  # every name/alias (folded) → the entry that claims it

    def claim(written: str, entry: str) -> None:
        key = _fold(written)
        if key in owner and owner[key] != entry:
            raise DepartmentsFileError(
                f"{where}：名称或别名“{written}”重复，同时出现在“{owner[key]}”和“{entry}”中"
            )
        owner[key] = entry

    departments: list[Department] = []
    short_aliases: set[str] = set()
    for n, raw in enumerate(raw_departments, start=1):
        label = f"第{n}个 [[department]]"
        if not isinstance(raw, dict):
            raise DepartmentsFileError(f"{where}：{label} 不是表")
        extra = set(raw) - {"name", "aliases", "short_aliases", "kind", "email"}
        if extra:
            raise DepartmentsFileError(f"{where}：{label} 有无法识别的字段 {'、'.join(sorted(extra))}")
        name = _text(raw.get("name"), f"{where}：{label} 缺少 name（部门名称）")
        if any(d.name == name for d in departments):
            raise DepartmentsFileError(f"{where}：部门名称“{name}”重复出现")
        label = f"部门“{name}”"
        aliases = _texts(raw.get("aliases", []), f"{where}：{label} 的 aliases 必须是字符串列表")
        shorts = _texts(raw.get("short_aliases", []), f"{where}：{label} 的 short_aliases 必须是字符串列表")
        kind = raw.get("kind", "部门")
        if kind not in KINDS:
            raise DepartmentsFileError(f"{where}：{label} 的 kind“{kind}”无效，只能是 {'、'.join(KINDS)}")
        emails = _texts(raw.get("email", []), f"{where}：{label} 的 email 必须是字符串列表", allow_str=True)
        for address in emails:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
                raise DepartmentsFileError(f"{where}：{label} 的邮箱地址“{address}”格式不正确")
        all_aliases = _unique(a for a in (*aliases, *shorts) if a != name)
        for written in (name, *all_aliases):
            claim(written, name)
        short_aliases.update(shorts)
        departments.append(Department(name, all_aliases, cast(DepartmentKind, kind), emails))

    by_name = {d.name: d for d in departments}
    by_alias = {a: d.name for d in departments for a in d.aliases}
    groups: list[Group] = []
    for n, raw in enumerate(raw_groups, start=1):
        label = f"第{n}个 [[group]]"
        if not isinstance(raw, dict):
            raise DepartmentsFileError(f"{where}：{label} 不是表")
        extra = set(raw) - {"name", "aliases", "kinds", "members"}
        if extra:
            raise DepartmentsFileError(f"{where}：{label} 有无法识别的字段 {'、'.join(sorted(extra))}")
        name = _text(raw.get("name"), f"{where}：{label} 缺少 name（分组名称）")
        if any(g.name == name for g in groups):
            raise DepartmentsFileError(f"{where}：分组名称“{name}”重复出现")
        label = f"分组“{name}”"
        aliases = _unique(_texts(raw.get("aliases", []), f"{where}：{label} 的 aliases 必须是字符串列表"))
        kinds = _texts(raw.get("kinds", []), f"{where}：{label} 的 kinds 必须是字符串列表")
        written_members = _texts(raw.get("members", []), f"{where}：{label} 的 members 必须是字符串列表")
        for kind in kinds:
            if kind not in KINDS:
                raise DepartmentsFileError(
                    f"{where}：{label} 的 kinds 中“{kind}”无效，只能是 {'、'.join(KINDS)}"
                )
        members: list[str] = []
        for member in written_members:
            canonical = member if member in by_name else by_alias.get(member)
            if canonical is None:
                raise DepartmentsFileError(f"{where}：{label} 的成员“{member}”不是名册中的部门")
            members.append(canonical)
        members.extend(d.name for d in departments if d.kind in kinds)
        if not members:
            raise DepartmentsFileError(f"{where}：{label} 没有成员（members 或 kinds 至少写一项）")
        for written in _unique((name, *aliases)):
            claim(written, name)
        groups.append(Group(name, tuple(a for a in aliases if a != name), _unique(members)))

    return DepartmentRegistry(tuple(departments), tuple(groups), source, frozenset(short_aliases))


def _text(value: object, message: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DepartmentsFileError(message)
    return value.strip()


def _texts(value: object, message: str, *, allow_str: bool = False) -> tuple[str, ...]:
    if allow_str and isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DepartmentsFileError(message)
    return tuple(v.strip() for v in value)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# ---------------------------------------------------------------------------------------------
# Normalising
# ---------------------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^(?:\d{4}年度?|\(?\d{1,3}[)\].、\-_ ]*|[一二三四五六七八九十]+[、.])+")
_DECORATION = re.compile(r"(?:佐证资料|佐证材料|佐证|资料|材料|文件|提供|报送|汇总|\d{4}年度?|\d+)+$")
_BRACKETED = re.compile(r"[(\[【《〔][^)\]】》〕]*[)\]】》〕]")
_PUNCTUATION = re.compile(r"[\s\-_.·•、,;:'\"“”‘’/|]+")
_PREFIXES = ("中国共产党", "中共", "四川省遂宁市蓬溪县", "遂宁市蓬溪县", "蓬溪县", "蓬溪", "县")
_SUFFIXES = ("分局", "大队", "支队", "中队", "局")


def _fold_char(c: str) -> str:
    folded = unicodedata.normalize("NFKC", c)
    return folded if len(folded) == 1 else c


def _fold(text: str) -> str:
    """NFKC one character at a time, so that offsets in the folded text are offsets in the original."""
    return "".join(_fold_char(c) for c in text)


def normalise_department_name(text: str) -> str:
    """A matching key, never shown: 蓬溪县住房和城乡建设局 and 03-县住房城乡建设局佐证资料 both give 住房城乡建设.

    Keeps 市 (the city's offices are not the county's) and keeps 办 (县政府 is not 县政府办).
    """
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s)
    s = _LEADING_NUMBER.sub("", s)
    s = _BRACKETED.sub("", s)
    s = _PUNCTUATION.sub("", s)
    s = _DECORATION.sub("", s)
    stripped = True
    while stripped:  # 中共蓬溪县委办公室 → 蓬溪县委办公室 → 委办公室
        stripped = False
        for prefix in _PREFIXES:
            if s.startswith(prefix) and len(s) > len(prefix) + 1:
                s = s[len(prefix) :]
                stripped = True
                break
    s = (
        s.replace("人民政府", "政府")
        .replace("办公室", "办")
        .replace("街道办事处", "街道")
        .replace("街道办", "街道")
    )
    s = s.replace("和", "")
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
            break
    return s


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------


def _build_index(registry: DepartmentRegistry) -> _Index:
    exact: dict[str, list[Department]] = {}
    normalised: dict[str, list[Department]] = {}
    fuzzy: list[tuple[Department, str, str]] = []
    patterns: dict[str, list[_Pattern]] = {}

    def add_pattern(p: _Pattern) -> None:
        if p.text:
            patterns.setdefault(p.text[0], []).append(p)

    for d in registry.departments:
        for written in (d.name, *d.aliases):
            if d not in exact.setdefault(written, []):
                exact[written].append(d)
            key = normalise_department_name(written)
            if key and d not in normalised.setdefault(key, []):
                normalised[key].append(d)
            fuzzy.append((d, key, _fold(written)))
            add_pattern(_Pattern(_fold(written), d, None, written in registry.short_aliases))
    groups: dict[str, Group] = {}
    for g in registry.groups:
        for written in (g.name, *g.aliases):
            groups[_fold(written)] = g
            add_pattern(_Pattern(_fold(written), None, g, False))
    return _Index(
        by_name={d.name: d for d in registry.departments},
        exact={k: tuple(v) for k, v in exact.items()},
        groups=groups,
        normalised={k: tuple(v) for k, v in normalised.items()},
        fuzzy=tuple(fuzzy),
        patterns={k: tuple(sorted(v, key=lambda p: -len(p.text))) for k, v in patterns.items()},
    )


# ---------------------------------------------------------------------------------------------
# Resolving one name
# ---------------------------------------------------------------------------------------------


def resolve_department(text: str, registry: DepartmentRegistry, *, threshold: float = 85.0) -> Resolution:
    """The one department ``text`` means, or the candidates when it could be several (see module doc)."""
    index = registry._index
    query = text.strip()
    if not query:
        return Resolution(text, None)

    found = index.exact.get(query, ())
    if len(found) == 1:
        return Resolution(text, found[0], (found[0],), "exact", 100.0)
    if len(found) > 1:
        return Resolution(text, None, found, "ambiguous", 100.0)
    group = index.groups.get(_fold(query))
    if group is not None:
        members = tuple(registry.get(m) for m in group.members)
        return Resolution(text, None, members, "ambiguous", 100.0)

    key = normalise_department_name(query)
    found = index.normalised.get(key, ())
    if len(found) == 1:
        return Resolution(text, found[0], (found[0],), "normalised", 100.0)
    if len(found) > 1:
        return Resolution(text, None, found, "ambiguous", 100.0)

    fuzzy = _resolve_fuzzy(text, key, index, threshold)
    if fuzzy is not None:
        return fuzzy
    return _resolve_contained(text, registry)


def _resolve_fuzzy(text: str, key: str, index: _Index, threshold: float) -> Resolution | None:
    folded = re.sub(r"\s+", "", _fold(text))
    best: dict[str, tuple[float, Department]] = {}
    for department, alias_key, alias in index.fuzzy:
        # One edit in a two- or three-character name is another name (县政府 is not 县政府办).
        score = fuzz.ratio(folded, alias) if len(folded) >= 5 else 0.0
        if len(key) >= 3 and len(alias_key) >= 3:
            score = max(score, fuzz.ratio(key, alias_key))
        if score > best.get(department.name, (-1.0, department))[0]:
            best[department.name] = (score, department)
    ranked = sorted(best.values(), key=lambda sd: -sd[0])
    if not ranked or ranked[0][0] < threshold:
        return None
    top = ranked[0][0]
    tied = tuple(d for s, d in ranked if s >= threshold and top - s < TIE_MARGIN)
    if len(tied) > 1:
        return Resolution(text, None, tied, "ambiguous", top)
    return Resolution(text, ranked[0][1], (ranked[0][1],), "fuzzy", top)


def _resolve_contained(text: str, registry: DepartmentRegistry) -> Resolution:
    """A header such as 蓬溪县应急管理局关于…的通知: one department named inside, by a full alias."""
    mentions = [m for m in find_departments(text, registry) if len(m.written) >= 3]
    found = tuple(_unique_departments(m.department for m in mentions))
    if len(found) == 1:
        score = fuzz.partial_ratio(mentions[0].written, text)
        return Resolution(text, found[0], found, "fuzzy", score)
    if len(found) > 1:
        return Resolution(text, None, found, "ambiguous", 0.0)
    return Resolution(text, None)


def _unique_departments(departments: Iterable[Department]) -> list[Department]:
    return list({d.name: d for d in departments}.values())


# ---------------------------------------------------------------------------------------------
# Finding mentions in free text
# ---------------------------------------------------------------------------------------------

_DELIMITERS = frozenset("、,;:。!?()[]【】《》<>“”‘’\"' \t\r\n/|·-")
_SHORT_BEFORE = frozenset("县和及与由")
_SHORT_AFTER = ("提供", "等", "负责", "牵头", "配合", "部门", "和", "及", "与")
_OWN_LEVEL_PREFIXES = ("县", "市", "蓬溪", "遂宁", "中共", "各", "四川")
_OTHER_LEVEL = frozenset("市省")


def find_departments(text: str, registry: DepartmentRegistry) -> list[DepartmentMention]:
    """Every department ``text`` names, in order, leftmost-longest, groups expanded (see module doc)."""
    index = registry._index
    folded = _fold(text)
    mentions: list[DepartmentMention] = []
    i = 0
    while i < len(folded):
        pattern = _match_at(folded, i, index)
        if pattern is None:
            i += 1
            continue
        end = i + len(pattern.text)
        written = text[i:end]
        if pattern.group is not None:
            mentions.extend(
                DepartmentMention(registry.get(m), i, end, written) for m in pattern.group.members
            )
            i = end
            continue
        assert pattern.department is not None
        mentions.append(DepartmentMention(pattern.department, i, end, written))
        i = _skip_parenthesis(folded, end)
    return mentions


def _match_at(folded: str, i: int, index: _Index) -> _Pattern | None:
    before = folded[i - 1] if i > 0 else ""
    for pattern in index.patterns.get(folded[i], ()):
        if not folded.startswith(pattern.text, i):
            continue
        if pattern.short:
            if _short_alias_fits(folded, i, i + len(pattern.text), before):
                return pattern
            continue
        if before in _OTHER_LEVEL and not pattern.text.startswith(_OWN_LEVEL_PREFIXES):
            return None  # 遂宁市应急管理局: the city's, and no shorter alias makes it the county's
        return pattern
    return None


def _short_alias_fits(folded: str, start: int, end: int, before: str) -> bool:
    if before and before not in _DELIMITERS and before not in _SHORT_BEFORE:
        return False
    return end == len(folded) or folded[end] in _DELIMITERS or folded.startswith(_SHORT_AFTER, end)


def _skip_parenthesis(folded: str, end: int) -> int:
    """Past a parenthesis that directly follows a mention (县住建（燃气、建筑施工）), if it closes."""
    if end >= len(folded) or folded[end] != "(":
        return end
    depth = 0
    for j in range(end, len(folded)):
        if folded[j] == "(":
            depth += 1
        elif folded[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return end
