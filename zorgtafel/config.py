"""Configuration: TOML with defaults, required keys, warnings for unknown keys and a validate().

The file is read from ``ZORGTAFEL_CONFIG`` or ``<instance>/config.toml``. Relative paths in it are
resolved against the directory the file lives in, so an instance folder can be moved as a whole.
"""

from __future__ import annotations

import os
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: every known key with its default; ``REQUIRED`` marks keys that must be present in the file
DEFAULTS: dict[str, dict[str, Any]] = {
    "app": {
        "database_url": "sqlite:///zorgtafel.db",
        "secret_key_file": "secret_key",
        "master_key_file": "master.key",
        # HMAC key for "already known?" lookups (keyed hashes of BSN, name + birth date)
        "lookup_key_file": "lookup.key",
        "https": False,
        "demo": False,
        "default_locale": "nl",
        "proxy_fix": False,
        # with proxy_fix: the addresses (or networks) of the reverse proxy; X-Forwarded-* from
        # any other address is ignored
        "trusted_proxies": ["127.0.0.1", "::1"],
    },
    "audit": {
        # Ed25519 key that signs checkpoints; separate from the master key
        "signing_key_file": "audit-signing.key",
        # names this log in its checkpoints (a schema-less URL, no spaces or '+')
        "origin": "zorgtafel.local/audit",
        # how events get their place on the chain: "inline" in the disclosing transaction,
        # "queued" and chained in batches right after it commits, "adaptive" (inline while
        # the head is free, else queued), or "auto" (adaptive on PostgreSQL, inline on
        # SQLite); see zorgtafel/audit/sequencer.py
        "sequencing": "auto",
    },
    "session": {
        "idle_minutes": 30,
        "absolute_hours": 12,
        "login_pending_minutes": 5,
        # "Toon identiteit" and exports need the password or a code within this many minutes
        "fresh_minutes": 15,
    },
    "ratelimit": {
        # shared by every app process: the app's database (see core/throttle_store.py);
        # a limits URI such as "redis://127.0.0.1:6379" for several hosts
        "storage_uri": "zorgtafel+sql://",
        "login_per_account": "5 per minute; 30 per hour",
        "login_per_ip": "20 per minute; 200 per hour",
    },
    "password": {
        # argon2id, OWASP / ASVS 5.0 appendix C: m >= 19 MiB, t >= 2, p = 1 is the floor
        "time_cost": 2,
        "memory_cost_kib": 19456,
        "parallelism": 1,
        "min_length": 12,
    },
    "anomalies": {
        # the privacy officer's anomaly rules (zorgtafel oversight anomalies)
        "refusals_per_user_day": 10,
        "reveals_minimum": 5,
        "reveals_factor": 3,
        "reveals_baseline_days": 30,
        "office_start_hour": 7,
        "office_end_hour": 19,
        "many_cases": 20,
        "many_cases_minutes": 10,
        "failed_logins": 10,
        "failed_logins_minutes": 5,
    },
    "figures": {
        # disclosure control: cells under the threshold (zero included) are suppressed, and
        # what is published is rounded to a multiple of ``rounding``; never below 10 and 5
        "threshold": 10,
        "rounding": 5,
    },
    "pseudonymiser": {
        # the service that holds deduce; relative to the configuration's folder
        "socket": "pseudonymiser.sock",
        "start_with_app": True,
        "timeout_seconds": 30,
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {"app": ("database_url",)}
LOCALES = ("nl", "en")


class ConfigError(Exception):
    """An invalid configuration; ``str()`` is one line naming the key and the reason."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"configuratie {key}: {reason}")
        self.key = key
        self.reason = reason


class ConfigWarning(UserWarning):
    """An unknown key in the configuration file (probably a typo)."""


@dataclass(frozen=True)
class Settings:
    """The merged, validated configuration. ``base_dir`` anchors relative paths."""

    values: dict[str, dict[str, Any]]
    base_dir: Path
    source: Path | None = None
    warnings: tuple[str, ...] = field(default=())

    def __getitem__(self, dotted: str) -> Any:
        section, key = dotted.split(".", 1)
        return self.values[section][key]

    def path(self, dotted: str) -> Path:
        """A path setting resolved against the configuration's directory."""
        return (self.base_dir / str(self[dotted])).resolve()

    @property
    def database_url(self) -> str:
        url = str(self["app.database_url"])
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str((self.base_dir / url[len(prefix) :]).resolve())
        return url


def instance_dir() -> Path:
    """The instance folder: ``ZORGTAFEL_INSTANCE`` or ``./instance``."""
    return Path(os.environ.get("ZORGTAFEL_INSTANCE", "instance")).resolve()


def config_path() -> Path:
    return Path(os.environ.get("ZORGTAFEL_CONFIG") or instance_dir() / "config.toml").resolve()


def load_settings(
    overrides: dict[str, dict[str, Any]] | None = None, path: Path | None = None
) -> Settings:
    """Read the TOML file (if any), merge ``overrides`` and validate. Raises ConfigError."""
    path = path or config_path()
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"geen geldige TOML ({exc})") from None
    elif overrides is None:
        raise ConfigError(str(path), "bestand ontbreekt; draai eerst 'zorgtafel init'")
    merged = {section: dict(values) for section, values in DEFAULTS.items()}
    found: list[str] = []
    for source in (raw, overrides or {}):
        found += _merge(merged, source)
    for section, keys in REQUIRED.items():
        for key in keys:
            if key not in raw.get(section, {}) and key not in (overrides or {}).get(section, {}):
                raise ConfigError(f"{section}.{key}", "verplicht maar ontbreekt")
    for message in found:
        warnings.warn(message, ConfigWarning, stacklevel=2)
    settings = Settings(merged, path.parent, path if path.exists() else None, tuple(found))
    validate(settings)
    return settings


def _merge(target: dict[str, dict[str, Any]], source: dict[str, Any]) -> list[str]:
    unknown = []
    for section, values in source.items():
        if section not in DEFAULTS:
            unknown.append(f"onbekende sectie [{section}] genegeerd")
            continue
        if not isinstance(values, dict):
            raise ConfigError(section, "moet een tabel zijn")
        for key, value in values.items():
            if key not in DEFAULTS[section]:
                unknown.append(f"onbekende sleutel {section}.{key} genegeerd")
                continue
            target[section][key] = value
    return unknown


def validate(settings: Settings) -> None:
    """Check types and ranges of every setting; raise ConfigError on the first bad one."""
    for section, defaults in DEFAULTS.items():
        for key, default in defaults.items():
            value = settings.values[section][key]
            if type(value) is not type(default):
                raise ConfigError(
                    f"{section}.{key}", f"moet {_type_name(default)} zijn, niet {value!r}"
                )
    if settings["app.default_locale"] not in LOCALES:
        raise ConfigError("app.default_locale", f"moet een van {', '.join(LOCALES)} zijn")
    url = settings["app.database_url"]
    if not url.startswith(("sqlite://", "postgresql")):
        raise ConfigError(
            "app.database_url", "alleen sqlite:// en postgresql:// worden ondersteund"
        )
    for key, low, high in (
        ("session.idle_minutes", 1, 24 * 60),
        ("session.absolute_hours", 1, 7 * 24),
        ("session.login_pending_minutes", 1, 30),
        ("session.fresh_minutes", 1, 24 * 60),
        ("password.min_length", 8, 128),
    ):
        if not low <= settings[key] <= high:
            raise ConfigError(key, f"moet tussen {low} en {high} liggen")
    if settings["password.memory_cost_kib"] < 19456 or settings["password.time_cost"] < 2:
        raise ConfigError(
            "password", "argon2id onder het minimum van ASVS 5.0 (m ≥ 19456 KiB, t ≥ 2)"
        )
    origin = settings["audit.origin"]
    if not origin or any(char.isspace() or char == "+" for char in origin):
        raise ConfigError("audit.origin", "mag niet leeg zijn en geen spaties of '+' bevatten")
    if settings["audit.sequencing"] not in ("auto", "inline", "queued", "adaptive"):
        raise ConfigError("audit.sequencing", "moet auto, inline, queued of adaptive zijn")
    _validate_proxies(settings)
    if settings["password.parallelism"] < 1:
        raise ConfigError("password.parallelism", "moet minstens 1 zijn")
    _validate_pseudonymiser(settings)
    _validate_anomalies(settings)


def _validate_anomalies(settings: Settings) -> None:
    for key in DEFAULTS["anomalies"]:
        if not 0 <= settings[f"anomalies.{key}"] <= 100_000:
            raise ConfigError(f"anomalies.{key}", "moet tussen 0 en 100000 liggen")
    if (
        not 0
        <= settings["anomalies.office_start_hour"]
        < settings["anomalies.office_end_hour"]
        <= 24
    ):
        raise ConfigError("anomalies.office_end_hour", "kantoortijd: 0 ≤ begin < eind ≤ 24")


def _validate_proxies(settings: Settings) -> None:
    import ipaddress

    proxies = settings["app.trusted_proxies"]
    for address in proxies:
        try:
            ipaddress.ip_network(str(address).strip())
        except ValueError:
            raise ConfigError(
                "app.trusted_proxies", f"{address!r} is geen IP-adres of netwerk"
            ) from None
    if settings["app.proxy_fix"] and not proxies:
        raise ConfigError("app.trusted_proxies", "leeg terwijl app.proxy_fix aan staat")
    if settings["figures.threshold"] < 10:
        raise ConfigError("figures.threshold", "moet minstens 10 zijn")
    if settings["figures.rounding"] < 5:
        raise ConfigError("figures.rounding", "moet minstens 5 zijn")


def _validate_pseudonymiser(settings: Settings) -> None:
    if not settings["pseudonymiser.socket"].strip():
        raise ConfigError("pseudonymiser.socket", "mag niet leeg zijn")
    # AF_UNIX paths hold at most 107 bytes; say so now rather than when the service starts
    if len(os.fsencode(settings.path("pseudonymiser.socket"))) > 107:
        raise ConfigError(
            "pseudonymiser.socket", "pad langer dan 107 bytes (grens van Unix-sockets)"
        )
    if not 1 <= settings["pseudonymiser.timeout_seconds"] <= 600:
        raise ConfigError("pseudonymiser.timeout_seconds", "moet tussen 1 en 600 liggen")


def _type_name(value: Any) -> str:
    return {bool: "true/false", int: "een geheel getal", str: "tekst", list: "een lijst"}.get(
        type(value), "iets anders"
    )
