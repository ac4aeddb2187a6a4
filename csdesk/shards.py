"""A whole-book run split over processes, each scoring a slice of the accounts.

The rules read one account's rows at a time (PLAYBOOK_RULES.md §2-§9), so a book splits into
slices of its accounts, contiguous in book order. `run_forked` does the first slice in this
process while forked children do the others and send back what they concluded, pickled
through a pipe; the results come back in slice order, so concatenated they are what one
process would have made of the whole book.

Why processes: at 10,000 accounts a run is about three seconds of Python (reading rows into
models, then the rules), and one process uses one core. Two processes take it to about two.

Fork is safe here because of what crosses it and what does not:
- No SQLite connection: the caller closes its own before forking and reopens it after
  (`before_fork`, `after_fork`); each child opens its own. (SQLite forbids carrying an open
  connection across a fork.)
- Only where fork is how the platform starts processes (Linux) and only from a process with
  a single thread (`can_fork`): the command line forks, the workbench (threads) does not.
- A child ends with `os._exit`: no buffered output of the parent is flushed twice, nothing
  is freed one object at a time, no exit handler runs.

Each slice is read in its own read transaction, so each account is read whole as of one
moment; a write by another program while the slices start (a cron import, say) may be seen
by some slices and not others, as if the run had started a moment earlier or later for
those accounts.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

S = TypeVar("S")
R = TypeVar("R")


def can_fork() -> bool:
    """Forking is the platform's way (Linux) and this process runs one thread."""
    return sys.platform == "linux" and threading.active_count() == 1


def split(items: Sequence[S], parts: int) -> list[Sequence[S]]:
    """`items` in `parts` contiguous slices, in order, their sizes differing by one at most."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (i < extra)
        out.append(items[start:end])
        start = end
    return out


class WorkerFailed(RuntimeError):
    """A child process ended without sending its result (killed, say)."""


def _nothing() -> None:
    pass


def run_forked(work: Callable[[S], R], slices: Sequence[S], *,
               before_fork: Callable[[], None] = _nothing,
               after_fork: Callable[[], None] = _nothing,
               in_child: Callable[[], None] = _nothing) -> list[R]:
    """[work(s) for s in slices], the first in this process, each other in a forked child.

    An exception raised by `work` in a child is raised here, as is the first slice's own;
    either way no child is left running. `before_fork` runs once before the children are
    forked and `after_fork` once after, in this process; `in_child` first in each child
    (close what must not cross a fork, reopen it on each side).
    """
    children: list[tuple[int, int]] = []
    before_fork()
    try:
        for piece in slices[1:]:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                _child(work, piece, read, write, in_child)
            os.close(write)
            children.append((pid, read))
    finally:
        after_fork()
    results: list[R] = []
    try:
        results.append(work(slices[0]))
        while children:
            pid, read = children.pop(0)
            results.append(_collect(pid, read))
    finally:
        for pid, read in children:  # what is left after a failure: stopped and reaped
            os.close(read)
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    return results


def _child(work: Callable[[S], R], piece: S, read: int, write: int,
           in_child: Callable[[], None]) -> None:
    code = 1
    try:
        os.close(read)
        try:
            in_child()
            payload = pickle.dumps((True, work(piece)), pickle.HIGHEST_PROTOCOL)
            code = 0
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            try:
                payload = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle: its text does
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write, "wb") as out:
            out.write(payload)
    finally:
        os._exit(code)


def _collect(pid: int, read: int):
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise WorkerFailed(f"a scoring process ended without its result "
                           f"(exit status {os.waitstatus_to_exitcode(status)})")
    ok, value = pickle.loads(payload)
    if not ok:
        raise value
    return value
