"""Import profiles applied to files: which profile (and table) a file is read with, and the
file read through it - headers mapped to csdesk's columns, values translated, rows filtered.

A file is read with a profile when `--profile NAME` names one (its table whose `file` glob
matches the file's name, else the table the name names, else the one whose headers the file
has), or else when one of the CSM's profiles or a built-in one matches the file's name or its
headers; the import's notes say which was chosen and how many rows its filter left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from csdesk.core.profiles import BUILTIN_PROFILES, Profile, TableProfile, all_profiles
from csdesk.store.importing.sources import Problem, Source


@dataclass(frozen=True)
class Choice:
    profile: str
    table: str
    mapping: TableProfile
    why: str  # "its name", "its headers", "its name and headers"


def choose(file_name: str, headers: list[str], named: str | None,
           configured: dict[str, Profile], wanted: str | None) -> Choice | None:
    """The profile table a file is read with, or None (read with csdesk's own headers)."""
    if wanted is not None:
        candidates = [all_profiles(configured)[wanted]]
    else:
        candidates = list(all_profiles(configured).values())
    best: tuple | None = None
    for order, profile in enumerate(candidates):
        for table, mapping in profile.tables.items():
            by_name = bool(mapping.file) and mapping.matches_name(file_name)
            by_headers = mapping.matches_headers(headers)
            if named is not None and table != named and not by_name:
                continue
            if not (by_name or by_headers or (wanted is not None and table == named)):
                continue
            if wanted is None and profile.builtin and not by_headers:
                continue  # a built-in is chosen by the headers it knows, never by name alone
            why = ("its name and headers" if by_name and by_headers
                   else "its name" if by_name else "its headers" if by_headers
                   else "the table its name names")
            rank = (by_name and by_headers, by_headers, by_name, not profile.builtin,
                    len(mapping.signature()), -order)
            if best is None or rank > best[0]:
                best = (rank, Choice(profile.name, table, mapping, why))
    return None if best is None else best[1]


def profile_names(configured: dict[str, Profile]) -> list[str]:
    return list(all_profiles(configured))


def apply(src: Source, choice: Choice, problems: list[Problem], notes: list[str]) -> Source:
    """The source read through the profile: `src.mapping` says which header is which csdesk
    column, cells of mapped values are translated, rows the `where` filter leaves out go.
    Line numbers stay the file's."""
    mapping = choice.mapping
    src.table = choice.table
    builtin = choice.profile in BUILTIN_PROFILES and choice.profile
    notes.append(f"{src.label}: read as {choice.table} with the "
                 f"{'built-in ' if builtin else ''}profile {choice.profile!r} (chosen by "
                 f"{choice.why})")
    at = {h: i for i, h in enumerate(src.headers)}
    columns: dict[str, str] = {}
    for column, spec in mapping.columns.items():
        header = spec.header_in(src.headers)
        if header is not None:
            columns[header] = column
    src.mapping = columns
    conditions = []
    for header, values in mapping.where.items():
        found = next((h for h in src.headers
                      if h.strip().casefold() == header.strip().casefold()), None)
        if found is None:
            problems.append(Problem(src.label, 1, header,
                                    f"no such column, but profile {choice.profile!r} keeps "
                                    f"only the rows where {header} is "
                                    + " or ".join(repr(v) for v in values)))
            continue
        conditions.append((at[found], {v.strip().casefold() for v in values}))
    translations = [(at[h], mapping.columns[c]) for h, c in columns.items()
                    if mapping.columns[c].map]
    if not conditions and not translations:
        return src
    kept = []
    left_out = 0
    for line, cells in src.rows:
        if any((cells[i] if i < len(cells) else "").strip().casefold() not in wanted
               for i, wanted in conditions):
            left_out += 1
            continue
        if translations:
            cells = list(cells)
            for i, spec in translations:
                if i < len(cells) and isinstance(cells[i], str):
                    cells[i] = spec.value(cells[i])
        kept.append((line, cells))
    if left_out:
        notes.append(f"{src.label}: left out {left_out} row{'s' if left_out != 1 else ''} "
                     "the profile does not keep (where "
                     + "; ".join(f"{h} is " + " or ".join(repr(v) for v in vs)
                                 for h, vs in mapping.where.items()) + ")")
    out = Source(src.label, src.table, src.headers, kept)
    out.text_only = src.text_only
    out.mapping = src.mapping
    return out
