"""Reads the hub's settings from the environment, failing with one clear line.

Settings import this module; anything wrong in the environment stops start-up
with ``Configuration error: <VARIABLE>: <why>`` instead of a traceback.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import environ
from cryptography.fernet import Fernet

env = environ.Env()

SUPPORTED_DATABASE_ENGINES = {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable


def exit_with(error: ConfigurationError) -> NoReturn:
    """Print one line naming the variable and stop the process."""
    sys.stderr.write(f"Configuration error: {error}\n")
    raise SystemExit(78)  # EX_CONFIG


def read_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(name, f"expected true or false, got {raw!r}")


def read_positive_float(name: str, default: float) -> float:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(name, f"expected a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(name, f"must be greater than 0, got {raw!r}")
    return value


def read_count(name: str, default: int) -> int:
    """A whole number, 0 or more (0 turns the feature it counts for off)."""
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    if not raw.isdigit():
        raise ConfigurationError(name, f"expected a whole number, 0 or more, got {raw!r}")
    return int(raw)


def read_list(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default="")
    if not raw.strip():
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_database(name: str, default: str) -> dict:
    raw = env.str(name, default=default)
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ConfigurationError(name, f"not a database URL ({exc})") from None
    if config.get("ENGINE") not in SUPPORTED_DATABASE_ENGINES:
        scheme = raw.split(":", 1)[0]
        raise ConfigurationError(
            name, f"unsupported database {scheme!r}; use postgres://… or sqlite:///…"
        )
    return config


def read_email(name: str, default: str) -> dict:
    raw = env.str(name, default=default)
    try:
        return environ.Env.email_url_config(raw)
    except Exception:
        raise ConfigurationError(
            name,
            "expected smtp://user:password@host:port, smtp+tls://…, consolemail:// or filemail://…",
        ) from None


def read_url(name: str, schemes: tuple[str, ...]) -> str:
    raw = env.str(name, default="").strip()
    if raw and not raw.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ConfigurationError(name, f"must start with one of {allowed}")
    return raw


def read_or_create_secret_key(data_dir: Path, *, generate: bool) -> str:
    """SECRET_KEY from the environment; else, with ``generate`` (development, ``make run``),
    generated once and kept under var/."""
    value = env.str("SECRET_KEY", default="").strip()
    if value:
        if len(value) < 32:
            raise ConfigurationError("SECRET_KEY", "must be at least 32 characters long")
        return value
    if not generate:
        raise ConfigurationError("SECRET_KEY", "required (or set HUB_GENERATE_KEYS=true)")
    return _kept_value(data_dir / "secret_key", lambda: secrets.token_urlsafe(50))


def read_or_create_encryption_keys(data_dir: Path, *, generate: bool) -> list[str]:
    """Fernet keys, newest first; else, with ``generate``, one generated once under var/."""
    keys = read_list("HUB_ENCRYPTION_KEYS", [])
    if not keys:
        if not generate:
            raise ConfigurationError(
                "HUB_ENCRYPTION_KEYS", "required (or set HUB_GENERATE_KEYS=true)"
            )
        keys = [_kept_value(data_dir / "encryption_key", lambda: Fernet.generate_key().decode())]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ConfigurationError(
                "HUB_ENCRYPTION_KEYS",
                f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes)",
            ) from None
    return keys


def _kept_value(path: Path, make: Callable[[], str]) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value)
    path.chmod(0o600)
    return value
