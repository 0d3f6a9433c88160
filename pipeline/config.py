"""Run configuration: a TOML file (``evidence.toml``) overridden by ``EVIDENCE_*`` environment variables.

Everything has a default that works on a fresh machine with no server and no SMTP account.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile or oversized input from exhausting the machine."""

    max_file_bytes: int = 200 * MB
    zip_max_total_bytes: int = 500 * MB
    zip_max_members: int = 2000
    zip_max_ratio: float = 100.0  # uncompressed / compressed, per member
    zip_max_depth: int = 2
    max_image_pixels: int = 80_000_000
    max_pdf_pages: int = 300
    ocr_workers: int = 1  # processes that may OCR at once; each gets cpu_count // ocr_workers threads
    # Reader processes beside the run's own (0: read in the run's process). One keeps the second core
    # of a 2-core machine for understanding and recording what it reads; each holds an OCR engine
    # (~130 MB idle, ~0.5 GB while it reads a page).
    read_workers: int = 1
    ocr_dpi: int = 200
    libreoffice_timeout_s: int = 120


@dataclass(frozen=True)
class Smtp:
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    tls: str = "starttls"  # starttls | ssl | none
    mail_from: str = "anban@localhost"

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Config:
    inbox: Path = Path("inbox")
    outbox: Path = Path("outbox")
    state_dir: Path | None = None  # default: <outbox>/.state
    rubric: Path | None = None  # default: the bundled 2022 rubric
    departments: Path | None = None  # default: ./departments.toml, else bundled
    assessment_year: int | None = None  # default: the rubric's year
    deadline: date | None = None  # default: 31 December of the assessment year
    default_owner: str = "县应急局"  # owner of sub-items whose rubric row names nobody
    match_threshold: float = 45.0  # below: not a match
    confident_threshold: float = 62.0  # below: 待确认
    # the bundled labelled public documents join the office's own examples (matchers/reference.py)
    reference_examples: bool = True
    remind_every_days: int = 7
    escalate_days: int = 7  # escalate to the leader when fewer days are left
    leader_email: str = ""
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    serve_port: int = 4200  # the local Prefect server of `evidence serve` (127.0.0.1 only)
    watch_quiet_s: float = 30.0  # a new file must stay unchanged this long before a run starts
    limits: Limits = field(default_factory=Limits)
    smtp: Smtp = field(default_factory=Smtp)

    @property
    def state(self) -> Path:
        return self.state_dir if self.state_dir is not None else self.outbox / ".state"

    @property
    def scratch(self) -> Path:
        return self.state / "scratch"


_ENV_SMTP = {
    "EVIDENCE_SMTP_HOST": ("host", str),
    "EVIDENCE_SMTP_PORT": ("port", int),
    "EVIDENCE_SMTP_USER": ("user", str),
    "EVIDENCE_SMTP_PASSWORD": ("password", str),
    "EVIDENCE_SMTP_TLS": ("tls", str),
    "EVIDENCE_MAIL_FROM": ("mail_from", str),
}


def _coerce(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"配置文件中有未知的设置项：{where}{key}")
        values[key] = value
    return values


def load_config(path: Path | None = None, env: dict[str, str] | None = None, **overrides: Any) -> Config:
    """Read ``path`` (if given or ``./evidence.toml`` exists), then the environment, then overrides."""
    env = dict(os.environ) if env is None else env
    data: dict[str, Any] = {}
    if path is None and Path("evidence.toml").is_file():
        path = Path("evidence.toml")
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ConfigError(f"找不到配置文件：{path}") from e
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"配置文件格式错误：{path}", detail=str(e)) from e

    limits = Limits(**_coerce(Limits, data.pop("limits", {}), "limits."))
    smtp_data = _coerce(Smtp, data.pop("smtp", {}), "smtp.")
    for var, (name, typ) in _ENV_SMTP.items():
        if env.get(var):
            try:
                smtp_data[name] = typ(env[var])
            except ValueError as e:
                raise ConfigError(f"环境变量 {var} 的值无效：{env[var]}") from e
    smtp = Smtp(**smtp_data)
    if smtp.tls not in ("starttls", "ssl", "none"):
        raise ConfigError(f"EVIDENCE_SMTP_TLS 只能是 starttls、ssl 或 none，而不是 {smtp.tls}")

    top = _coerce(Config, data, "")
    for key in ("inbox", "outbox", "state_dir", "rubric", "departments"):
        if top.get(key):
            top[key] = Path(top[key])
    if isinstance(top.get("deadline"), str):
        try:
            top["deadline"] = date.fromisoformat(top["deadline"])
        except ValueError as e:
            raise ConfigError(f"截止日期格式应为 YYYY-MM-DD：{top['deadline']}") from e
    config = Config(**top, limits=limits, smtp=smtp)
    clean = {k: v for k, v in overrides.items() if v is not None}
    return replace(config, **clean) if clean else config
