"""§10 the QBR agenda: structure checked through a Markdown parser, hostile text stays inert."""

import datetime as dt

import pytest
from markdown_it import MarkdownIt

from csdesk.core.assess import assess
from csdesk.core.models import Contact, Goal, Snapshot
from csdesk.core.qbr import AGENDA, business_days_after, md_cell, render_qbr, send_by_date

from .books import AS_OF, RULES, account, ago, book, touch, usage

HOSTILE = "| # *x* <script>alert(1)</script> [a](http://x) `code` _u_ ~~s~~"


@pytest.mark.parametrize("qbr, send_by", [
    (dt.date(2026, 12, 7), dt.date(2026, 11, 30)),   # Monday -> the Monday before
    (dt.date(2026, 12, 4), dt.date(2026, 11, 27)),   # Friday -> the Friday before
    (dt.date(2026, 12, 2), dt.date(2026, 11, 25)),   # Wednesday
    (dt.date(2026, 12, 6), dt.date(2026, 11, 30)),   # a Sunday QBR: Fri, Thu, Wed, Tue, Mon
])
def test_send_by_is_five_business_days_before(qbr, send_by):
    assert send_by_date(qbr, RULES) == send_by


def test_default_qbr_date_is_ten_business_days_out():
    assert business_days_after(dt.date(2026, 11, 23), 10) == dt.date(2026, 12, 7)


def _account(band_goal_status="achieved", active_users=90, name="Acme"):
    data = book(
        account(name=name),
        usage=(usage(3, active_users),),
        touchpoints=(touch(5),),
        goals=(Goal(account_id="A1", goal="Cut onboarding time", status=band_goal_status,
                    roi_note="Saved 200 hours a quarter"),
               Goal(account_id="A1", goal=HOSTILE, status="on_track", roi_note=HOSTILE),
               Goal(account_id="A1", goal="Third goal", status="at_risk")),
        contacts=(Contact(account_id="A1", name="Ann " + HOSTILE, role="champion",
                          title="VP Ops"),
                  Contact(account_id="A1", name="Bo Chen", role="executive_sponsor")),
        history=(Snapshot(account_id="A1", date=ago(80), score=62, band="yellow", coverage=1.0),
                 Snapshot(account_id="A1", date=ago(40), score=70, band="yellow",
                          coverage=1.0)),
    )
    return assess(data, AS_OF, RULES), data


def _render(**kw):
    assessment, data = _account(**kw)
    return assessment, render_qbr(assessment, data, dt.date(2026, 12, 7), RULES, "Dana Reyes")


def _tokens(text):
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)


def test_structure():
    assessment, text = _render()
    tokens = _tokens(text)
    h1 = [t for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    assert len(h1) == 1
    assert tokens[tokens.index(h1[0]) + 1].content == "QBR: Acme, 2026-12-07"
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens)
          if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == ["Attendees", "Agenda (60 minutes)", "Prep checklist", "Health breakdown"]
    tables = [i for i, t in enumerate(tokens) if t.type == "table_open"]
    assert len(tables) == 2
    agenda = _table(tokens, tables[0])
    assert agenda[0] == ["Time", "Topic", "Owner"]
    assert agenda[1:] == [list(row) for row in AGENDA]
    health = _table(tokens, tables[1])
    assert [row[0] for row in health[1:]] == ["usage", "engagement", "outcomes", "support",
                                               "relationship"]
    assert "Send this agenda by 2026-11-30" in text
    assert "from 62 (yellow) on 2026-09-04 to" in text
    assert "Renewal date: 2027-06-11 (renews in 200 days)" in text
    assert "Bo Chen" in text and "Dana Reyes" in text


def _table(tokens, start):
    rows, row = [], None
    for t in tokens[start:]:
        if t.type == "tr_open":
            row = []
        elif t.type == "inline" and row is not None:
            row.append(t.content.replace("\\", ""))
        elif t.type == "tr_close":
            rows.append(row)
            row = None
        elif t.type == "table_close":
            return rows
    return rows


def test_hostile_text_stays_inert():
    _, text = _render()
    tokens = _tokens(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_inline", "html_block", "link_open", "em_open", "code_inline",
                        "s_open", "image"}
    strong = [t for t in tokens for c in (t.children or []) if c.type == "strong_open"
              for t in [c]]
    assert len(strong) == 3  # ours only: the send-by line, the score and the band
    assert sum(1 for t in tokens if t.type == "heading_open") == 5
    assert sum(1 for t in tokens if t.type == "table_open") == 2
    assert "<script>" not in text and "&lt;script&gt;" in text
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script>" not in rendered and "<a " not in rendered


def test_expansion_opportunity_only_when_green():
    green, text = _render()
    assert green.health.band == "green"
    assert "One expansion opportunity (health is green)" in text
    yellow, text = _render(band_goal_status="at_risk", active_users=30)
    assert yellow.health.band != "green"
    assert "expansion opportunity" not in text


def test_md_cell_flattens_newlines_and_escapes():
    assert md_cell("a\nb | c") == "a b \\| c"
    assert md_cell("<b>&") == "&lt;b&gt;&amp;"
