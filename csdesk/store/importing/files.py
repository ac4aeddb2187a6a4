"""Which reader reads a path: a folder of files, a CSV file named by its table, a JSON book.

A new format (a calendar, a mail file) adds its suffix to `read_file`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from csdesk.core.profiles import Profile
from csdesk.store.importing.csv_files import read_csv
from csdesk.store.importing.json_book import read_json_book
from csdesk.store.importing.profiles import apply, choose, profile_names
from csdesk.store.importing.sources import Problem, Source, read_text, table_for_file
from csdesk.store.importing.tables import IMPORT_TABLES


def read_sources(paths: Iterable[str | Path], problems: list[Problem], notes: list[str], *,
                 profiles: dict[str, Profile] | None = None,
                 profile: str | None = None) -> list[Source]:
    """Every file's rows. `profiles`: the CSM's own (config); `profile`: the one `--profile`
    names (else a profile is chosen per file when its name or headers match one)."""
    sources: list[Source] = []
    profiles = profiles or {}
    if profile is not None and profile not in profile_names(profiles):
        problems.append(Problem("--profile", 0, profile, "no such profile; known: "
                                + ", ".join(profile_names(profiles))))
        return []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
            if not files:
                problems.append(Problem(str(given), 0, "folder", "no .csv or .json files"))
            found: list[Source] = []
            before = len(problems)
            for p in files:
                found += read_file(p, str(p), problems, notes, profiles=profiles,
                                   profile=profile, in_folder=True)
            if files and not found and len(problems) == before:
                problems.append(Problem(str(given), 0, "folder", (
                    "no file here names a table (" + ", ".join(f"{t}.csv" for t in IMPORT_TABLES)
                    + ") or matches a profile by its name or headers; nothing to import "
                    "(name the files by table, or use --profile NAME)")))
            sources += found
        elif not path.exists():
            problems.append(Problem(str(given), 0, "file", "no such file or folder"))
        else:
            sources += read_file(path, str(given), problems, notes, profiles=profiles,
                                 profile=profile)
    return sources


def read_file(path: Path, label: str, problems: list[Problem], notes: list[str], *,
              profiles: dict[str, Profile] | None = None, profile: str | None = None,
              in_folder: bool = False) -> list[Source]:
    if path.suffix.lower() == ".json":
        return read_json_book(path, label, problems, notes)
    named = table_for_file(path)
    text = read_text(path, label, problems, notes)
    if text is not None and not text.strip():  # a 0-byte file: an empty table (issue 24)
        notes.append(f"{label}: empty file, nothing to import from it")
        return []
    if text is None:
        return []
    seen: list[Problem] = []
    src = read_csv(text, label, named or "", seen, notes)
    choice = choose(path.name, src.headers, named, profiles or {}, profile)
    if choice is None and named is None:
        if in_folder:
            notes.append(f"skipped {path}: its name names no table and no profile matches it")
        else:
            problems.append(Problem(label, 0, "file", _NAMES_NO_TABLE + "; no profile matches "
                                    "its headers either (try --profile NAME)"))
        return []
    problems += seen
    if choice is not None:
        src = apply(src, choice, problems, notes)
    return [src]


_NAMES_NO_TABLE = ("the file name names no table (expected "
                   + ", ".join(f"{t}.csv" for t in IMPORT_TABLES) + ")")
