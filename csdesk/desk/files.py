"""Files csdesk writes beside the book (QBR agendas, plans, exports): never the book itself,
never half-written.

An output path that names the open book, its `-wal`/`-shm` companions, or a link to any of
them is refused before anything is written; text is written to a temporary file in the same
folder and renamed over the target, so a failed write leaves no empty or partial file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputRefused(ValueError):
    """The output path cannot be written (it is the book, or the folder is missing)."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | os.PathLike[str], book: str | os.PathLike[str] | None) -> Path:
    """`path` as a Path, after refusing it when it is the book or one of its companions."""
    target = Path(path).expanduser()
    if str(path) == "":
        raise OutputRefused("the output path is empty")
    if book is not None:
        book = Path(book).expanduser()
        for companion in (book, book.with_name(book.name + "-wal"),
                          book.with_name(book.name + "-shm")):
            if (target.resolve() == companion.resolve() or _same_file(target, companion)):
                raise OutputRefused(f"{target}: that is the book itself ({companion.name}); "
                                    "choose another file")
    if target.is_dir():
        raise OutputRefused(f"{target}: is a folder; name a file")
    return target


def write_text(path: str | os.PathLike[str], text: str, *,
               book: str | os.PathLike[str] | None) -> Path:
    """Write `text` (UTF-8) to `path` whole or not at all, mode 0600 for a new file.

    Raises OutputRefused for the book's own path and OSError when the folder cannot be
    written; in both cases nothing is left behind."""
    target = check_output(path, book)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o777)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
