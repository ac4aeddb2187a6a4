"""The two lines over the Account screen's tabs: name, tier, ARR, band and score, coverage,
phase, the renewal countdown and the reference-candidate mark."""

from __future__ import annotations

from rich.text import Text

from csdesk.tui.book_view import AccountDetail, money, renewal_words
from csdesk.tui.widgets.look import band_badge, plain


def header_text(detail: AccountDetail) -> Text:
    a = detail.assessment
    health = a.health
    text = Text()
    text.append(" ")
    text.append_text(plain(a.account.name, style="bold"))
    text.append(f"   {str(a.tier).replace('_', '-')} · {money(a.account.arr)} ARR   ")
    text.append_text(band_badge(health.band if health else "unknown",
                                health.score if health else None))
    if health is not None:
        text.append(f"  coverage {health.coverage:.0%}", style="dim")
    # Two lines, so a long name never splits the renewal date from its countdown.
    text.append(f"\n phase: {a.phase}   ")
    days = a.days_to_renewal
    text.append(renewal_words(days, a.account.renewal_date),
                style="bold red" if 0 <= days <= 30 else ("yellow" if 0 <= days <= 90 else ""))
    if a.reference_candidate:
        text.append("   ★ reference candidate", style="green")
    return text
