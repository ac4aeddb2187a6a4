"""Saving an import profile to config.toml (the workbench's mapping screen, docs/import.md).

The profile is appended as `[import.profiles.NAME.TABLE]` with one `column = "header"` line per
mapped column, then the whole config is read again: a file it would break is put back as it
was and the reason given.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from csdesk.core.config import Config, ConfigError
from csdesk.desk.settings import load_config

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class ProfileRefused(ValueError):
    """The profile cannot be saved; the message says why."""


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is a JSON string


def profile_toml(name: str, table: str, mapping: dict[str, str], file_glob: str | None) -> str:
    lines = [f"[import.profiles.{name}.{table}]"]
    if file_glob:
        lines.append(f"file = {_string(file_glob)}")
    lines += [f"{column} = {_string(header)}" for column, header in mapping.items() if header]
    return "\n".join(lines) + "\n"


def save_profile(config_file: Path, name: str, table: str, mapping: dict[str, str],
                 file_glob: str | None = None) -> Config:
    """Append the profile to `config_file` (created if need be); the config read again."""
    if not _NAME.match(name):
        raise ProfileRefused("a profile name is letters, digits, - and _ (at most 40)")
    before = config_file.read_text(encoding="utf-8") if config_file.exists() else None
    try:
        current = load_config(str(config_file)) if before is not None else Config()
    except ConfigError as exc:
        raise ProfileRefused(f"the config has a problem already: {exc}") from None
    existing = current.import_profiles.get(name)
    if existing is not None and table in existing.tables:
        raise ProfileRefused(f"profile {name!r} already maps {table}; choose another name")
    text = (before or "")
    if text and not text.endswith("\n"):
        text += "\n"
    text += ("\n" if text else "") + profile_toml(name, table, mapping, file_glob)
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(text, encoding="utf-8")
    try:
        return load_config(str(config_file))
    except ConfigError as exc:
        if before is None:
            config_file.unlink()
        else:
            config_file.write_text(before, encoding="utf-8")
        raise ProfileRefused(str(exc)) from None
