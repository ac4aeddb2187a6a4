"""Workbench tests run on a deterministic demo book: fixed seed, fixed day, fixed terminal."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import shutil
from pathlib import Path

import pytest

from csdesk.core.config import Config
from csdesk.desk.desk import Desk
from csdesk.tui.app import CsdeskApp
from csdesk.tui.book_view import Workbench

AS_OF = dt.date(2026, 11, 23)
SIZE = (140, 45)
SEED = 7


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests (Textual's pilot) on a fresh event loop; no plugin needed."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
        return True
    return None


@pytest.fixture(scope="session")
def demo_book_file(tmp_path_factory) -> Path:
    """The demo book (`csdesk demo --seed 7`, 60 accounts), written once per session."""
    from csdesk.cli import main

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    rc = main(["demo", "--db", str(path), "--as-of", AS_OF.isoformat(), "--seed", str(SEED)])
    assert rc == 0, "`csdesk demo` failed"
    return path


@pytest.fixture
def demo_book(demo_book_file, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo book, so a test may write to it."""
    monkeypatch.setenv("CSDESK_TODAY", AS_OF.isoformat())
    path = tmp_path / "demo.db"
    shutil.copy(demo_book_file, path)
    return path


def make_app(path: Path, *, export_dir: Path | None = None) -> CsdeskApp:
    desk = Desk.open(path, Config(), AS_OF)
    workbench = Workbench(desk, book_path=path, export_dir=export_dir or path.parent / "exports")
    return CsdeskApp(workbench, book_label=path.name)


@pytest.fixture
def app(demo_book) -> CsdeskApp:
    app = make_app(demo_book)
    yield app
    app.workbench.close()


@pytest.fixture
def empty_app(tmp_path, monkeypatch) -> CsdeskApp:
    monkeypatch.setenv("CSDESK_TODAY", AS_OF.isoformat())
    app = make_app(tmp_path / "empty.db")
    yield app
    app.workbench.close()


async def settle(pilot) -> None:
    """Wait until every worker (scoring, saving, loading an account) is done and drawn."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def snap(snap_compare, app, *keys, size=SIZE, before=None, then=None, refreshes: int = 0):
    """`snap_compare` of `app` at `size` once settled: `before(pilot)`, each key pressed,
    `then(pilot)`, each step settled; no blinking cursor; `refreshes`: settle that many more
    times after a pause (a refresh the first read sets off: the day's snapshots stored)."""
    async def run_before(pilot):
        await settle(pilot)
        if before is not None:
            await before(pilot)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        for _ in range(refreshes):
            await pilot.pause(0.2)
            await settle(pilot)

    return snap_compare(app, terminal_size=size, run_before=run_before)
