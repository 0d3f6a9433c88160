"""Manual overrides: a person says which sub-items a file proves, or that it is not evidence at all,
and which adverse events (an accident, a 通报) happened to the county this year.

Kept in ``<state>/overrides.toml``, a file the office may edit by hand, written atomically (temp
file, fsync, rename). Each entry stores both the path and the content hash: the hash lets an
override survive a rename, the path lets it survive a corrected version of the same file. When both
could apply, the entry recorded for the content wins. An override always beats the matcher.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.atomic import atomic_write_text
from pipeline.errors import ConfigError
from pipeline.models import Match

OVERRIDES_FILE = "overrides.toml"
NOT_EVIDENCE = "不是佐证"

_HEADER = """\
# 人工指定（由 evidence assign 写入，也可以手工编辑）
#
# 每个 [[file]] 是一个文件的人工判定，优先于自动匹配，重新运行也不会被覆盖：
#   path          收件箱中的相对路径
#   sha256        文件内容的哈希值（文件改名后仍能对应）
#   items         该文件佐证的指标编号，如 ["7(2)", "9(1)"]
#   not_evidence  true 表示该文件“不是佐证”，不计入任何指标
#   note          备注（可选）
#   assigned_at   指定时间
#
# 每个 [[outcome]] 登记一项已发生的扣分情形（发生事故、被通报等，由 evidence occurred 写入）：
#   item          结果类指标编号，如 "23(3)"
#   deduct        已扣或预计扣的分数；不写则按细则各扣分情形各扣一次计
#   note          备注，如事故名称、通报文号（可选）
#   recorded_at   登记时间
"""


class UnknownSubItemError(ConfigError):
    """An override names a sub-item the rubric does not have."""


@dataclass(frozen=True)
class Override:
    rel_path: str
    sha256: str
    sub_item_ids: tuple[str, ...] | None  # None: 不是佐证
    note: str = ""
    assigned_at: str = ""

    @property
    def not_evidence(self) -> bool:
        return self.sub_item_ids is None


@dataclass(frozen=True)
class Occurrence:
    """An adverse event the office knows happened (an accident, a 通报): the outcome sub-item's
    points are lost whatever the binder holds, and the projection must say so."""

    sub_item_id: str
    deduct: float | None = None  # None: one of each of the sub-item's deductions
    note: str = ""
    recorded_at: str = ""


@dataclass(frozen=True)
class Overrides:
    entries: tuple[Override, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()

    def occurred(self) -> dict[str, Occurrence]:
        return {o.sub_item_id: o for o in self.occurrences}

    def find(self, rel_path: str, sha256: str) -> Override | None:
        """The entry for this content, else the entry for this path."""
        by_path = None
        for entry in self.entries:
            if sha256 and entry.sha256 == sha256:
                return entry
            if by_path is None and entry.rel_path == rel_path:
                by_path = entry
        return by_path

    def __len__(self) -> int:
        return len(self.entries)


def normalise_sub_item_id(text: str) -> str:
    """``７（２）`` and ``7 (2)`` as typed by a person → ``7(2)``."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _check_ids(ids: Iterable[str], known_ids: Collection[str] | None, where: str) -> tuple[str, ...]:
    out: list[str] = []
    for raw in ids:
        sub_id = normalise_sub_item_id(raw)
        if known_ids is not None and sub_id not in known_ids:
            sample = "、".join(sorted(known_ids)[:5])
            raise UnknownSubItemError(f"指标编号不存在：{raw}{where}。编号应与评分细则一致，例如 {sample}")
        if sub_id not in out:
            out.append(sub_id)
    if not out:
        raise ConfigError(f"没有给出指标编号{where}；如果文件不是佐证，请使用“不是佐证”")
    return tuple(out)


def overrides_path(state: Path) -> Path:
    return state / OVERRIDES_FILE


def load_overrides(state: Path, known_ids: Collection[str] | None = None) -> Overrides:
    """Read the override file (none yet → no overrides); ``known_ids`` checks every sub-item ID."""
    path = overrides_path(state)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Overrides()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"人工指定文件格式错误：{path}", detail=str(e)) from e
    entries: list[Override] = []
    for n, item in enumerate(data.get("file", []), start=1):
        where = f"（{path} 第 {n} 条）"
        if not isinstance(item, dict) or not (item.get("path") or item.get("sha256")):
            raise ConfigError(f"人工指定缺少文件路径或哈希值{where}")
        if item.get("not_evidence"):
            ids = None
        else:
            raw = item.get("items", [])
            if isinstance(raw, str):
                raw = [raw]
            ids = _check_ids([str(x) for x in raw], known_ids, where)
        entries.append(
            Override(
                rel_path=str(item.get("path", "")),
                sha256=str(item.get("sha256", "")),
                sub_item_ids=ids,
                note=str(item.get("note", "")),
                assigned_at=str(item.get("assigned_at", "")),
            )
        )
    occurrences: dict[str, Occurrence] = {}
    for n, item in enumerate(data.get("outcome", []), start=1):
        where = f"（{path} 第 {n} 条 [[outcome]]）"
        if not isinstance(item, dict) or not item.get("item"):
            raise ConfigError(f"已发生的扣分情形缺少指标编号{where}")
        (sub_id,) = _check_ids([str(item["item"])], known_ids, where)
        occurrences[sub_id] = Occurrence(
            sub_id,
            _deduction(item.get("deduct"), where),
            str(item.get("note", "")),
            str(item.get("recorded_at", "")),
        )
    return Overrides(tuple(entries), tuple(occurrences.values()))


def _deduction(value: object, where: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"扣分应为数字{where}：{value!r}")
    try:
        points = float(value)
    except ValueError:
        raise ConfigError(f"扣分应为数字{where}：{value!r}") from None
    if not (math.isfinite(points) and points >= 0):
        raise ConfigError(f"扣分应为不小于 0 的数字{where}：{value!r}")
    return points


def assign(
    state: Path,
    rel_path: str,
    sha256: str,
    sub_item_ids: Iterable[str] | None,
    *,
    known_ids: Collection[str] | None = None,
    note: str = "",
) -> Override:
    """Add or replace the override of one file (``None`` = 不是佐证) and write the file atomically."""
    ids = None if sub_item_ids is None else _check_ids(sub_item_ids, known_ids, f"（{rel_path}）")
    entry = Override(rel_path, sha256, ids, note, datetime.now().astimezone().isoformat(timespec="seconds"))
    current = load_overrides(state)
    kept = [e for e in current.entries if not (e.rel_path == rel_path or (sha256 and e.sha256 == sha256))]
    _write(state, [*kept, entry], current.occurrences)
    return entry


def unassign(state: Path, rel_path: str, sha256: str = "") -> bool:
    """Remove the override of a file; False when there was none."""
    current = load_overrides(state)
    kept = [e for e in current.entries if not (e.rel_path == rel_path or (sha256 and e.sha256 == sha256))]
    if len(kept) == len(current.entries):
        return False
    _write(state, kept, current.occurrences)
    return True


def record_occurrence(
    state: Path,
    sub_item_id: str,
    deduct: float | None = None,
    *,
    known_ids: Collection[str] | None = None,
    note: str = "",
) -> Occurrence:
    """Record (or replace) that an outcome sub-item's adverse event happened; written atomically."""
    (sub_id,) = _check_ids([sub_item_id], known_ids, "")
    where = f"（{sub_id}）"
    entry = Occurrence(
        sub_id, _deduction(deduct, where), note, datetime.now().astimezone().isoformat(timespec="seconds")
    )
    current = load_overrides(state)
    kept = [o for o in current.occurrences if o.sub_item_id != sub_id]
    _write(state, list(current.entries), [*kept, entry])
    return entry


def clear_occurrence(state: Path, sub_item_id: str) -> bool:
    """Withdraw a recorded occurrence; False when there was none."""
    sub_id = normalise_sub_item_id(sub_item_id)
    current = load_overrides(state)
    kept = [o for o in current.occurrences if o.sub_item_id != sub_id]
    if len(kept) == len(current.occurrences):
        return False
    _write(state, list(current.entries), kept)
    return True


def apply_overrides(
    rel_path: str, sha256: str, matches: tuple[Match, ...], overrides: Overrides
) -> tuple[Match, ...]:
    """The override wins: listed sub-items become ``manual`` matches (score 100); everything the
    matcher proposed besides them is kept as ``rejected`` with the reason, so the change is visible."""
    entry = overrides.find(rel_path, sha256)
    if entry is None:
        return matches
    when = f"（{entry.assigned_at[:10]}）" if entry.assigned_at else ""
    note = f"，备注：{entry.note}" if entry.note else ""
    if entry.sub_item_ids is None:
        reason = f"人工指定：{NOT_EVIDENCE}{when}{note}"
        return tuple(
            Match(m.rel_path, m.sub_item_id, m.score, (reason, *m.reasons), "rejected", m.year_ok)
            for m in matches
        )
    listed = "、".join(entry.sub_item_ids)
    manual = tuple(
        Match(rel_path, sub_id, 100.0, (f"人工指定：本文件佐证指标 {sub_id}{when}{note}",), "manual")
        for sub_id in entry.sub_item_ids
    )
    rejected = tuple(
        Match(
            m.rel_path,
            m.sub_item_id,
            m.score,
            (f"人工指定为 {listed}，不采用自动匹配", *m.reasons),
            "rejected",
            m.year_ok,
        )
        for m in matches
        if m.sub_item_id not in entry.sub_item_ids
    )
    return manual + rejected


# --------------------------------------------------------------------------------------------
# Writing TOML by hand (the standard library only reads it); the subset we write is tiny.
# --------------------------------------------------------------------------------------------


def _toml_str(value: str) -> str:
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}" if code < 0xD800 else "\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_entry(e: Override) -> str:
    lines = ["[[file]]", f"path = {_toml_str(e.rel_path)}", f"sha256 = {_toml_str(e.sha256)}"]
    if e.sub_item_ids is None:
        lines.append("not_evidence = true")
    else:
        lines.append("items = [" + ", ".join(_toml_str(i) for i in e.sub_item_ids) + "]")
    if e.note:
        lines.append(f"note = {_toml_str(e.note)}")
    if e.assigned_at:
        lines.append(f"assigned_at = {_toml_str(e.assigned_at)}")
    return "\n".join(lines) + "\n"


def _toml_occurrence(o: Occurrence) -> str:
    lines = ["[[outcome]]", f"item = {_toml_str(o.sub_item_id)}"]
    if o.deduct is not None:
        lines.append(f"deduct = {o.deduct!r}")
    if o.note:
        lines.append(f"note = {_toml_str(o.note)}")
    if o.recorded_at:
        lines.append(f"recorded_at = {_toml_str(o.recorded_at)}")
    return "\n".join(lines) + "\n"


def _write(state: Path, entries: Sequence[Override], occurrences: Sequence[Occurrence] = ()) -> None:
    text = (
        _HEADER
        + "".join("\n" + _toml_entry(e) for e in entries)
        + "".join("\n" + _toml_occurrence(o) for o in occurrences)
    )
    state.mkdir(parents=True, exist_ok=True)
    atomic_write_text(overrides_path(state), text)


def override_to_dict(e: Override) -> dict[str, Any]:
    """The JSON form the CLI prints."""
    return {
        "path": e.rel_path,
        "sha256": e.sha256,
        "items": list(e.sub_item_ids) if e.sub_item_ids is not None else None,
        "not_evidence": e.not_evidence,
        "note": e.note,
        "assigned_at": e.assigned_at,
    }
