"""The mapping screen (issue 21): a CSV file whose columns the importer does not know opens
it; pickers per column, a live preview of the stored rows and the refusals, ctrl+s saves the
profile in config and imports with it."""

from __future__ import annotations

import tomllib

from textual.widgets import DataTable, Input, Select, Static

from csdesk.tui.screens.mapping import MappingScreen

from .conftest import SIZE, settle

EXPORT = ("Org Id,Org,Yearly Value,Start,End,Region\n"
          "X-1,Xylo Corp,$50,000.00,2025-02-01,2027-02-01,EMEA\n"
          "X-2,Yew Labs,12000,2025-05-01,2026-05-01,APAC\n")


async def until(pilot, check, what: str) -> None:
    """Settle until `check()` holds: the import, the screen and its preview are each a worker
    and a message, so under load one settle may end before the next begins."""
    for _ in range(100):
        await settle(pilot)
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never: {what}")


async def _open(pilot, path) -> MappingScreen:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    pilot.app.screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, MappingScreen), "the mapping")
    screen = pilot.app.screen
    await until(pilot, lambda: _refusals(screen).strip() != "", "the first preview")
    return screen


async def pick(pilot, screen, column: str, header: str) -> None:
    serial = screen.serial
    screen.query_one(f"#pick-{column}", Select).value = header
    await until(pilot, lambda: screen.serial > serial and getattr(screen, "shown", 0)
                == screen.serial, f"the preview after {column}")


def _refusals(screen) -> str:
    return str(screen.query_one("#mapping-refusals", Static).render())


async def test_unknown_columns_open_the_mapping_and_ctrl_s_saves_and_imports(app, tmp_path):
    path = tmp_path / "crm-export-2026-11.csv"
    path.write_text(EXPORT.replace("$50,000.00", '"$50,000.00"'))
    config = tmp_path / "config.toml"
    config.write_text('csm_name = "Nobody Here"\n')
    app.workbench.config_file = config
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, path)
        assert "no such column" in _refusals(screen)  # the file's own refusal, live
        assert screen.query_one("#mapping-glob", Input).value == "crm-export-*.csv"
        for column, header in [("account_id", "Org Id"), ("name", "Org"),
                               ("arr", "Yearly Value"), ("contract_start", "Start")]:
            await pick(pilot, screen, column, header)
        assert "renewal_date" in _refusals(screen)  # still missing, said
        await pilot.press("ctrl+s")  # refused on the form: a required column is unpicked
        await settle(pilot)
        assert isinstance(pilot.app.screen, MappingScreen)
        assert "renewal_date" in str(screen.query_one("#form-problem").render())
        await pick(pilot, screen, "renewal_date", "End")
        rows = screen.query_one("#mapping-rows", DataTable)
        assert rows.row_count == 2
        assert [str(c) for c in rows.get_row_at(0)][:3] == ["X-1", "Xylo Corp", "50000.0"]
        assert "Nothing refused: 2 rows would be written" in _refusals(screen)
        screen.query_one("#mapping-name", Input).value = "our-crm"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(pilot.app.screen, MappingScreen)
                    and app.workbench.desk.db.execute(
                        "SELECT count(*) FROM accounts WHERE account_id LIKE 'X-%'"
                    ).fetchone()[0] == 2, "the import")
    saved = tomllib.loads(config.read_text())
    assert saved["csm_name"] == "Nobody Here"
    assert saved["import"]["profiles"]["our-crm"]["accounts"] == {
        "file": "crm-export-*.csv", "account_id": "Org Id", "name": "Org",
        "arr": "Yearly Value", "contract_start": "Start", "renewal_date": "End"}
    db = app.workbench.desk.db
    assert db.execute("SELECT account_id, name, arr, renewal_date FROM accounts "
                      "WHERE account_id LIKE 'X-%' ORDER BY 1").fetchall() == [
        ("X-1", "Xylo Corp", 50000.0, "2027-02-01"), ("X-2", "Yew Labs", 12000.0, "2026-05-01")]


async def test_escape_leaves_the_book_and_config_alone(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Who,Where\nAna,Bolt\n")
    config = tmp_path / "config.toml"
    app.workbench.config_file = config
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, path)
        screen.query_one("#mapping-table", Select).value = "contacts"
        await until(pilot, lambda: screen.query("#pick-first_name"), "the contacts' pickers")
        assert screen.query_one("#mapping-name", Input).value == "my-contacts"
        await pick(pilot, screen, "name", "Who")
        await pick(pilot, screen, "account_name", "Where")
        assert "unknown account 'Bolt'" in _refusals(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, MappingScreen)
    assert not config.exists()


def test_the_mapping_screen_snapshot(snap_compare, app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the title names the file as given: the same every run
    path = "crm-export.csv"
    (tmp_path / path).write_text(EXPORT.replace("$50,000.00", "50000"))
    app.workbench.config_file = tmp_path / "config.toml"

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(MappingScreen(path, config_file=tmp_path / "config.toml"))
        await settle(pilot)
        screen = pilot.app.screen
        await until(pilot, lambda: getattr(screen, "shown", 0) == screen.serial, "preview")
        await pick(pilot, screen, "arr", "Yearly Value")
        for widget in screen.query("Input"):
            widget.cursor_blink = False

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_header_with_brackets_is_shown_as_written_in_its_picker(app, tmp_path):
    # A header is the file's text: "ARR [USD]" once lost its unit, "Cost [/]" crashed the app.
    path = tmp_path / "export.csv"
    path.write_text(EXPORT.replace("Yearly Value", "ARR [USD]").replace("Region", "Cost [/]"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, path)
        picker = screen.query_one("#pick-arr", Select)
        await pick(pilot, screen, "arr", "ARR [USD]")
        assert picker.value == "ARR [USD]"
        label = picker.query_one("SelectCurrent #label", Static)
        assert label.render().plain == "ARR [USD]"  # drawn as written
        picker.focus()
        await pilot.press("enter")  # the list of the file's headers opens
        await settle(pilot)
        assert app.screen is screen


async def test_the_preview_does_not_wait_for_a_save_or_a_scoring_run(app, tmp_path):
    # Each pick reads the whole file again: on the reading connection, not under the lock a
    # save or a scoring run holds.
    import threading

    path = tmp_path / "export.csv"
    path.write_text(EXPORT.replace("$50,000.00", "50000"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, path)
        held, release, let_go = threading.Event(), threading.Event(), threading.Event()

        def hold_the_lock():  # a long save elsewhere
            with app.workbench.lock:
                held.set()
                release.wait(10)
            let_go.set()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        held.wait(5)
        try:
            serial = screen.serial
            await pick(pilot, screen, "arr", "Yearly Value")
            assert screen.shown == screen.serial > serial
            assert not let_go.is_set()  # previewed while the lock was held
        finally:
            release.set()
            holder.join()
