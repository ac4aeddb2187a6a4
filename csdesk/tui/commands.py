"""The command palette (ctrl+p): any account by fuzzy name, and every action of the workbench."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider

from csdesk.tui.widgets.look import printable


def highlighted(matcher: Matcher, candidate: str) -> Text | None:
    """The candidate with its fuzzy-matched letters highlighted, as plain text (never markup:
    Matcher.highlight would parse an account named `[bold]x` as markup)."""
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return None
    text = Text(candidate)
    for offset in offsets:
        text.stylize("reverse", offset, offset + 1)
    return text


class AccountCommands(Provider):
    """Jump to any account by (fuzzy) name."""

    async def startup(self) -> None:
        worker = self.app.run_worker(self.app.workbench.account_names, thread=True,
                                     group="palette")
        await worker.wait()
        self.accounts = [(account_id, printable(name, single_line=True))
                         for account_id, name in worker.result or []]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for account_id, name in self.accounts:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name) or Text(name),
                          partial(self.app.open_account, account_id), text=name,
                          help="open account")

    async def discover(self) -> Hits:
        for account_id, name in self.accounts[:20]:
            yield DiscoveryHit(Text(name), partial(self.app.open_account, account_id),
                               text=name, help="open account")


ACTIONS = [
    ("Go to Today", "switch_mode('today')", "the attention queue (1)"),
    ("Go to Accounts", "switch_mode('accounts')", "every account by band (2)"),
    ("Go to Renewals", "switch_mode('renewals')", "the next 180 days (3)"),
    ("Go to Portfolio", "switch_mode('portfolio')", "metrics, bands, calibration (4)"),
    ("Log a touchpoint", "log_touchpoint", "on the highlighted account (t)"),
    ("Add a note", "note", "on the highlighted account (n)"),
    ("Export QBR agenda", "export_qbr", "Markdown for the highlighted account (e)"),
    ("Log a renewal outcome", "renewal_outcome", "for the highlighted account"),
    ("Rescore the book", "rescore", "score every account now (r)"),
    ("Load the demo book", "load_demo", "only on an empty book"),
    ("Import CSV files or a JSON book…", "import_book", "a file or a folder; all or nothing"),
    ("Help: keys", "help", "every key (?)"),
    ("Quit", "quit", "everything is already saved (q)"),
]


class ActionCommands(Provider):
    """Every action of the workbench, by name."""

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action),
                          text=title, help=help)

    async def discover(self) -> Hits:
        for title, action, help in ACTIONS:
            yield DiscoveryHit(title, partial(self._run, action), text=title, help=help)
