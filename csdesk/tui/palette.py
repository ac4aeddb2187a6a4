"""The command palette (ctrl+p): any account by fuzzy name, and every action of the workbench."""

from __future__ import annotations

import asyncio
import heapq
import re
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider

from csdesk.tui.messages import OpenAccount
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


def letters_in_order(query: str):
    """A test of a lower-cased name: does it hold the query's letters in order (ignoring
    case)? The fuzzy matcher's own condition for any match, in one compiled pattern that
    never backtracks (possessive: a name of a thousand a's costs a pass, not a blow-up).
    Scoring only the names that pass: at 10,000 accounts, scoring every name took 0.1-0.2 s
    a keystroke, on the app's thread."""
    pattern = "".join(f"[^{c}]*+{c}" for c in map(re.escape, query.lower()))
    return re.compile(pattern).match


class AccountCommands(Provider):
    """Jump to any account by (fuzzy) name: the best `SHOWN` matches, best first."""

    SHOWN = 30  # a name or two more letters narrow it; thousands of hits help nobody

    async def startup(self) -> None:
        # Not awaited here: the palette cancels a search at every keystroke, and a search
        # waits for the provider's startup. A read awaited in `startup` would be cancelled
        # with the first search a keystroke replaced, and the provider with it: "No matches
        # found" to every later key (typing while a big book was scored did that).
        self._names = asyncio.ensure_future(self._read_names())

    async def _read_names(self) -> list[tuple[str, str, str]]:
        worker = self.app.run_worker(self.app.workbench.account_names, thread=True,
                                     group="palette")
        await worker.wait()
        return [(account_id, shown, shown.lower())
                for account_id, name in worker.result or []
                for shown in [printable(name, single_line=True)]]

    async def search(self, query: str) -> Hits:
        # Shielded: a keystroke cancels this search, not the read the next one needs.
        accounts = await asyncio.shield(self._names)
        matcher = self.matcher(query)
        in_order = letters_in_order(query)
        hits = []
        for n, (account_id, name, folded) in enumerate(accounts):
            if in_order(folded):
                score = matcher.match(name)
                if score > 0:
                    hits.append((score, -n, account_id, name))
            if n % 1024 == 1023:
                await asyncio.sleep(0)  # let a newer keystroke cancel this search
        for score, _, account_id, name in heapq.nlargest(self.SHOWN, hits):
            yield Hit(score, highlighted(matcher, name) or Text(name),
                      partial(self.app.post_message, OpenAccount(account_id)), text=name,
                      help="open account")

    async def discover(self) -> Hits:
        for account_id, name, _ in (await asyncio.shield(self._names))[:20]:
            yield DiscoveryHit(Text(name),
                               partial(self.app.post_message, OpenAccount(account_id)),
                               text=name, help="open account")


ACTIONS = [
    ("Go to Today", "switch_mode('today')", "the attention queue (1)"),
    ("Go to Accounts", "switch_mode('accounts')", "every account by band (2)"),
    ("Go to Renewals", "switch_mode('renewals')", "the next 180 days (3)"),
    ("Go to Portfolio", "switch_mode('portfolio')", "metrics, bands, calibration (4)"),
    ("Log a touchpoint", "screen.log_touchpoint", "on the highlighted account (t)"),
    ("Add a note", "screen.note", "on the highlighted account (n)"),
    ("Export QBR agenda", "screen.export_qbr", "Markdown for the highlighted account (e)"),
    ("Log a renewal outcome", "screen.renewal_outcome", "for the highlighted account"),
    ("Add a follow-up task", "screen.add_task", "Today: on the highlighted item's account (f)"),
    ("Snooze the highlighted item", "screen.snooze", "Today: until a day, with a reason (z)"),
    ("Show the snoozed items", "screen.toggle_snoozed", "Today: the snoozed list (Z)"),
    ("Group the queue by account", "screen.toggle_grouped", "Today: one row per account (g)"),
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
