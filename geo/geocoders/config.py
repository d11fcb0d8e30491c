"""User defaults for geo, read from a TOML file.

Where: ``$GEO_CONFIG`` if set, else ``platformdirs.user_config_dir("geo")/config.toml``
(``~/.config/geo/config.toml`` on Linux). The file is optional. Keys (all optional)::

    geocoder = "nominatim"          # nominatim | photon | pelias
    geocoder_url = "http://localhost:8080"   # self-hosted service (required for pelias)
    user_agent = "geo/0.1.0 (me@example.org)"
    offline = false                 # true: never use the online geocoder
    timeout = 5.0                   # seconds per request
    min_delay = 1.0                 # seconds between requests (>= 1 for public Nominatim)

Precedence, highest first: command-line options / function arguments, environment
(``GEO_GEOCODER``, ``GEO_GEOCODER_URL``, ``GEO_USER_AGENT``, ``GEO_OFFLINE``), this file,
built-in defaults.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["Config", "ConfigError", "config_path", "load_config"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A config file (or environment variable) that cannot be used; ``str()`` names it."""

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True)
class Config:
    """Defaults for the online geocoder fallback."""

    geocoder: str = "nominatim"
    geocoder_url: str | None = None
    user_agent: str | None = None
    offline: bool = False
    timeout: float = 5.0
    min_delay: float | None = None
    path: str | None = None  # the file these came from, if any


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file's location (it need not exist)."""
    env = (os.environ if environ is None else environ).get("GEO_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("geo")) / "config.toml"


def _check(key: str, value: object, where: str) -> object:
    if key in ("geocoder",):
        from .registry import names  # the registered providers

        if not isinstance(value, str) or value.strip().lower() not in names():
            raise ConfigError(where, f"{key} must be one of {', '.join(names())}, not {value!r}")
        return value.strip().lower()
    if key in ("geocoder_url", "user_agent"):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(where, f"{key} must be a non-empty string, not {value!r}")
        return value.strip()
    if key == "offline":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ConfigError(where, f"offline must be true or false, not {value!r}")
    if key in ("timeout", "min_delay"):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(where, f"{key} must be a number of seconds, not {value!r}") from None
        if isinstance(value, bool) or number < 0 or (key == "timeout" and number == 0) or number != number:
            raise ConfigError(where, f"{key} must be a positive number of seconds, not {value!r}")
        return number
    raise AssertionError(key)


_KEYS = tuple(f.name for f in fields(Config) if f.name != "path")


def load_config(path: str | os.PathLike | None = None, *, environ: Mapping[str, str] | None = None) -> Config:
    """Read the config file (if any) and the environment; raises :class:`ConfigError` on bad values."""
    env = os.environ if environ is None else environ
    file = Path(path) if path is not None else config_path(env)
    values: dict[str, object] = {}
    source = None
    if file.is_file():
        try:
            with open(file, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(file, f"not valid TOML ({exc})") from None
        except OSError as exc:
            raise ConfigError(file, f"cannot read the config file ({exc.strerror or exc})") from None
        if isinstance(data.get("geo"), dict):  # allow a [geo] table as well as top-level keys
            data = {**{k: v for k, v in data.items() if k != "geo"}, **data["geo"]}
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            raise ConfigError(file, f"unknown key(s) {', '.join(unknown)}; known keys: {', '.join(_KEYS)}")
        for key, value in data.items():
            values[key] = _check(key, value, str(file))
        source = str(file)
    elif path is not None and not file.exists():
        raise ConfigError(file, "config file not found")
    for key, var in (
        ("geocoder", "GEO_GEOCODER"),
        ("geocoder_url", "GEO_GEOCODER_URL"),
        ("user_agent", "GEO_USER_AGENT"),
        ("offline", "GEO_OFFLINE"),
    ):
        raw = env.get(var)
        if raw is not None and raw.strip() != "":
            values[key] = _check(key, raw, f"environment variable {var}")
    return replace(Config(), path=source, **values)  # type: ignore[arg-type]
