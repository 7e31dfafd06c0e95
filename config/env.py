"""Typed readers for environment variables that fail loudly on bad values."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(
    name: str, *, default: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """Return a string variable, or the default; fail when neither is there."""
    value = _raw(name, environ)
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
    return default


def env_bool(name: str, *, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Return a boolean variable written as true/false, yes/no, on/off or 1/0."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={value!r} is not a boolean; use true or false."
    )


def env_int(
    name: str,
    *,
    default: int,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return an integer variable, checked against an optional minimum."""
    value = _raw(name, environ)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a whole number."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={number} is below {minimum}.")
    return number


def env_list(
    name: str, *, default: list[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated list variable with blanks dropped."""
    value = _raw(name, environ)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(
    name: str, *, default: list[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated list of IP addresses or CIDR ranges, each checked."""
    entries = env_list(name, default=default, environ=environ)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable {name} holds {entry!r}, which is not an IP address or "
                "CIDR range (such as 10.0.0.5 or 10.0.0.0/24)."
            ) from None
    return entries
