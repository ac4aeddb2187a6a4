"""§10 the QBR agenda: structure checked through a Markdown parser, hostile text stays inert."""

import datetime as dt

import pytest
from markdown_it import MarkdownIt

from csdesk.core.assess import assess
from csdesk.core.models import Contact, Goal, Snapshot
from csdesk.core.qbr import (
    AGENDA,
    business_days_after,
    business_days_before,
    md_cell,
    md_escape,
    render_qbr,
    send_by_date,
)

from .books import AS_OF, RULES, account, ago, book, touch, usage

HOSTILE = ("| # *x* <script>alert(1)</script> [a](http://x) `code` _u_ ~~s~~ {b} !+-.\n"
           "# not a heading\n- not an item http://evil.example www.evil.example a@b.example "
           "<img src=x onerror=alert(1)> &amp; \\*")
# What the reader sees of HOSTILE: the same characters, line breaks as spaces.
SEEN = " ".join(HOSTILE.split("\n"))


@pytest.mark.parametrize("qbr, send_by", [
    (dt.date(2026, 12, 7), dt.date(2026, 11, 30)),   # Monday -> the Monday before
    (dt.date(2026, 12, 4), dt.date(2026, 11, 27)),   # Friday -> the Friday before
    (dt.date(2026, 12, 2), dt.date(2026, 11, 25)),   # Wednesday
    (dt.date(2026, 12, 6), dt.date(2026, 11, 30)),   # a Sunday QBR: Fri, Thu, Wed, Tue, Mon
])
def test_send_by_is_five_business_days_before(qbr, send_by):
    assert send_by_date(qbr, 5) == send_by
    assert send_by_date(qbr) == send_by
    assert send_by_date(qbr, RULES.qbr.send_business_days_before) == send_by


@pytest.mark.parametrize("day, n, expected", [
    (dt.date(2026, 11, 23), 1, dt.date(2026, 11, 20)),  # Monday, 1 back -> Friday
    (dt.date(2026, 11, 22), 1, dt.date(2026, 11, 20)),  # Sunday -> Friday
    (dt.date(2026, 11, 21), 1, dt.date(2026, 11, 20)),  # Saturday -> Friday
    (dt.date(2026, 11, 23), 0, dt.date(2026, 11, 23)),
    (dt.date(2026, 11, 25), 10, dt.date(2026, 11, 11)),  # two weekends crossed
    (dt.date(2027, 1, 4), 5, dt.date(2026, 12, 28)),   # across the year end
])
def test_business_days_before_across_weekends(day, n, expected):
    assert business_days_before(day, n) == expected == send_by_date(day, n)


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
    assert "<script>" not in rendered and "<a " not in rendered and "<img" not in rendered


def _inline_text(token):
    return "".join(c.content for c in token.children if c.type in ("text", "text_special"))


def test_hostile_text_stays_on_its_own_line_and_reads_as_typed():
    _, text = _render()
    tokens = _tokens(text)
    lines = [_inline_text(t) for t in tokens if t.type == "inline"]
    # the champion's name and the hostile goal each stay inside their one list line
    assert f"Champion: Ann {SEEN} (VP Ops)" in lines
    assert any(line == f"{SEEN}: {SEEN}" for line in lines)  # ROI point: goal and its note
    assert any(line == f"{SEEN}: on track" for line in lines)  # success-plan update
    # GitHub autolinks bare URLs and e-mail addresses: with linkify on, still no link
    gfm = MarkdownIt("gfm-like").parse(text)
    kinds = {c.type for t in gfm for c in (t.children or [])} | {t.type for t in gfm}
    assert not kinds & {"link_open", "html_inline", "html_block", "em_open", "s_open"}


def test_escaped_text_cannot_break_a_table_cell():
    table = f"| a | b |\n|---|---|\n| {md_escape(HOSTILE)} | {md_escape('x|y')} |\n"
    tokens = MarkdownIt("gfm-like").parse(table)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2
    body = [_inline_text(t) for t in tokens if t.type == "inline"][2:]
    assert body == [SEEN, "x|y"]


def test_md_escape_backslashes_every_markdown_punctuation_mark():
    assert md_escape("\\`*_{}[]()#+-.!|~") == "".join("\\" + c for c in "\\`*_{}[]()#+-.!|~")
    assert md_escape("a > b & c < d") == "a &gt; b &amp; c &lt; d"
    # GitHub typesets $...$ as math: "$120k ... $40k" must stay two amounts
    assert md_escape("saved $120k and $40k") == "saved \\$120k and \\$40k"
    assert md_escape("line one\r\n\tline two") == "line one line two"
    assert md_escape("\x1b[31mred") == "\\\\x1b\\[31mred"  # control characters shown, inert
    assert md_escape(None) == "" and md_escape("") == ""


def test_fewer_than_two_roi_points_is_said_plainly():
    assessment, data = _account()
    one = data.model_copy(update={"goals": data.goals[:1] + data.goals[2:]})
    text = render_qbr(assessment, one, dt.date(2026, 12, 7), RULES)
    assert "only one in the book" in text
    none = data.model_copy(update={"goals": ()})
    text = render_qbr(assessment, none, dt.date(2026, 12, 7), RULES)
    assert "Two quantified ROI data points: none in the book yet" in text
    assert "no success plan in the book" in text


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


def test_hostile_account_name_makes_one_heading_only():
    _, text = _render(name=HOSTILE)
    tokens = _tokens(text)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2", "h2", "h2"]
    title = tokens[[t.type for t in tokens].index("heading_open") + 1]
    assert _inline_text(title) == f"QBR: {SEEN}, 2026-12-07"
    assert text.count("\n# ") == 0 and text.startswith("# QBR: ")
