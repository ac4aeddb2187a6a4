"""Account (Enter on any list): the header and the tabs Overview, Stakeholders, Onboarding,
Success plan and Timeline. Every change is saved at once and the account is re-assessed.

Each tab is its own widget in csdesk/tui/widgets/account/ (its columns, rendering and keys);
this screen composes them, reads the account's detail in a worker and hands it to every tab,
and sends a tab's key (`AccountTab.KEYS`) to the tab shown."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent

from csdesk.tui.book_view import AccountDetail
from csdesk.tui.flows import AccountFlows
from csdesk.tui.messages import AccountRead
from csdesk.tui.widgets.account.header import header_text
from csdesk.tui.widgets.account.onboarding import OnboardingTab
from csdesk.tui.widgets.account.overview import OverviewTab
from csdesk.tui.widgets.account.renewals import RenewalsTab
from csdesk.tui.widgets.account.save_plan import SavePlanTab
from csdesk.tui.widgets.account.stakeholders import StakeholdersTab
from csdesk.tui.widgets.account.success_plan import SuccessPlanTab
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.account.timeline import TimelineTab
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.row_table import RowTable

TAB_TYPES: tuple[type[AccountTab], ...] = (OverviewTab, StakeholdersTab, OnboardingTab,
                                           SuccessPlanTab, SavePlanTab, TimelineTab,
                                           RenewalsTab)
TABS = tuple(tab.TAB_ID for tab in TAB_TYPES)


def tab_bindings(tab_types: tuple[type[AccountTab], ...]) -> list[Binding]:
    """The tabs' keys as the screen's bindings (a key two tabs share, bound once), each
    running `tab_key(<the key>)`: the tab shown runs its own action for it."""
    bindings: dict[str, Binding] = {}
    for tab in tab_types:
        for key in tab.KEYS:
            bindings.setdefault(key.key, Binding(key.key, f"tab_key({key.key!r})",
                                                 key.description, show=key.show))
    return list(bindings.values())


class AccountScreen(AccountFlows, Screen):
    """One account. `account_id` is fixed; the detail is (re)loaded in a worker."""

    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", show=False),
        Binding("right_square_bracket", "tab(1)", "Tab"),
        *tab_bindings(TAB_TYPES),
        Binding("o", "renewal_outcome", "Outcome"),  # csdesk.tui.flows.AccountFlows
        Binding("E", "edit_account", "Edit account"),
    ]

    def __init__(self, account_id: str, tab: str = "overview") -> None:
        super().__init__()
        self.account_id = account_id
        self.initial_tab = tab if tab in TABS else "overview"
        self.detail: AccountDetail | None = None
        self._read_at = float("-inf")  # when the read of the page shown began (`read`)

    def compose(self) -> ComposeResult:
        yield TitleBar("Account")
        yield Static("Loading…", id="account-header", classes="topline")
        with TabbedContent(id="account-tabs", initial=self.initial_tab):
            for tab in TAB_TYPES:
                yield tab(self.account_id)
        yield WorkStatus()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()

    @work(thread=True, exclusive=True, group="account-detail")
    def load(self) -> None:
        started = time.monotonic()
        try:
            detail = self.app.workbench.detail(self.account_id)
        except Exception as exc:  # notify posts a message: safe from the worker's thread
            self.notify(f"Could not open the account: {exc}", severity="error", markup=False)
            return
        self.post_message(AccountRead(detail, started))

    def on_account_read(self, message: AccountRead) -> None:
        self.read(message.detail, message.started)

    def read(self, detail: AccountDetail, started: float) -> None:
        """Show a page whose read began at `started` (monotonic), unless a page read later
        is shown already, or the screen was closed meanwhile.

        The page is read on the workbench's second connection, which does not wait for a
        save: back from the touchpoint form, the screen reads its page again while the save
        writes, and that read may come back after the save's own page (read after the
        write). And 1-4 resume a list's account screen (which reads its page again) and pop
        it at once."""
        if self.is_running and started >= self._read_at:
            self._read_at = started
            self.show_detail(detail)

    def show_detail(self, detail: AccountDetail) -> None:
        self.detail = detail
        self.query_one(TitleBar).update_title(f"Account · {detail.name}")
        self.query_one("#account-header", Static).update(header_text(detail))
        for tab in self.query(AccountTab):
            tab.show(detail)
        self.refresh_bindings()

    # --- keys ---------------------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one("#account-tabs", TabbedContent).active

    @property
    def shown_tab(self) -> AccountTab:
        return self.query_one(f"#{self.active_tab}", AccountTab)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "tab_key":  # a tab's key works on that tab only
            return any(key.key == parameters[0] for key in self.shown_tab.KEYS)
        return True

    def action_tab_key(self, key: str) -> None:
        tab = self.shown_tab
        action = next((k.action for k in tab.KEYS if k.key == key), None)
        if action is not None:
            getattr(tab, f"action_{action}")()

    def action_edit_account(self) -> None:
        """E: the account's own fields, checked like an import row; re-assessed at once."""
        from csdesk.tui.account_edit import edit_account

        if self.detail is not None:
            edit_account(self, self.detail.assessment.account)

    @on(TabbedContent.TabActivated, "#account-tabs")
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        tables = event.pane.query(RowTable)
        if tables:
            tables.first().focus()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#account-tabs", TabbedContent)
        index = (TABS.index(tabs.active) + step) % len(TABS)
        tabs.active = TABS[index]

    def selected_account_id(self) -> str | None:
        return self.account_id
