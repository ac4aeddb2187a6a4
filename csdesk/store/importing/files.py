"""Which reader reads a path: a folder of files, a CSV file named by its table, a JSON book.

A new format (a calendar, a mail file) adds its suffix to `read_file`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from csdesk.store.importing.csv_files import read_csv
from csdesk.store.importing.json_book import read_json_book
from csdesk.store.importing.sources import Problem, Source, read_text, table_for_file
from csdesk.store.importing.tables import IMPORT_TABLES


def read_sources(paths: Iterable[str | Path], problems: list[Problem],
                 notes: list[str]) -> list[Source]:
    sources: list[Source] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
            if not files:
                problems.append(Problem(str(given), 0, "folder", "no .csv or .json files"))
            for p in files:
                if p.suffix.lower() == ".csv" and table_for_file(p) is None:
                    notes.append(f"skipped {p}: its name names no table")
                    continue
                sources += read_file(p, str(p), problems, notes)
        elif not path.exists():
            problems.append(Problem(str(given), 0, "file", "no such file or folder"))
        else:
            sources += read_file(path, str(given), problems, notes)
    return sources



def read_file(path: Path, label: str, problems: list[Problem], notes: list[str]) -> list[Source]:
    if path.suffix.lower() == ".json":
        return read_json_book(path, label, problems, notes)
    table = table_for_file(path)
    if table is None:
        problems.append(Problem(label, 0, "file", "the file name names no table (expected "
                                + ", ".join(f"{t}.csv" for t in IMPORT_TABLES) + ")"))
        return []
    text = read_text(path, label, problems)
    return [] if text is None else [read_csv(text, label, table, problems)]
