"""Reading and validating `config.toml`.

Every key the project understands is declared once, in `SECTIONS`; an unknown key, a missing
required key or a value of the wrong type is a `ConfigError` with a one-line message.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from littrack.errors import LittrackError

DEFAULT_CONFIG_PATH = Path("config.toml")
CONFIG_ENV_VAR = "LITTRACK_CONFIG"


class ConfigError(LittrackError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 2


@dataclass(frozen=True)
class PubMedSettings:
    base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    query: str = ""
    email: str = ""
    tool: str = "littrack"
    api_key_env: str = "NCBI_API_KEY"
    batch_size: int = 500
    timeout_seconds: float = 60.0
    max_retries: int = 8
    backoff_initial_seconds: float = 1.0
    backoff_max_seconds: float = 60.0

    @property
    def api_key(self) -> str | None:
        """The key is read from the environment at use time, never stored in config."""
        return os.environ.get(self.api_key_env) or None


@dataclass(frozen=True)
class WarehouseSettings:
    path: Path = Path("warehouse/littrack.duckdb")
    lock_timeout_seconds: float = 300.0
    load_memory_limit: str = "1GB"


@dataclass(frozen=True)
class ScheduleSettings:
    cron: str = "30 5 * * *"
    timezone: str = "UTC"
    alert_after_hours: float = 26.0


@dataclass(frozen=True)
class RunSettings:
    first_run_since: date = date(2000, 1, 1)
    overlap_days: int = 2


@dataclass(frozen=True)
class SeedSettings:
    citations: tuple[str, ...] = ()
    file: Path | None = None


@dataclass(frozen=True)
class DigestSettings:
    smtp_host: str = "localhost"
    smtp_port: int = 587
    sender: str = "littrack@localhost"
    recipients: tuple[str, ...] = ()  # empty: no mail after runs
    starttls: bool = True
    smtp_user_env: str = "LITTRACK_SMTP_USER"
    smtp_password_env: str = "LITTRACK_SMTP_PASSWORD"
    send_when_empty: bool = False
    review_url: str = "http://127.0.0.1:8765/"

    @property
    def credentials(self) -> tuple[str, str] | None:
        """User and password from the environment at use time, never stored in config."""
        user, password = os.environ.get(self.smtp_user_env), os.environ.get(self.smtp_password_env)
        return (user, password) if user and password else None


@dataclass(frozen=True)
class ReviewSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    mode: str = "single"  # single | dual (blind: two reviewers per paper)
    exclusion_reasons: tuple[str, ...] = (
        "not CRPS", "not ketamine", "wrong design", "wrong outcome", "duplicate", "not a study",
    )
    include_words: tuple[str, ...] = ()  # highlighted green on the page
    exclude_words: tuple[str, ...] = ()  # highlighted red
    criteria: str = ""  # eligibility criteria, in words: part of the ranking's prior
    criteria_file: Path | None = None  # more criteria text, read as well
    live_ranking: bool = True  # re-rank the queue in the server after decisions (else: the nightly's order)


@dataclass(frozen=True)
class Config:
    pubmed: PubMedSettings = field(default_factory=PubMedSettings)
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    run: RunSettings = field(default_factory=RunSettings)
    seeds: SeedSettings = field(default_factory=SeedSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    source: Path | None = None


SECTIONS: dict[str, type] = {
    "pubmed": PubMedSettings,
    "warehouse": WarehouseSettings,
    "schedule": ScheduleSettings,
    "run": RunSettings,
    "seeds": SeedSettings,
    "review": ReviewSettings,
    "digest": DigestSettings,
}
REQUIRED_KEYS = {("pubmed", "query"), ("pubmed", "email")}


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """Which config file to read: the explicit one, else $LITTRACK_CONFIG, else ./config.toml."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH)


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read and validate a config file; relative paths in it resolve against its folder."""
    source = config_path(path)
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {source}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None
    return parse_config(raw, base_dir=source.resolve().parent, source=source)


def parse_config(raw: dict, base_dir: Path = Path("."), source: Path | None = None) -> Config:
    """Validate a parsed TOML document into a `Config`."""
    unknown_sections = sorted(set(raw) - set(SECTIONS))
    if unknown_sections:
        raise ConfigError(f"unknown config section [{unknown_sections[0]}]")
    sections = {}
    for name, settings_type in SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"[{name}] must be a table")
        sections[name] = _build_section(name, settings_type, table, base_dir)
    for section, key in sorted(REQUIRED_KEYS):
        if not getattr(sections[section], key):
            raise ConfigError(f"missing required key [{section}] {key}")
    config = Config(**sections, source=source)
    _check_values(config)
    return config


def _build_section(name: str, settings_type: type, table: dict, base_dir: Path):
    declared = {f.name: f for f in fields(settings_type)}
    values = {}
    for key, value in table.items():
        if key not in declared:
            raise ConfigError(f"unknown config key [{name}] {key}")
        values[key] = _coerce(f"[{name}] {key}", declared[key].type, value, base_dir)
    return settings_type(**values)


def _coerce(label: str, type_name: str, value, base_dir: Path):
    # annotations are strings (from __future__ import annotations): match on their text
    if type_name == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be a string")
        return value
    if type_name == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false")
        return value
    if type_name == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{label} must be a whole number")
        return value
    if type_name == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{label} must be a number")
        return float(value)
    if type_name in ("Path", "Path | None"):
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{label} must be a path string")
        path = Path(value).expanduser()
        return path if path.is_absolute() else base_dir / path
    if type_name == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{label} must be a date like 2009-01-31") from None
    if type_name == "tuple[str, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{label} must be a list of strings")
        return tuple(value)
    raise AssertionError(f"no coercion for {type_name}")


def _check_values(config: Config) -> None:
    pubmed = config.pubmed
    if not pubmed.base_url.startswith(("http://", "https://")):
        raise ConfigError("[pubmed] base_url must start with http:// or https://")
    if not 1 <= pubmed.batch_size <= 10_000:
        raise ConfigError("[pubmed] batch_size must be between 1 and 10000")
    if " " in pubmed.tool or not pubmed.tool:
        raise ConfigError("[pubmed] tool must be one word with no spaces")
    if "@" not in pubmed.email:
        raise ConfigError("[pubmed] email must be an e-mail address (NCBI asks for one)")
    if config.schedule.alert_after_hours <= 0:
        raise ConfigError("[schedule] alert_after_hours must be > 0")
    if config.run.overlap_days < 0:
        raise ConfigError("[run] overlap_days must not be negative")
    if pubmed.timeout_seconds <= 0 or pubmed.max_retries < 0:
        raise ConfigError("[pubmed] timeout_seconds must be > 0 and max_retries >= 0")
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", config.warehouse.load_memory_limit):
        raise ConfigError('[warehouse] load_memory_limit must be a size such as "1GB" or "512MiB"')
    digest = config.digest
    if not 1 <= digest.smtp_port <= 65535:
        raise ConfigError("[digest] smtp_port must be between 1 and 65535")
    if any("@" not in address for address in (*digest.recipients, digest.sender)):
        raise ConfigError("[digest] sender and recipients must be e-mail addresses")
    check_schedule(config.schedule)
    check_review(config.review)


def with_overrides(
    config: Config, base_url: str | None = None, warehouse_path: str | os.PathLike | None = None
) -> Config:
    """The same config pointed at another PubMed (e.g. the stand-in) or warehouse file."""
    if base_url:
        config = replace(config, pubmed=replace(config.pubmed, base_url=base_url))
    if warehouse_path:
        config = replace(config, warehouse=replace(config.warehouse, path=Path(warehouse_path)))
    return config


def seed_citation_lines(settings: SeedSettings) -> list[str]:
    """The seed citations: those inline in config, then one per non-blank line of the seeds file."""
    lines = list(settings.citations)
    if settings.file is not None:
        try:
            text = settings.file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"[seeds] file cannot be read: {exc}") from None
        lines.extend(line.strip() for line in text.splitlines() if line.strip())
    return lines


def review_criteria(settings: ReviewSettings) -> str:
    """The eligibility criteria text: inline in config, then the criteria file's text."""
    parts = [settings.criteria]
    if settings.criteria_file is not None:
        try:
            parts.append(settings.criteria_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeError) as exc:
            raise ConfigError(f"[review] criteria_file cannot be read: {exc}") from None
    return "\n".join(part.strip() for part in parts if part.strip())


def check_schedule(schedule: ScheduleSettings) -> None:
    """Validate cron and timezone with Prefect's own schedule model, so both agree."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"[schedule] {message}") from None


def check_review(review: ReviewSettings) -> None:
    if review.mode not in ("single", "dual"):
        raise ConfigError('[review] mode must be "single" or "dual"')
    if not 1 <= review.port <= 65535:
        raise ConfigError("[review] port must be between 1 and 65535")
