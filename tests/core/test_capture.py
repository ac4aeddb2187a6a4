"""Capture's rules: whose a meeting or mail is, what it becomes, never twice (docs/workflow.md)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from csdesk.core.capture import (CapturedItem, StoredTouchpoint, clean_subject, local_day,
                                 plan_capture)
from csdesk.core.config import Capture
from csdesk.core.models import TouchpointStatus

UTC = dt.timezone.utc
LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CONTACTS = [("a1", "Priya@AcmeCorp.example"), ("a1", "tom@acmecorp.example"),
            ("b1", "lee@bolt.example"), ("c1", "sam.rivera@gmail.com"),
            ("d1", "ops1@shared.example"), ("d2", "ops2@shared.example")]
SETTINGS = Capture()


def item(*addresses, start=dt.datetime(2026, 11, 10, 15, tzinfo=UTC), subject="Sync",
         kind="meeting", **extra):
    return CapturedItem(source="f.ics: event", kind=kind, start=start, subject=subject,
                        addresses=addresses, **extra)


def plan(*items, stored=None, now=NOW, tz=UTC, settings=SETTINGS):
    return plan_capture(items, CONTACTS, stored or {}, now=now, tz=tz, settings=settings)


def test_a_contact_e_mail_matches_its_account_whatever_its_case():
    p = plan(item("priya@acmecorp.example", "dana@vendor.example"))
    [t] = p.new
    assert (t.account_id, str(t.kind), str(t.status), t.summary) == \
        ("a1", "meeting", "completed", "Sync")
    assert t.contacts == ("priya@acmecorp.example",)


def test_a_new_person_matches_by_the_domain_of_one_accounts_contacts():
    [t] = plan(item("new.person@bolt.example")).new
    assert t.account_id == "b1" and t.contacts == ("new.person@bolt.example",)


@pytest.mark.parametrize("address, why", [
    ("someone@gmail.com", ()),  # free mail: a person, never a company
    ("ravi@newco.example", ()),  # nobody's domain
    ("ops3@shared.example", ("shared.example",)),  # the contacts of two accounts use it
])
def test_what_matches_no_one_account_is_listed_with_its_addresses(address, why):
    p = plan(item(address, "dana@vendor.example", subject="Intro", owner="dana@vendor.example"))
    assert p.new == ()
    [u] = p.unmatched
    assert u.addresses == (address,) and u.ambiguous == why and u.subject == "Intro"
    assert u.date == dt.date(2026, 11, 10)


def test_a_free_mail_contact_still_matches_by_their_own_address():
    [t] = plan(item("sam.rivera@gmail.com", kind="email")).new
    assert t.account_id == "c1" and str(t.kind) == "email"


def test_a_meeting_with_two_accounts_is_a_touchpoint_on_each():
    p = plan(item("tom@acmecorp.example", "lee@bolt.example"))
    assert sorted((t.account_id, t.contacts) for t in p.new) == [
        ("a1", ("tom@acmecorp.example",)), ("b1", ("lee@bolt.example",))]


def test_the_csms_own_side_is_not_a_customer():
    """The domain on most items (the CSM's), the calendar's owner and configured domains."""
    items = [item("dana@vendor.example", "lee@bolt.example"),
             item("dana@vendor.example", "boss@vendor.example", subject="1:1"),
             item("dana@vendor.example", "ravi@newco.example", subject="Intro")]
    p = plan(*items)
    assert p.own_domains == ("vendor.example",) and p.internal == 1
    assert [u.addresses for u in p.unmatched] == [("ravi@newco.example",)]
    owned = plan(item("me@mine.example", "x@mine.example", owner="me@mine.example"))
    assert owned.internal == 1 and owned.unmatched == ()
    configured = plan(item("x@corp.example"),
                      settings=Capture(own_domains=("corp.example",)))
    assert configured.internal == 1


def test_past_is_completed_future_is_scheduled_and_the_day_is_the_csms():
    late = dt.datetime(2026, 11, 19, 1, 0, tzinfo=UTC)  # 17:00 on the 18th in Los Angeles
    future = dt.datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # half an hour after now
    p = plan(item("lee@bolt.example", start=late), item("lee@bolt.example", start=future,
                                                         subject="QBR"), tz=LA)
    assert [(t.date, str(t.status)) for t in p.new] == [
        (dt.date(2026, 11, 18), "completed"), (dt.date(2026, 11, 23), "scheduled")]
    assert local_day(late, UTC) == dt.date(2026, 11, 19)


def test_all_day_and_floating_times_keep_their_written_day():
    p = plan(item("lee@bolt.example", start=dt.date(2026, 11, 23), subject="Onsite"),
             item("lee@bolt.example", start=dt.datetime(2026, 11, 24, 9), subject="Floating"),
             tz=LA)
    assert [(t.date, str(t.status)) for t in p.new] == [
        (dt.date(2026, 11, 23), "completed"), (dt.date(2026, 11, 24), "scheduled")]


def test_the_window_cancelled_meetings_and_mails_dated_ahead():
    old = dt.datetime(2025, 11, 1, tzinfo=UTC)
    far = dt.datetime(2027, 2, 1, tzinfo=UTC)
    p = plan(item("lee@bolt.example", start=old), item("lee@bolt.example", start=far),
             item("lee@bolt.example", cancelled=True))
    assert p.new == () and p.outside_window == 2 and p.cancelled == 1


def test_one_touchpoint_per_natural_key_with_everyone_on_it():
    p = plan(item("priya@acmecorp.example", subject="Re:  SSO\n rollout", kind="email"),
             item("tom@acmecorp.example", subject="Re: SSO rollout", kind="email"))
    [t] = p.new
    assert t.summary == "Re: SSO rollout"
    assert t.contacts == ("priya@acmecorp.example", "tom@acmecorp.example")


def test_a_second_run_finds_it_there_and_a_held_meeting_is_completed():
    future = dt.datetime(2026, 11, 25, 16, tzinfo=UTC)
    first = plan(item("lee@bolt.example", start=future))
    [t] = first.new
    stored = {t.key: StoredTouchpoint(status=t.status, contacts=t.contacts)}
    again = plan(item("lee@bolt.example", start=future), stored=stored)
    assert again.new == () and again.updated == () and len(again.unchanged) == 1
    held = plan(item("lee@bolt.example", start=future), stored=stored,
                now=dt.datetime(2026, 11, 26, tzinfo=UTC))
    [u] = held.updated
    assert u.status == TouchpointStatus.completed


def test_a_stored_completed_or_missed_meeting_stays_so_and_keeps_its_people():
    key = ("b1", dt.date(2026, 11, 10), "meeting", "Sync")
    missed = {key: StoredTouchpoint(status=TouchpointStatus.missed, contacts=("x@bolt.example",))}
    [u] = plan(item("lee@bolt.example"), stored=missed).updated
    assert u.status == TouchpointStatus.missed
    assert u.contacts == ("lee@bolt.example", "x@bolt.example")


@pytest.mark.parametrize("subject, summary", [
    (None, "(no subject)"), ("  ", "(no subject)"), ("a\tb\r\nc", "a b c"),
    ("x" * 300, "x" * 200)])
def test_subjects_become_one_line_summaries(subject, summary):
    assert clean_subject(subject) == summary


def test_a_csm_on_free_mail_is_themselves_and_their_contacts_still_match():
    me = "dana.reyes@gmail.com"
    items = [item(me, "sam.rivera@gmail.com", owner=me), item(me, "lee@bolt.example"),
             item(me, "pat@gmail.com", subject="Intro")]
    p = plan(*items)
    assert p.own_domains == ()  # gmail.com is everyone's, not the CSM's company
    assert sorted(t.account_id for t in p.new) == ["b1", "c1"]
    [u] = p.unmatched
    assert u.addresses == ("pat@gmail.com",)
    unnamed = plan(*[i.model_copy(update={"owner": None}) for i in items])
    assert [u.addresses for u in unnamed.unmatched] == [("pat@gmail.com",)]
