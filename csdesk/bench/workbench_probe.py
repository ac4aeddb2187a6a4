"""Timings of the workbench for `python -m csdesk.bench`, through Textual's pilot.

first_paint: from the start of the process (`started`, a wall-clock time: the bench passes the
moment it spawned the process, so Python's start and every import count) to the first screen
up (Today, saying Loading…, with the progress line of the scoring worker).
first_screen: from the same start to the Today queue drawn with the scored book.
filter_keystroke: on Accounts, from one typed filter character to the list redrawn, for the
slowest of four keystrokes (each a real key event through the Input; the first, over the whole
book, is the slowest), less the pilot's own cost of pressing a key bound to nothing
(`pilot_noop_key`, reported beside it). `filter_keystroke_mean` is their mean.
palette_keystroke: the same letters typed in the command palette (ctrl+p), each from the key
to its search over every account's name done and the list redrawn (the slowest, less the
same pilot cost); `palette_hits` the options listed after each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path


async def measure(db: Path | str, as_of: str, *, size: tuple[int, int] = (140, 45),
                  started: float | None = None) -> dict:
    """The timings; `started` (time.time()) defaults to now, after this module's import."""
    wall_start = time.time() if started is None else started
    from csdesk.core.config import Config
    from csdesk.desk.desk import Desk
    from csdesk.desk.settings import workers

    start = time.perf_counter() - (time.time() - wall_start)  # the start, on perf_counter
    # As `csdesk` opens its book and starts the workbench (`csdesk.cli._open_workbench`).
    desk = Desk.open(Path(db), Config(), dt.date.fromisoformat(as_of), create=False)
    desk.workers, desk.min_slice = workers()
    desk.start_scoring()

    from csdesk.tui.app import CsdeskApp
    from csdesk.tui.book_view import Workbench
    from csdesk.tui.widgets.row_table import RowTable

    workbench = Workbench(desk, book_path=Path(db))
    app = CsdeskApp(workbench, book_label=Path(db).name)
    # When things were on screen, stamped on the app's thread after the refresh that drew
    # them (a pilot.pause() would also wait for the worker thread that holds the interpreter).
    seen: dict[str, float] = {}
    rescore, loaded = app.action_rescore, app._loaded

    def first_rescore() -> None:  # the app asks for scoring once its first screen is drawn
        seen.setdefault("paint", time.perf_counter())
        rescore()

    def drawn(book) -> None:  # the queue handed over; stamped once it is drawn
        loaded(book)
        app.call_after_refresh(lambda: seen.setdefault("screen", time.perf_counter()))

    app.action_rescore, app._loaded = first_rescore, drawn
    try:
        async with app.run_test(size=size) as pilot:
            while "screen" not in seen:  # handed over before the snapshots are stored
                await asyncio.sleep(0.01)
            first_paint, first_screen = seen["paint"] - start, seen["screen"] - start
            await app.workers.wait_for_complete()  # ...which finish before anything else

            await pilot.press("2")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("slash")
            await pilot.pause()
            table = app.screen.query_one("#accounts", RowTable)
            # The pilot's own cost of a key press (a key nothing is bound to), measured so
            # it can be taken out: what remains is filtering and redrawing the list.
            noop = []
            for _ in range(4):
                before = time.perf_counter()
                await pilot.press("f12")
                await pilot.pause()
                noop.append(time.perf_counter() - before)
            # A filter that narrows the list without emptying it: the first letters of a real
            # name, the middle account's ("lark" at 10,000 accounts: 6,968 rows, 956, 228, 63).
            names = [row.name for row in app.book.rows]
            typed = names[len(names) // 2].split()[0][:4].casefold()
            times, shown = [], []
            for key in typed:
                before = time.perf_counter()
                await pilot.press(key)  # the press returns once the key is processed
                await pilot.pause()  # ...and the list redrawn
                times.append(time.perf_counter() - before)
                shown.append(len(table.rows))

            from textual.command import CommandList

            await pilot.press("escape", "ctrl+p")
            await _palette_done(pilot)  # the names read
            palette, hits = [], []
            for key in typed:
                before = time.perf_counter()
                await pilot.press(key)
                await _palette_done(pilot)
                palette.append(time.perf_counter() - before)
                hits.append(app.screen.query_one(CommandList).option_count)
    finally:
        workbench.close()
    baseline = min(noop)
    return {"first_paint": first_paint, "first_screen": first_screen,
            "filter_keystroke": max(0.0, max(times) - baseline),
            "filter_keystroke_mean": max(0.0, sum(times) / len(times) - baseline),
            "filter_keystroke_with_pilot": max(times),
            "pilot_noop_key": baseline, "filter_typed": typed, "filter_rows_shown": shown,
            "palette_keystroke": max(0.0, max(palette) - baseline), "palette_hits": hits}


async def _palette_done(pilot) -> None:
    """Until the palette has read the names and searched them for the last key (in workers,
    the only ones running by then), and the list is redrawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


if __name__ == "__main__":  # python -m csdesk.bench.workbench_probe BOOK AS_OF [STARTED]
    import json
    import sys

    print(json.dumps(asyncio.run(measure(
        sys.argv[1], sys.argv[2], started=float(sys.argv[3]) if len(sys.argv) > 3 else None))))
