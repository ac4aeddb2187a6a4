"""Reading calendars and mail as Outlook, Google and mail clients write them."""

import datetime as dt
from pathlib import Path

import pytest

from csdesk.store.capture import CaptureRefused, read_files
from csdesk.store.importing.calendar_files import read_calendar
from csdesk.store.importing.mail_files import read_eml, read_mbox

FIXTURES = Path(__file__).parent.parent / "fixtures" / "capture"
UTC = dt.timezone.utc
WINDOW = (dt.datetime(2025, 11, 1, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC))


def _calendar(name):
    problems = []
    items = read_calendar(FIXTURES / name, name, problems, window=WINDOW)
    assert problems == []
    return items


def test_an_outlook_export_with_its_own_windows_time_zone():
    [event] = _calendar("outlook.ics")
    assert event.start.astimezone(UTC) == dt.datetime(2026, 11, 19, 1, 0, tzinfo=UTC)  # PST
    assert event.subject == "Acme adoption review" and event.kind == "meeting"
    assert event.addresses == ("dana.reyes@csdesk-vendor.example",
                               "priya.natarajan@acmecorp.example", "tom@acmecorp.example")


def test_a_google_export_utc_all_day_zoned_declined_and_cancelled():
    events = {e.subject: e for e in _calendar("google.ics")}
    prep = events["Bolt renewal prep"]
    assert prep.start == dt.datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
    assert "max@bolt.example" not in prep.addresses  # declined: not at the meeting
    assert "jo.whittaker@bolt.example" in prep.addresses  # a folded line read whole
    assert prep.owner == "dana.reyes@csdesk-vendor.example"  # X-WR-CALNAME
    assert events["Bolt onsite workshop"].start == dt.date(2026, 11, 16)
    qbr = events["Bolt QBR"].start
    assert qbr.astimezone(UTC) == dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC)  # EST
    assert events["Bolt sync (cancelled)"].cancelled


def test_a_recurring_meeting_is_expanded_across_a_dst_change_less_exdates_with_overrides():
    starts = [(e.start.astimezone(UTC), len(e.addresses)) for e in _calendar("recurring.ics")]
    assert starts == [
        (dt.datetime(2026, 10, 15, 8, tzinfo=UTC), 2),  # 10:00 CEST
        (dt.datetime(2026, 10, 22, 8, tzinfo=UTC), 2),
        # 29 October: an EXDATE
        (dt.datetime(2026, 11, 5, 9, tzinfo=UTC), 2),  # 10:00 CET, after the change
        (dt.datetime(2026, 11, 13, 14, tzinfo=UTC), 3),  # the 12th moved, Tom added
        (dt.datetime(2026, 11, 19, 9, tzinfo=UTC), 2),
        (dt.datetime(2026, 11, 26, 9, tzinfo=UTC), 2),
        (dt.datetime(2026, 12, 3, 9, tzinfo=UTC), 2),
    ]


def test_an_endless_rule_is_expanded_within_the_window_only(tmp_path):
    path = tmp_path / "daily.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:d1\r\n"
                    "DTSTART:20200101T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Standup\r\n"
                    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:d2\r\nDTSTART:20261101T090000\r\n"
                    "RRULE:FREQ=WEEKLY;UNTIL=20261115T235959Z\r\nSUMMARY:Floating\r\n"
                    "END:VEVENT\r\nEND:VCALENDAR\r\n")
    problems = []
    window = (dt.datetime(2026, 11, 1, tzinfo=UTC), dt.datetime(2026, 11, 8, tzinfo=UTC))
    items = read_calendar(path, "daily.ics", problems, window=window)
    assert problems == []
    assert sum(i.subject == "Standup" for i in items) == 7
    # a floating start with a UTC UNTIL: read on its own clock, the window's end excluded
    assert [i.start for i in items if i.subject == "Floating"] == [dt.datetime(2026, 11, 1, 9)]


def test_a_mail_to_several_people_with_encoded_words():
    problems = []
    [mail] = read_eml(FIXTURES / "several_recipients.eml", "m.eml", problems)
    assert problems == []
    assert mail.kind == "email" and mail.subject == "Re: SSO rollout — next steps"
    assert mail.start == dt.datetime(2026, 11, 17, 17, 12, 44, tzinfo=UTC)
    assert mail.addresses == ("priya.natarajan@acmecorp.example",
                              "dana.reyes@csdesk-vendor.example", "tom@acmecorp.example",
                              "lee@bolt.example", "renee@acmecorp.example")


def test_an_mbox_gives_each_message():
    problems = []
    mails = read_mbox(FIXTURES / "inbox.mbox", "inbox.mbox", problems)
    assert problems == []
    assert [m.subject for m in mails] == ["Cobalt: invoice question", "Cobalt: invoice question",
                                          "Partnership?", "Maintenance window"]
    assert mails[2].source == 'inbox.mbox: message 3 "Partnership?"'


@pytest.mark.parametrize("name, says", [
    ("not_a_calendar.ics", "not_a_calendar.ics: not a calendar file"),
    ("event_without_date.ics",
     'event_without_date.ics: event "Kickoff with Acme" (UID no-date-1): no start (DTSTART)'),
    ("broken.mbox", "broken.mbox: not an mbox"),
    ("no_date.eml", 'no_date.eml: message "Quick question": no Date header'),
])
def test_bad_files_are_refused_naming_the_file_and_the_event_or_message(name, says):
    with pytest.raises(CaptureRefused) as refused:
        read_files([FIXTURES / "outlook.ics", FIXTURES / name], window=WINDOW)
    [problem] = refused.value.problems
    assert problem.startswith(str(FIXTURES / name))
    assert says in problem


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "mail.eml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CaptureRefused) as refused:
        read_files([tmp_path / "photo.png", tmp_path / "mail.eml", tmp_path / "gone.mbox"],
                   window=WINDOW)
    problems = refused.value.problems
    assert len(problems) == 3
    assert any("gone.mbox: no such file" in p for p in problems)
    assert any("photo.png: not a calendar or mail file" in p for p in problems)
    assert any("mail.eml: not a mail message" in p for p in problems)


def test_an_mbox_message_without_a_date_is_named_by_number(tmp_path):
    path = tmp_path / "box.mbox"
    path.write_text((FIXTURES / "inbox.mbox").read_text()
                    + "From x@y Fri Nov 20 08:00:00 2026\nFrom: x@y.example\nSubject: Undated\n\n.\n")
    with pytest.raises(CaptureRefused) as refused:
        read_files([path], window=WINDOW)
    assert refused.value.problems == [f'{path}: message 5 "Undated": no Date header: a mail '
                                      "needs a date"]
