"""The QBR agenda for the customer: only what Markdown needs escaped, nothing internal."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from csdesk.core.assess import assess
from csdesk.core.qbr_customer import md_plain, render_customer_qbr

from .books import AS_OF, RULES, account, contact, goal, healthy, usage


@pytest.mark.parametrize("text, shown", [
    ("Acme Co.", "Acme Co."),  # a full stop is plain inline
    ("CSAT 4.5, up from 3.9", "CSAT 4.5, up from 3.9"),
    ("Saved ~$40k a year", "Saved ~$40k a year"),  # one tilde strikes nothing; $ + digit
    ("snake_case_name", "snake_case_name"),  # intraword underscores are plain in GFM
    ("AT&T (US) - 1. # + > !", "AT&T (US) - 1. # + > !"),  # only at a line's start
    ("*bold* _it_", "\\*bold\\* \\_it\\_"),
    ("[a](http://x)", "\\[a\\](http://x)"),
    ("`code` | cell", "\\`code\\` \\| cell"),
    ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
    ("a < b", "a < b"),
    ("&copy; &amp;", "&amp;copy; &amp;amp;"),
    ("~~gone~~", "\\~\\~gone\\~\\~"),
    ("$x$ math", "\\$x\\$ math"),
    ("back\\slash", "back\\\\slash"),
    ("two\nlines\tand tab", "two lines and tab"),
    (None, ""),
])
def test_md_plain_escapes_only_what_markdown_needs(text, shown):
    assert md_plain(text) == shown


# A bare URL or domain may be linked by a renderer's autolinker: that is the customer's own
# address, harmless in a mail; what must not happen is markup made of book text.
_GFM = MarkdownIt("gfm-like").disable("linkify")


@given(st.text(max_size=60))
def test_book_text_never_becomes_markup(text):
    tokens = _GFM.parse(f"- {md_plain(text)}\n")
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_inline", "html_block", "em_open", "strong_open", "s_open",
                        "link_open", "image", "code_inline", "heading_open"}
    assert sum(t.type == "list_item_open" for t in tokens) == 1


def test_the_customer_agenda_states_results_and_leaves_out_what_is_internal():
    data = healthy(
        acct=account(name="Acme Co.", seats_licensed=100),
        usage=(usage(91, 60), usage(2, 90)),
        goals=(goal("Cut costs by 4.5%", "achieved", "saved $40k a year"),
               goal("Roll out to EMEA", "on_track"),
               goal("Old goal", "missed")),
        contacts=(contact("Ann", "champion"), contact("Bo", "executive_sponsor")))
    a = assess(data, AS_OF, RULES)
    text = render_customer_qbr(a, data, AS_OF, RULES, "Dana *Reyes*")
    assert text.startswith("# Quarterly business review: Acme Co., ")
    assert "- Dana \\*Reyes\\* (Customer Success Manager)" in text
    assert "Seats in use: 90 active users of 100 licensed seats (90%)" in text
    assert "Adoption over the quarter: 60 → 90 active users (up 30 over 90 days)" in text
    assert "  - Cut costs by 4.5%: saved $40k a year" in text
    assert "- Roll out to EMEA: on track" in text and "Old goal" not in text
    for internal in ("Health breakdown", "CSM: you", "Send this agenda", "alert", "band",
                     "score", "Expansion"):
        assert internal not in text
    unnamed = render_customer_qbr(a, data, AS_OF, RULES, None)
    assert "- your Customer Success Manager (Customer Success Manager)" in unnamed


@pytest.mark.parametrize("text, shown", [
    ("- x", "\\- x"), ("-", "\\-"), ("---", "\\---"), ("-5% churn", "-5% churn"),
    ("1. first", "1\\. first"), ("1.5 days", "1.5 days"), ("# one", "\\# one"),
    ("#1 priority", "#1 priority"), ("> quote", "\\> quote"), ("+", "\\+"),
])
def test_md_plain_escapes_what_would_open_a_block_at_its_start(text, shown):
    assert md_plain(text) == shown
