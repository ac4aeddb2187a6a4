"""Where things live and what day it is (docs/cli.md "Environment variables", "Config file").

Where csdesk reads its settings from the environment, today's date and the config file; the
core takes them as parameters. (The capture reads the clock and zone for its own window, and
the mapping screen writes profiles back to the config file: docs/architecture.md.)
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path

import platformdirs

from csdesk.core.config import Config, ConfigError, parse_config


def book_path(cli_db: str | None = None) -> Path:
    """The book's file: `--db`, else $CSDESK_DB, else the user data folder. Raises ValueError
    for an empty path or `:memory:` (a book that would keep nothing), rather than quietly
    using another book."""
    for source, value in (("--db", cli_db), ("CSDESK_DB", os.environ.get("CSDESK_DB"))):
        if value is None:
            continue
        if not value.strip():
            raise ValueError(f"{source} is empty; name the book's file")
        if value.strip() == ":memory:" or value.startswith("file:"):
            raise ValueError(f"{source}: {value!r} is not a file; csdesk keeps the book in a file")
        return Path(value).expanduser()
    return Path(platformdirs.user_data_dir("csdesk")) / "book.db"


def config_path(cli_config: str | None = None) -> Path:
    if cli_config:
        return Path(cli_config).expanduser()
    if os.environ.get("CSDESK_CONFIG"):
        return Path(os.environ["CSDESK_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir("csdesk")) / "config.toml"


def load_config(cli_config: str | None = None) -> Config:
    """The user's config, or the seed defaults when there is no file. Raises ConfigError."""
    path = config_path(cli_config)
    if not path.exists():
        if cli_config:
            raise ConfigError("", f"{path}: no such config file")
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("", f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", f"{path}: not valid TOML ({exc})") from None
    try:
        return parse_config(data)
    except ConfigError as exc:
        raise ConfigError(exc.key, f"{exc.reason} (in {path})") from None


# The days csdesk works in: a book's dates and the rules' windows stay far from the ends of
# Python's calendar (date.max minus a year's window overflows).
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


def export_dir(config: Config) -> Path:
    """Where the workbench writes exports (a QBR agenda): the config's `export_dir`, else the
    user's documents folder."""
    if config.export_dir:
        return Path(config.export_dir).expanduser()
    return Path(platformdirs.user_documents_dir())


def parse_iso_day(text: str, what: str = "--as-of") -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{what}: {text!r} is outside {FIRST_DAY.year}–{LAST_DAY.year}")
    return day


def today(cli_as_of: str | None = None) -> dt.date:
    if cli_as_of:
        return parse_iso_day(cli_as_of)
    if os.environ.get("CSDESK_TODAY"):
        return parse_iso_day(os.environ["CSDESK_TODAY"], "CSDESK_TODAY")
    return dt.date.today()


def workers() -> tuple[int, int]:
    """How many processes a command's whole-book run may use, and the fewest accounts each
    takes (`csdesk.desk.parallel`). CSDESK_WORKERS: a number of processes (at most the cores this
    process may run on), or `auto` (the default):
    up to 4 of the cores this process may run on, for books of 2,000 accounts and up (below
    that a second process saves less than it costs). Raises ValueError."""
    text = os.environ.get("CSDESK_WORKERS", "auto").strip()
    if text == "auto":
        return min(_cores(), 4), 1_000
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"CSDESK_WORKERS: {text!r} is not a number of processes (or auto)")
    return min(int(text), _cores()), 1


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
