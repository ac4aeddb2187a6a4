"""Every workbench flow driven from the keyboard through Textual's pilot, checked in SQLite."""

from __future__ import annotations

import threading
import time

from csdesk.core.models import Band, ContactStatus, Role, Touchpoint
from csdesk.tui.app import CsdeskApp
from csdesk.tui.flows import save_account
from csdesk.tui.forms import NoteForm, TouchpointForm
from csdesk.tui.screens.account import AccountScreen
from csdesk.tui.screens.accounts import AccountsScreen
from csdesk.tui.widgets.row_table import RowTable

from .conftest import AS_OF, SIZE, make_app, settle


def _count(app: CsdeskApp, sql: str, params=()) -> int:
    return app.workbench.desk.db.execute(sql, params).fetchone()[0]


def account_with_single_champion(app: CsdeskApp) -> str:
    for account_id in app.book.assessments:
        detail = app.workbench.detail(account_id)
        champions = [c for c in detail.contacts if c.contact.role == Role.champion
                     and c.contact.status == ContactStatus.active]
        if len(champions) == 1 and not any(a.trigger == "champion_departed"
                                           for a in detail.assessment.alerts):
            return account_id
    raise AssertionError("the demo book has no account with exactly one active champion")


def account_in_onboarding(app: CsdeskApp) -> str:
    for account_id, a in app.book.assessments.items():
        if any(not item.auto and not item.done for m in a.milestones for item in m.items):
            return account_id
    raise AssertionError("the demo book has no account with an open manual checklist item")


def _last_note(app: CsdeskApp, account_id: str) -> str | None:
    row = app.workbench.desk.db.execute(
        "SELECT text FROM notes WHERE account_id=? ORDER BY id DESC", [account_id]).fetchone()
    return row and row[0]


async def open_account(pilot, account_id: str) -> AccountScreen:
    pilot.app.open_account(account_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen) and screen.detail is not None
    return screen


async def test_first_screen_shows_the_queue(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.book is not None and not app.book.empty
        queue = app.screen.query_one("#queue", RowTable)
        assert len(queue.rows) == len(app.book.brief) > 0
        first = queue.rows[0]
        # Overdue first (docs/cli.md `today`), then by level.
        assert first.overdue or not any(item.overdue for item in queue.rows)


async def test_while_the_book_is_scored_the_queue_says_loading_not_empty(app):
    gate = threading.Event()
    load = app.workbench.load

    def slow(progress=None, shown=None):
        gate.wait(30)
        return load(progress, shown)

    app.workbench.load = slow
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = app.screen.query_one("#queue", RowTable)
        assert app.book is None and not queue.filled
        assert not app.screen.query_one("#empty-book").display  # not "your book is empty"
        assert queue.render_line(1).text.strip() == "Loading…"
        # Only the label while nothing is counted: no bar animating on the app's thread.
        assert "Reading the book" in str(app.screen.query_one("#work-label").render())
        assert not app.screen.query_one("#work-bar").display
        app.busy = ("Scoring 60 accounts…", 30, 60)
        await pilot.pause()
        assert app.screen.query_one("#work-bar").display
        await pilot.press("2")  # the list too says Loading…, not "no account matches"
        await pilot.pause()
        accounts = app.screen.query_one("#accounts", RowTable)
        assert accounts.render_line(1).text.strip() == "Loading…"
        gate.set()
        await settle(pilot)
        assert accounts.filled and len(accounts.rows) > 50
        await pilot.press("1")
        await pilot.pause()
        assert queue.filled and len(queue.rows) == len(app.book.brief) > 0
        assert "Loading" not in queue.render_line(1).text


async def test_scoring_reports_progress_without_waiting_for_the_screen(app):
    from csdesk.tui.app import Scoring

    gate, reported = threading.Event(), []
    load = app.workbench.load

    def counted(progress=None, shown=None):
        def report(done, total):
            progress(done, total)
            reported.append(done)

        report(0, 60)
        report(30, 60)  # within 0.1 s of the first: not posted
        gate.wait(30)
        return load(report, shown)

    app.workbench.load = counted
    async with app.run_test(size=SIZE) as pilot:
        while not reported:
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.busy == ("Scoring 60 accounts…", 0, 60)
        gate.set()
        await settle(pilot)
        assert app.book is not None and app.busy is None
        app.post_message(Scoring(60, 60))  # a report that arrives after the book is in
        await pilot.pause()
        assert app.busy is None


async def test_log_a_touchpoint_from_today_in_two_keys(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        kind = app.screen.highlighted_item().respond_with  # t logs what the item asks for
        before = _count(app, "SELECT count(*) FROM touchpoints WHERE account_id=? AND date=? "
                             "AND kind=? AND status='completed'",
                        [account_id, AS_OF.isoformat(), kind])
        await pilot.press("t")
        assert isinstance(app.screen, TouchpointForm)
        await pilot.press("enter")
        await settle(pilot)
        after = _count(app, "SELECT count(*) FROM touchpoints WHERE account_id=? AND date=? "
                            "AND kind=? AND status='completed'",
                       [account_id, AS_OF.isoformat(), kind])
        assert after == before + 1
        assert not isinstance(app.screen, TouchpointForm)
        assert f"Logged completed {kind.replace('_', '-')}" in _toasts(app)  # the toast renders


def _toasts(app) -> str:
    """The text of every notification on screen, rendered as the app renders it (the pilot
    shows notifications only when run with `notifications=True`)."""
    from textual.widgets._toast import Toast

    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


async def test_log_a_touchpoint_with_summary_and_flag(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        await pilot.press("t")
        await pilot.press(*"asked about exports")
        form = app.screen
        form.query_one("#flags").select("data_export_request")
        await pilot.press("enter")
        await settle(pilot)
        row = app.workbench.desk.db.execute(
            "SELECT kind, status, flags FROM touchpoints WHERE account_id=? AND summary=?",
            [account_id, "asked about exports"]).fetchone()
        assert row == ("check_in", "completed", "data_export_request")


async def test_bad_date_is_refused_in_the_form(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        form = app.screen
        form.query_one("#date").value = "31/31/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # still open, says why
        assert "not a date" in str(form.query_one("#form-problem").render())


async def open_note_form(pilot) -> str:
    """The first account of the book opened, its note form up: that account's id."""
    await settle(pilot)
    account_id = next(iter(pilot.app.book.assessments))
    await open_account(pilot, account_id)
    await pilot.press("n")
    assert isinstance(pilot.app.screen, NoteForm)
    return account_id


async def test_add_a_note(app):
    async with app.run_test(size=SIZE) as pilot:
        account_id = await open_note_form(pilot)
        await pilot.press(*"Call went well", "enter", *"[b]second line[/b]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _last_note(app, account_id) == "Call went well\n[b]second line[/b]"
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        assert screen.detail.timeline[0].kind == "note"


async def test_escape_does_not_lose_a_typed_note(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"half a thought", "escape")
        assert isinstance(app.screen, NoteForm)  # asks once more before discarding
        await pilot.press("escape")
        assert not isinstance(app.screen, NoteForm)


async def _stakeholders(pilot):
    """The Stakeholders tab of an account with one champion: (account id, screen, table)."""
    await settle(pilot)
    account_id = account_with_single_champion(pilot.app)
    screen = await open_account(pilot, account_id)
    await pilot.press("right_square_bracket")
    await pilot.pause()
    return account_id, screen, StakeholderMap(screen)


class StakeholderMap:
    """The Stakeholders tab's tree as the old table's tests read it: `rows` (every person,
    top down) and `cursor` (which one is highlighted)."""

    def __init__(self, screen) -> None:
        from textual.widgets import Tree

        self.screen, self.Tree = screen, Tree

    @property
    def tree(self):
        return self.screen.query_one("#stake-tree", self.Tree)

    def _nodes(self):
        out, todo = [], list(self.tree.root.children)
        while todo:
            node = todo.pop(0)
            if node.data is not None:
                out.append(node)
            todo[:0] = list(node.children)
        return out

    @property
    def rows(self):
        return [node.data for node in self._nodes()]

    @property
    def cursor(self) -> int:
        return self.rows.index(self.tree.cursor_node.data)

    @cursor.setter
    def cursor(self, index: int) -> None:
        self.tree.move_cursor(self._nodes()[index])


async def test_mark_the_champion_departed_raises_a_critical_alert(app):
    async with app.run_test(size=SIZE) as pilot:
        account_id, screen, table = await _stakeholders(pilot)
        index = next(i for i, line in enumerate(table.rows)
                     if line.contact.role == Role.champion
                     and line.contact.status == ContactStatus.active)
        table.cursor = index
        rowid = table.rows[index].rowid
        await pilot.press("d")  # asks once (a slip must not start a save plan)
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert app.workbench.desk.db.execute(
            "SELECT status FROM contacts WHERE id=?", [rowid]).fetchone() == ("active",)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        status = app.workbench.desk.db.execute(
            "SELECT status, departed_on FROM contacts WHERE id=?", [rowid]).fetchone()
        assert status == ("departed", AS_OF.isoformat())
        alerts = screen.detail.assessment.alerts
        assert any(a.trigger == "champion_departed" and a.level == "critical" for a in alerts)
        # ...and the queue on Today has it too, without a restart.
        assert any(item.account_id == account_id and item.level == "critical"
                   for item in app.book.brief)
        warnings = str(screen.query_one("#stake-warnings").render())
        assert "Champion departed" in warnings


async def test_add_then_edit_a_stakeholder_in_place(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        account_id, screen, table = await _stakeholders(pilot)
        before = len(table.rows)
        await pilot.press("a")  # a new stakeholder: champion, active, no sentiment yet
        await pilot.pause()
        await pilot.press(*"[b]Noor[/b] Haddad", "enter")
        await settle(pilot)
        db = app.workbench.desk.db
        row = db.execute("SELECT id, role, status, sentiment FROM contacts WHERE account_id=? "
                         "AND name=?", [account_id, "[b]Noor[/b] Haddad"]).fetchone()
        assert row is not None and row[1:] == ("champion", "active", None)
        assert len(table.rows) == before + 1
        assert "[b]Noor[/b] Haddad" in _toasts(app)
        table.cursor = next(i for i, line in enumerate(table.rows) if line.rowid == row[0])
        table.tree.focus()
        await pilot.press("enter")  # edit: the form opens on the stored values
        await pilot.pause()
        await pilot.press("end", *" Jr.", "enter")
        await settle(pilot)
        assert db.execute("SELECT name, sentiment FROM contacts WHERE id=?", [row[0]]
                          ).fetchone() == ("[b]Noor[/b] Haddad Jr.", None)


async def test_toggle_a_milestone_item(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id = account_in_onboarding(app)
        screen = await open_account(pilot, account_id)
        await pilot.press("right_square_bracket", "right_square_bracket")  # Onboarding
        await pilot.pause()
        table = screen.query_one("#milestones", RowTable)
        index = next(i for i, line in enumerate(table.rows)
                     if line.item is not None and not line.item.auto and not line.item.done)
        line = table.rows[index]
        table.cursor = index
        await pilot.press("space")
        await settle(pilot)
        done = app.workbench.desk.db.execute(
            "SELECT done_on FROM milestone_items WHERE account_id=? AND milestone=? AND item=?",
            [account_id, str(line.milestone.milestone), line.item.key]).fetchone()
        assert done == (AS_OF.isoformat(),)
        again = screen.query_one("#milestones", RowTable)
        ticked = next(r for r in again.rows if r.item is not None and r.item.key == line.item.key
                      and r.milestone.milestone == line.milestone.milestone)
        assert ticked.item.done
        # space again unticks
        again.cursor = again.rows.index(ticked)
        await pilot.press("space")
        await settle(pilot)
        assert _count(app, "SELECT count(*) FROM milestone_items WHERE account_id=? AND item=? "
                           "AND milestone=?",
                      [account_id, line.item.key, str(line.milestone.milestone)]) == 0


async def test_cycle_a_goal_status(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id = next(a for a in app.book.assessments
                          if app.workbench.detail(a).data.goals)
        screen = await open_account(pilot, account_id)
        await pilot.press(*["right_square_bracket"] * 3)  # Success plan
        await pilot.pause()
        goal = screen.query_one("#goals", RowTable).highlighted
        await pilot.press("space")
        await settle(pilot)
        if str(goal.status) == "at_risk" and not goal.roi_note:  # achieved asks for its ROI
            from csdesk.tui.forms_plans import GoalForm

            assert isinstance(app.screen, GoalForm)
            await pilot.press(*"$40k a year", "enter")
            await settle(pilot)
        status = app.workbench.desk.db.execute(
            "SELECT status FROM goals WHERE account_id=? AND goal=?", [account_id, goal.goal]
        ).fetchone()[0]
        assert status != str(goal.status)


async def test_filter_and_sort_the_accounts(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        table = screen.query_one("#accounts", RowTable)
        everyone = list(table.rows)
        assert len(everyone) == len(app.book.rows)
        needle = everyone[0].name[:3].lower()
        await pilot.press("slash", *needle)
        await pilot.pause()
        assert table.rows and all(needle in r.name.lower() for r in table.rows)
        assert len(table.rows) < len(everyone) or all(needle in r.name.lower() for r in everyone)
        await pilot.press("enter", "escape")  # back to the list, clear the filter
        await pilot.pause()
        assert len(table.rows) == len(everyone)
        await pilot.press("s")  # score, lowest first
        scores = [r.score for r in table.rows if r.score is not None]
        assert scores == sorted(scores)
        await pilot.press("s")  # ARR, largest first
        arrs = [r.arr for r in table.rows]
        assert arrs == sorted(arrs, reverse=True)
        await pilot.press("right_square_bracket")  # Red tab
        await pilot.pause()
        red = [r for r in app.book.rows if r.band == Band.red]
        assert {r.account_id for r in table.rows} == {r.account_id for r in red}
        await pilot.press("left_square_bracket")  # back to All
        await pilot.pause()
        table.cursor = 0
        await pilot.press("j", "j", "k", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == table.rows[2].account_id
        await pilot.press("escape")
        assert app.screen is screen


async def test_open_an_account_from_the_command_palette(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = app.book.rows[len(app.book.rows) // 2]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*target.name)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == target.account_id


def _scoring_holds_the_book(app: CsdeskApp) -> threading.Event:
    """Make the app's scoring run hold the book's connection (the workbench's lock, as a real
    run does for seconds on a big book) until the gate returned is set."""
    gate = threading.Event()
    load = app.workbench.load

    def held(progress=None, shown=None):
        with app.workbench.lock:
            gate.wait(30)
            return load(progress, shown)

    app.workbench.load = held
    return gate


async def _until(pilot, done, seconds: float = 5.0) -> None:
    """Pause until done() holds (without waiting for every worker: one is held on purpose)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)


async def test_while_the_book_is_scored_the_palette_finds_and_opens_an_account(app):
    # Typed key by key, each key restarting the palette's search: the names were read under
    # the book's lock then, and the first cancelled search took the provider down with it
    # ("No matches found" to every later key, even once the book was in).
    names = app.workbench.desk.db.execute(
        "SELECT account_id, name FROM accounts ORDER BY name").fetchall()
    account_id, name = names[len(names) // 2]
    gate = _scoring_holds_the_book(app)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            for key in name:
                await pilot.press(key)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, AccountScreen)
                         and app.screen.detail is not None)
            assert isinstance(app.screen, AccountScreen)
            assert app.screen.account_id == account_id and app.screen.detail is not None
            assert app.book is None  # ...all while the scoring run held the book
        finally:
            gate.set()
        await settle(pilot)
        assert app.book is not None


async def test_a_save_made_while_the_book_is_scored_lands_in_the_scored_book(app):
    # An account opened from the palette during the first scoring run, a call logged on it:
    # the write waits for the run, and the run's queue (read before the call) is mended.
    ids = [a for a, in app.workbench.desk.db.execute("SELECT account_id FROM accounts")]
    account_id = next(a for a in ids
                      if (app.workbench.detail(a).assessment.next_touchpoint_due or AS_OF)
                      < AS_OF)  # a touchpoint overdue: the call moves it
    failed = []
    app._failed = lambda what, exc: failed.append((what, exc))
    gate = _scoring_holds_the_book(app)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            app.open_account(account_id)
            await _until(pilot, lambda: isinstance(app.screen, AccountScreen)
                         and app.screen.detail is not None)
            save_account(app, account_id, lambda: app.workbench.log_touchpoint(Touchpoint(
                account_id=account_id, date=AS_OF, kind="call", status="completed")),
                "Logged")
            await pilot.pause(0.2)
            assert app.book is None  # the write waits for the run
        finally:
            gate.set()
        await settle(pilot)
        assert failed == []
        fresh, _ = app.workbench.desk.assess_account(account_id, store=False)
        shown = app.book.assessments[account_id]
        assert shown.next_touchpoint_due == fresh.next_touchpoint_due > AS_OF
        assert (shown.health, shown.alerts) == (fresh.health, fresh.alerts)
        assert app.screen.detail.assessment.next_touchpoint_due == fresh.next_touchpoint_due


async def test_after_a_failed_scoring_run_an_account_can_still_be_opened_and_saved(app):
    def broken(progress=None, shown=None):
        raise OSError("disk I/O error")

    app.workbench.load = broken
    failed = []
    app._failed = lambda what, exc: failed.append(what)
    account_id = app.workbench.account_names()[0][0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert failed == ["Scoring failed"] and app.book is None
        app.open_account(account_id)
        await settle(pilot)
        before = len(app.screen.detail.notes)
        save_account(app, account_id,
                     lambda: app.workbench.add_note(account_id, "Called the VP"), "Note added")
        await settle(pilot)
        assert failed == ["Scoring failed"]  # not "Saved, but the refresh failed"
        assert len(app.screen.detail.notes) == before + 1 and app.book is None


async def test_the_palette_survives_keys_typed_before_the_names_are_read(app, monkeypatch):
    read = app.workbench.account_names

    def slow():
        time.sleep(0.4)
        return read()

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = app.book.rows[len(app.book.rows) // 3]
        monkeypatch.setattr(app.workbench, "account_names", slow)
        await pilot.press("ctrl+p", *target.name)  # each key cancels the search before it
        await _until(pilot, lambda: all(w.is_finished for w in app.workers
                                        if w.group == "palette"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == target.account_id


async def test_the_palette_shows_the_best_accounts_and_no_more_than_it_can(app):
    from textual.command import CommandList

    from csdesk.tui.palette import AccountCommands

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("a")  # in most of the demo book's 60 names
        await pilot.pause(0.5)
        listed = app.screen.query_one(CommandList)
        prompts = [str(listed.get_option_at_index(i).prompt)
                   for i in range(listed.option_count)]
        accounts = [p for p in prompts if "open account" in p]
        assert len(accounts) == AccountCommands.SHOWN
        with_a = sum("a" in row.name.lower() for row in app.book.rows)
        assert with_a > AccountCommands.SHOWN


async def test_palette_runs_actions(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to Renewals")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "renewals"


async def test_rescore_runs_in_a_worker(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.book
        threads = []
        load = app.workbench.load

        def spy(progress=None, shown=None):
            threads.append(threading.current_thread())
            return load(progress, shown)

        app.workbench.load = spy
        await pilot.press("r")
        await settle(pilot)
        assert threads and threads[0] is not threading.main_thread()
        assert app.busy is None and app.book is not first


async def test_the_queue_is_shown_before_the_days_snapshots_are_stored(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        db = app.workbench.desk.db
        today = "SELECT count(*) FROM score_snapshots WHERE date = ?"
        assert db.execute(today, [AS_OF.isoformat()]).fetchone()[0] > 0
        db.execute("DELETE FROM score_snapshots WHERE date = ?", [AS_OF.isoformat()])
        stored_when_shown = []
        load = app.workbench.load

        def spy(progress=None, shown=None):
            def told(view):
                stored_when_shown.append(db.execute(today, [AS_OF.isoformat()]).fetchone()[0])
                shown(view)
            return load(progress, told)

        app.workbench.load = spy
        await pilot.press("r")
        await settle(pilot)
        assert stored_when_shown == [0]
        assert db.execute(today, [AS_OF.isoformat()]).fetchone()[0] > 0
        assert app.busy is None and app.book is not None


async def test_number_keys_go_to_their_screen_from_an_open_account(app):
    from csdesk.tui.screens.today import TodayScreen

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # an account from the queue
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("2")  # an account from the list, then Today, then the list
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)


async def test_an_account_page_read_after_its_screen_closed_is_dropped(app):
    # 2, Enter, 1, then 2: the list's account screen resumes (and reads its page again), and
    # is popped at once. A page that arrives after (CI saw it mid-removal: NoMatches, and
    # the app down) is dropped.
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        closed = app.screen
        assert isinstance(closed, AccountScreen) and closed.detail is not None
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen) and not closed.is_running
        closed.read(closed.detail, time.monotonic())  # what a late read does: nothing
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)


async def test_a_save_redraws_the_screen_shown_and_the_others_when_next_shown(app,
                                                                             monkeypatch):
    shown, computed = [], []
    show_book = AccountsScreen.show_book
    monkeypatch.setattr(AccountsScreen, "show_book",
                        lambda self, book: (shown.append(book), show_book(self, book)))
    portfolio = app.workbench.portfolio
    monkeypatch.setattr(app.workbench, "portfolio",
                        lambda *a: (computed.append(1), portfolio(*a))[1])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in "241":  # Accounts and Portfolio mounted, then back to the queue
            await pilot.press(key)
            await settle(pilot)
        shown.clear(), computed.clear()
        account_id = app.screen.selected_account_id()
        save_account(app, account_id, lambda: app.workbench.log_touchpoint(Touchpoint(
            account_id=account_id, date=AS_OF, kind="call", status="completed")), "Logged")
        await settle(pilot)
        assert (shown, computed) == ([], [])  # hidden: nothing redrawn, nothing recomputed
        await pilot.press("2")
        await settle(pilot)
        assert shown == [app.book]  # shown: the saved book, once
        table = app.screen.query_one("#accounts", RowTable)
        assert app.book.row(account_id) in table.rows
        await pilot.press("4")
        await settle(pilot)
        assert computed == [1]


async def test_a_page_read_before_a_save_does_not_hide_the_saved_one(app):
    # Back on the account from the touchpoint form, the screen reads its page again, on the
    # second connection, while the save writes: a read begun before the write may come back
    # after the save's own page, and must not replace it.
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        screen = await open_account(pilot, account_id)
        before = len(screen.detail.timeline)
        gate, read = threading.Event(), app.workbench.detail

        def read_then_wait(account_id):
            page = read(account_id)  # read now, before the save's write...
            gate.wait(10)  # ...handed back after the save's page is shown
            return page

        app.workbench.detail = read_then_wait
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")  # saves a check-in; the account screen resumes
        await _until(pilot, lambda: len(screen.detail.timeline) == before + 1)
        assert len(screen.detail.timeline) == before + 1  # the save's page
        gate.set()
        await settle(pilot)
        assert len(screen.detail.timeline) == before + 1  # ...still


async def test_help_and_quit(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


def test_help_names_every_key_of_the_app_and_the_lists():
    """`?` claims every key: each key the App, Today, Accounts and Account bind is a key of the
    help (the tabs' keys are listed per tab, in words)."""
    from csdesk.tui.help_screen import KEYS
    from csdesk.tui.screens.today import TodayScreen

    shown = {part.strip() for _, keys in KEYS for key, _ in keys
             for part in key.replace(",", " / ").split(" / ")}
    names = {"question_mark": "?", "slash": "/", "left_square_bracket": "[",
             "right_square_bracket": "]", "escape": "Escape", "enter": "Enter"}
    for screen in (CsdeskApp, TodayScreen, AccountsScreen, AccountScreen):
        for binding in screen.BINDINGS:
            if binding.action.startswith("tab_key"):
                continue
            for key in binding.key.split(","):
                assert names.get(key, key) in shown, (screen.__name__, key)


async def test_help_fits_80x24(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help")
        assert box.region.x >= 0 and box.region.right <= 80


async def test_empty_book_offers_the_demo(empty_app, demo_book_file):
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert empty_app.book.empty
        offer = str(empty_app.screen.query_one("#empty-book").render())
        assert "demo" in offer and "csdesk import" in offer
        await pilot.press("d")
        await settle(pilot)
        assert not empty_app.book.empty
        assert len(empty_app.book.rows) > 0


async def test_markup_in_names_shows_literally(tmp_path, monkeypatch):
    from csdesk.store.schema import open_book

    monkeypatch.setenv("CSDESK_TODAY", AS_OF.isoformat())
    path = tmp_path / "markup.db"
    db = open_book(path)
    for i, name in enumerate(["[bold]x[/bold]", "[@click=app.quit]Quit me", "[red"]):
        db["accounts"].insert({
            "account_id": f"m{i}", "name": name, "arr": 50_000, "contract_start": "2025-01-01",
            "renewal_date": "2027-01-01", "seats_licensed": 10, "term_months": 12,
            "status": "active"})
    db.conn.close()
    app = make_app(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#accounts", RowTable)
        shown = [table.render_line(y).text for y in range(1, 4)]
        assert any("[bold]x[/bold]" in line for line in shown)
        assert any("[@click=app.quit]Quit me" in line for line in shown)
        assert any("[red" in line for line in shown)
        await pilot.click(RowTable, offset=(5, 2))  # clicking the name runs nothing
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        header = str(app.screen.query_one("#account-header").render())
        assert app.screen.detail.name in header
        await pilot.press("t")
        await pilot.press("enter")  # the toast names the account as typed
        await settle(pilot)
        assert f"with {app.screen.detail.name} on" in _toasts(app)
    assert app.return_code in (None, 0)
    app.workbench.close()


async def test_log_a_renewal_outcome(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        assert account_id is not None
        before = app.book.assessments[account_id].account
        await pilot.press("o")
        app.screen.query_one("#outcome").value = "renewed"  # no default: chosen (issue 19)
        await pilot.press("tab", "enter")  # from the date: renewed at the same ARR
        await settle(pilot)
        day = min(before.renewal_date, AS_OF).isoformat()  # a past renewal: on its date
        row = app.workbench.desk.db.execute(
            "SELECT outcome, previous_arr, new_arr FROM renewals WHERE account_id=? AND date=?",
            [account_id, day]).fetchone()
        assert row == ("renewed", before.arr, before.arr)
        after = app.book.assessments[account_id].account
        assert after.renewal_date > before.renewal_date  # moved on by a term
        preventable = app.workbench.desk.db.execute(
            "SELECT preventable FROM renewals WHERE account_id=? AND date=?",
            [account_id, day]).fetchone()[0]
        assert preventable is None  # not asked, not answered: not "not preventable"


async def test_export_the_qbr_agenda_from_today(demo_book, tmp_path):
    import os
    import stat

    from .conftest import make_app

    exports = tmp_path / "exports"
    app = make_app(demo_book, export_dir=exports)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        first = app.book.brief[0]
        await pilot.press("e")
        await settle(pilot)
        assert "QBR agenda written to" in _toasts(app)  # says where it wrote
    app.workbench.close()
    [path] = exports.glob("qbr-*.md")
    text = path.read_text()
    # the agenda to send (issue 19): nothing internal in it
    assert text.startswith("# Quarterly business review: ") and "| Time | Topic | Owner |" in text
    assert "Health breakdown" not in text and "CSM: you" not in text
    assert first.name.split()[0] in text.splitlines()[0]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def test_portfolio_shows_metrics_beside_targets_and_calibration(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        import html

        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
    assert "Gross revenue retention (GRR)" in shown and "> 90%" in shown
    assert "Net revenue retention (NRR)" in shown and "> 110%" in shown
    assert "renewals scored then" in shown and "accuracy" in shown


async def test_portfolio_of_an_empty_book_says_so_and_checks_nothing(empty_app):
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        metrics = str(empty_app.screen.query_one("#metrics").render())
        calibration = str(empty_app.screen.query_one("#calibration").render())
    assert "The book is empty" in metrics
    assert "Checking" not in calibration  # not left saying it is at work


async def test_import_from_the_workbench_all_or_nothing(empty_app, tmp_path):
    folder = tmp_path / "crm"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "Account ID,Account Name,ARR,Contract Start Date,Renewal Date\n"
        "001A,Acme Corp,\"$120,000.00\",3/1/2025,3/1/2027\n"
        "001B,Bolt Inc,45000,2025-06-01,2027-06-01\n")
    bad = tmp_path / "accounts.csv"
    bad.write_text("account_id,name,arr,contract_start,renewal_date\nX,Broken,lots,soon,never\n")
    app = empty_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.book.empty
        await pilot.press("i", *str(bad), "enter")
        await settle(pilot)
        shown = str(app.screen.query_one("#message-lines Static").render())
        assert "accounts.csv:2: arr" in shown and "accounts.csv:2: renewal_date" in shown
        await pilot.press("escape")
        assert app.book.empty  # nothing written
        await pilot.press("i", *str(folder), "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(a.account.name for a in app.book.assessments.values()) == [
            "Acme Corp", "Bolt Inc"]


async def test_a_path_typed_or_pasted_with_its_enter_at_once_is_imported_whole(empty_app,
                                                                               tmp_path):
    """Keys that arrive in one burst (a paste ending in a newline, a fast typist): Enter must
    import the whole path, not what the field had taken in by then."""
    from textual import events

    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name,arr,contract_start,renewal_date\n"
                    "A1,Acme Corp,1000,2026-01-01,2027-01-01\n")
    app = empty_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        for char in str(path):
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        assert "Imported" in str(app.screen.query_one("#message-lines Static").render())


async def test_a_note_typed_with_its_ctrl_s_at_once_is_saved_whole(app):
    """ctrl+s right behind the typing (one burst of keys): the note saved is all of it."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        account_id = await open_note_form(pilot)
        for char in "Renewal call booked":
            app.post_message(events.Key(char if char != " " else "space", char))
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        assert _last_note(app, account_id) == "Renewal call booked"


async def test_quitting_while_the_book_is_scored_stops_the_scoring(app, monkeypatch):
    """A big book takes seconds to score: `q` quits at once, the scoring worker stops at its
    next progress report (nothing is stored: it had not got that far)."""
    seen, ended = [], threading.Event()

    def slow_load(progress=None, shown=None):
        try:
            for done in range(3000):  # three seconds of scoring, reported as it goes
                progress(done, 3000)
                ended.wait(0.001)
            seen.append("finished")
        except BaseException as exc:
            seen.append(type(exc).__name__)
            raise
        finally:
            ended.set()

    monkeypatch.setattr(app.workbench, "load", slow_load)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        await pilot.press("q")
    assert ended.wait(30)
    assert seen == ["_Quitting"]
