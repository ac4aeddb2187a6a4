"""A realistic, deterministic demo book (`csdesk demo`).

Pure: `generate(accounts, seed, as_of, rules)` returns the tables as lists of row dicts (the JSON
book's shape), built on first look or a few accounts at a time (`DemoBook.chunks`);
`csdesk.store.demo.write` puts them in a book through the importer, so the demo is validated
like any import. Everything comes from one `random.Random(seed)` and every date is
relative to `as_of`, so the same seed and day give the same book.

Each account follows a *story* that exercises the rules of docs/rules.md: thriving accounts
qualify for expansion (§6), slipping ones turn yellow (§4 watch), at-risk ones turn red with a
login cliff, missed touchpoints, a ticket spike, an open critical ticket and a complaint (§5),
champions leave (§4 critical), new customers go through onboarding milestones (§7), renewals fall
in every window (§9), and past renewals end renewed, expanded, contracted or churned so
calibration (§12) has outcomes with 80-100 days of history before them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from csdesk.core.config import Rules
from csdesk.core.models import Account, Milestone, Tier
from csdesk.core.onboarding import CHECKLISTS, new_milestones
from csdesk.core.tiers import tier_for, touchpoint_cadence_days
from csdesk.core.touchpoints import MEETING_KINDS

WEEKS_OF_USAGE = 26

# story -> share of the book. Every story appears in a book of 13 or more accounts.
STORIES: dict[str, int] = {
    "thriving": 10, "steady": 10, "slipping": 5, "stuck_yellow": 4, "at_risk": 6,
    "champion_left": 3, "onboarding": 6, "unknown": 2, "churned": 4, "renewed": 4,
    "expanded": 3, "contracted": 2, "single_threaded": 1,
}
# For tiny books: the stories to show first.
STORY_PRIORITY = ("thriving", "at_risk", "slipping", "onboarding", "churned", "steady",
                  "unknown", "champion_left", "renewed", "stuck_yellow", "expanded",
                  "contracted", "single_threaded")
# Days since contract start of the onboarding accounts, in turn; the first is the one whose M2
# slipped (overdue), the last has not started yet (signed, kickoff next week).
ONBOARDING_AGES = (45, 18, 64, 6, 33, 86, 52, 78, -9)
PAST_RENEWAL = {"churned": "churned", "renewed": "renewed", "expanded": "expanded",
                "contracted": "contracted"}

# --- names ----------------------------------------------------------------------------------

COMPANY_FIRST = (
    "Northwind", "Bluefin", "Cedar", "Harbor", "Summit", "Ironwood", "Brightline", "Keystone",
    "Silverlake", "Redwood", "Granite", "Meridian", "Lakeshore", "Pioneer", "Beacon", "Copperleaf",
    "Evergreen", "Falcon", "Highland", "Juniper", "Larkspur", "Maple", "Oakridge", "Pinnacle",
    "Quarry", "Riverbend", "Sterling", "Tidewater", "Union", "Vantage", "Westfield", "Alder",
    "Birchwood", "Crescent", "Driftwood", "Emberly", "Foxglove", "Goldcrest", "Hawthorne",
    "Indigo", "Jasper", "Kestrel", "Lumen", "Magnolia", "Northstar", "Orchard", "Prairie",
    "Quill", "Rockport", "Sagebrush", "Thornbury", "Upland", "Verity", "Willowbrook", "Yardley",
    "Zephyr", "Acorn", "Bayview", "Cobalt", "Delta", "Eastgate", "Fairview", "Glacier",
    "Halcyon", "Ironclad", "Kingsley", "Lighthouse", "Mosaic", "Nimbus", "Osprey", "Parkside",
    "Radiant", "Seabright", "Trailhead", "Vertex", "Wildflower", "Ashford", "Bramble", "Caldera",
    "Dunmore", "Elmstead", "Fernhill", "Greystone", "Hollis", "Ivory", "Kinsale", "Lindenwood",
    "Marlow", "Newhaven", "Oakmont", "Peregrine", "Quayside", "Rosewood", "Saltmarsh", "Tamarack",
    "Ventura", "Whitcomb", "Yellowstone", "Anchor", "Bellweather", "Clearwater", "Dover", "Everly",
    "Fieldstone", "Goldfield", "Harrow", "Ironbridge", "Kettle", "Longview", "Millbrook", "Norfolk",
    "Overlook", "Pembrook", "Ridgeline", "Stonebridge", "Timberline", "Valley", "Windham",
    "Arbor", "Blackstone", "Crestview", "Dalton", "Easton", "Foxhall", "Gallant", "Heron",
)
COMPANY_SECOND = (
    ("Logistics", "Logistics & Transportation"), ("Health", "Healthcare"),
    ("Analytics", "Software"), ("Foods", "Food & Beverage"), ("Systems", "Software"),
    ("Capital", "Financial Services"), ("Labs", "Biotechnology"),
    ("Manufacturing", "Manufacturing"), ("Energy", "Energy"), ("Retail", "Retail"),
    ("Insurance", "Insurance"), ("Bank", "Financial Services"), ("Freight", "Logistics & Transportation"),
    ("Clinics", "Healthcare"), ("Robotics", "Manufacturing"), ("Media", "Media"),
    ("Hospitality", "Hospitality"), ("Realty", "Real Estate"), ("Software", "Software"),
    ("Pharma", "Pharmaceuticals"), ("Telecom", "Telecommunications"),
    ("Engineering", "Engineering"), ("Education", "Education"), ("Outfitters", "Retail"),
    ("Dental", "Healthcare"), ("Materials", "Manufacturing"), ("Networks", "Telecommunications"),
    ("Travel", "Hospitality"), ("Legal", "Legal Services"), ("Partners", "Professional Services"),
    ("Consulting", "Professional Services"), ("Brewing", "Food & Beverage"),
    ("Aerospace", "Aerospace"), ("Biosciences", "Biotechnology"), ("Utilities", "Energy"),
    ("Apparel", "Retail"), ("Staffing", "Professional Services"), ("Credit Union", "Financial Services"),
    ("Security", "Software"), ("Marine", "Logistics & Transportation"),
    ("Home Care", "Healthcare"), ("Construction", "Construction"), ("Farms", "Agriculture"),
    ("Motors", "Automotive"), ("Publishing", "Media"), ("Payments", "Financial Services"),
    ("Academy", "Education"), ("Diagnostics", "Healthcare"), ("Cloud", "Software"),
    ("Properties", "Real Estate"), ("Distribution", "Wholesale"), ("Packaging", "Manufacturing"),
    ("Studios", "Media"), ("Medical", "Healthcare"), ("Solar", "Energy"), ("Supply", "Wholesale"),
    ("Markets", "Retail"), ("Data", "Software"), ("Water", "Utilities"), ("Airlines", "Aerospace"),
)
COMPANY_SUFFIX = ("", "", "", "Inc.", "Group", "Co.", "LLC", "Holdings", "Corporation")
FIRST_NAMES = (
    "Maria", "James", "Priya", "Daniel", "Aisha", "Michael", "Sofia", "David", "Mei", "Carlos",
    "Emily", "Ahmed", "Olivia", "Lucas", "Hannah", "Kenji", "Grace", "Mateo", "Chloe", "Samuel",
    "Fatima", "Ethan", "Isabella", "Noah", "Zara", "Liam", "Amara", "Benjamin", "Nadia", "Owen",
    "Rachel", "Diego", "Leah", "Arjun", "Claire", "Tomás", "Yuki", "Marcus", "Elena", "Jordan",
    "Sarah", "Kwame", "Anna", "Rafael", "Ingrid", "Victor", "Laila", "Patrick", "Rosa", "Hugo",
    "Megan", "Andre", "Naomi", "Felix", "Julia", "Omar", "Tessa", "Ravi", "Caroline", "Jonah",
    "Lucia", "Ibrahim", "Erin", "Mateus", "Keiko", "Gabriel", "Monica", "Stefan", "Alicia",
    "Tyrone", "Beatriz", "Connor", "Divya", "Henrik", "Lauren", "Sipho", "Vanessa", "Wei",
)
LAST_NAMES = (
    "Lopez", "Chen", "Patel", "Okafor", "Johnson", "Nguyen", "Garcia", "Kowalski", "Smith",
    "Müller", "Rossi", "Haddad", "Kim", "Williams", "Silva", "O'Brien", "Tanaka", "Brown",
    "Andersson", "Martinez", "Singh", "Dubois", "Walker", "Novak", "Hernandez", "Cohen", "Murphy",
    "Ivanova", "Rahman", "Lee", "Fischer", "Costa", "Mensah", "Taylor", "Jensen", "Ramirez",
    "Sato", "Clarke", "Moreau", "Gupta", "Bianchi", "Park", "Evans", "Santos", "Horvat", "Reid",
    "Adeyemi", "Larsen", "Torres", "Schmidt", "Wright", "Yamamoto", "Kaur", "Bennett", "Alvarez",
    "Nakamura", "Hughes", "Petrov", "Ortiz", "Foster", "Mahmoud", "Lindqvist", "Coleman",
    "Ferreira", "Byrne", "Zhang", "Delgado", "Price", "Abebe", "Sullivan", "Kruger", "Vargas",
)
TITLES = {
    "champion": ("Director of Operations", "Head of Customer Support", "Senior Manager, Revenue "
                 "Operations", "Director of IT Applications", "Product Operations Lead",
                 "Director of Customer Experience", "Manager, Business Systems",
                 "Head of Service Delivery"),
    "economic_buyer": ("VP Finance", "Chief Financial Officer", "VP of Operations",
                       "Director of Procurement", "VP Customer Support"),
    "executive_sponsor": ("Chief Operating Officer", "SVP Customer Experience",
                          "Chief Information Officer", "VP Engineering", "Chief Digital Officer"),
    "executive": ("Chief Executive Officer", "Chief Revenue Officer", "President"),
    "user": ("Operations Analyst", "Support Team Lead", "Business Analyst", "Program Manager",
             "Customer Support Specialist", "Data Analyst", "Project Coordinator"),
    "skeptic": ("IT Security Manager", "Senior Systems Architect", "Director of Compliance"),
}
SUCCESS_DEFINITIONS = (
    "Halve the support backlog before peak season",
    "One view of every customer for the whole ops team",
    "Month-end reporting without spreadsheets",
    "New hires productive in their first week",
    "Retire the legacy ticketing tool by Q3",
    "Hit a 90% first-contact resolution rate",
)
GOALS = (
    ("Reduce onboarding time for new agents", "Cut onboarding time 40%, saving $120k/yr"),
    ("Consolidate three ticketing tools into one", "Retired 2 tools, saving $85k/yr in licences"),
    ("Automate weekly executive reporting", "Saved 12 analyst hours a week (~$45k/yr)"),
    ("Raise first-contact resolution to 80%", "First-contact resolution up from 61% to 79%"),
    ("Shorten month-end close", "Month-end close down from 9 to 5 days"),
    ("Reduce ticket backlog by a third", "Backlog down 35%, freeing 2 FTEs (~$180k/yr)"),
    ("Roll out self-service portal", "Deflected 22% of tickets, saving $60k/yr"),
    ("Single customer view for account managers", "Renewal prep time cut 50% (~$30k/yr)"),
    ("Improve CSAT above 4.5", "CSAT up from 4.1 to 4.6"),
    ("Launch in the EMEA region", "EMEA live in 6 weeks; 140 new users"),
)
SUMMARIES = {
    "call": ("Weekly sync", "Adoption review call", "Roadmap questions", "Integration follow-up"),
    "email": ("Shared release notes", "Sent usage report", "Follow-up on open ticket",
              "Shared best-practice guide"),
    "meeting": ("Working session with ops team", "Workflow design session",
                "Admin training follow-up"),
    "check_in": ("Monthly check-in", "Health check-in", "Quick check-in with champion"),
    "qbr": ("Quarterly business review",),
    "ebr": ("Executive business review",),
    "renewal": ("Renewal kickoff", "Renewal terms discussion", "Renewal paperwork"),
    "escalation": ("Escalation: outage follow-up", "Escalation call with support lead"),
    "executive": ("Exec-to-exec alignment call",),
    "training": ("Admin training", "New-team training", "Reporting training"),
    "tech_touch": ("Product newsletter", "Webinar invite", "In-app onboarding tips"),
}
NPS_COMMENTS = {
    "promoter": ("Our team can't imagine going back.", "Support is fast and genuinely helpful.",
                 "Saved us hours every week."),
    "passive": ("Does the job; reporting could be better.", "Good product, a few rough edges.",
                ""),
    "detractor": ("Too many outages this quarter.", "Hard to get value without more training.",
                  "Support response times have slipped.", "Considering other options."),
}
CHURN_REASONS = (
    ("Budget cut after reorganisation", False, None),
    ("Moved to a competitor with native ERP integration", True, "Zendesk"),
    ("Champion left and nobody picked it up", True, None),
    ("Acquired; parent company standardised on its own tool", False, "Salesforce Service Cloud"),
    ("Low adoption; never reached first value", True, "Freshdesk"),
)
NOTES = (
    "Champion mentioned budget review in Q{q}; keep an eye on the renewal.",
    "Asked for a sandbox to test the new API before rolling out to the EMEA team.",
    "Exec sponsor wants a one-page ROI summary before the next EBR.",
    "Ops team is frustrated with SSO timeouts; ticket open with support.",
    "Great feedback on the reporting module; possible case study.",
    "New VP of Support started last month; schedule an intro.",
)


# --- the generator ---------------------------------------------------------------------------


@dataclass
class _Book:
    tables: dict[str, list[dict]] = field(default_factory=lambda: {
        t: [] for t in ("accounts", "contacts", "usage", "tickets", "nps", "touchpoints",
                        "goals", "renewals", "notes", "milestones", "milestone_items")})

    def add(self, table: str, **row) -> None:
        self.tables[table].append(row)


def _sf_id(prefix: str, rng: random.Random) -> str:
    """A Salesforce-style 18-character id (15 characters and the case-checksum suffix)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    body = prefix + "5g0000" + "".join(rng.choice(alphabet) for _ in range(15 - len(prefix) - 6))
    suffix = ""
    for chunk in (body[0:5], body[5:10], body[10:15]):
        bits = sum(1 << i for i, c in enumerate(chunk) if c.isupper())
        suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return body + suffix


def _stories(n: int, rng: random.Random) -> list[str]:
    if n <= len(STORY_PRIORITY):
        stories = list(STORY_PRIORITY[:n])
    else:
        total = sum(STORIES.values())
        counts = {s: max(1, n * w // total) for s, w in STORIES.items()}
        order = list(STORIES)
        i = 0
        while sum(counts.values()) < n:
            counts[order[i % len(order)]] += 1
            i += 1
        while sum(counts.values()) > n:
            big = max(counts, key=lambda s: counts[s])
            counts[big] -= 1
        stories = [s for s in order for _ in range(counts[s])]
    rng.shuffle(stories)
    return stories


def _company_names(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """n distinct (name, email domain, industry)."""
    out, seen = [], set()
    while len(out) < n:
        first = rng.choice(COMPANY_FIRST)
        second, industry = rng.choice(COMPANY_SECOND)
        suffix = rng.choice(COMPANY_SUFFIX)
        name = " ".join(p for p in (first, second, suffix) if p)
        key = (first, second)
        if key in seen and len(seen) < len(COMPANY_FIRST) * len(COMPANY_SECOND) * 0.9:
            continue
        if name in seen:
            continue
        seen.add(key)
        seen.add(name)
        domain = (first + second.split()[0]).lower().replace("'", "") + ".com"
        out.append((name, domain, industry))
    return out


def _round(value: float, step: int) -> float:
    return float(max(step, round(value / step) * step))


def generate(accounts: int, seed: int, as_of: dt.date, rules: Rules,
             csm_name: str | None = None) -> DemoBook:
    """The demo book's tables (the JSON book shape): see `DemoBook`."""
    return DemoBook(accounts, seed, as_of, rules, csm_name)


class DemoBook(Mapping[str, list[dict]]):
    """The demo book's tables as lists of rows with the import columns, by table name.

    The rows are built on first look at a table. `chunks` builds them a few accounts at a
    time instead, so that a big book's rows need not all be in memory at once (the writer's
    way): the same rows, in the same order, from the same `random.Random(seed)` drawn in the
    same order, whatever the chunk size.
    """

    def __init__(self, accounts: int, seed: int, as_of: dt.date, rules: Rules,
                 csm_name: str | None = None) -> None:
        self.accounts, self.seed, self.as_of, self.rules = accounts, seed, as_of, rules
        self.csm_name = csm_name
        self._tables: dict[str, list[dict]] | None = None

    def chunks(self, accounts: int) -> Iterator[dict[str, list[dict]]]:
        """The tables of `accounts` accounts at a time (the last chunk may have fewer), each
        chunk with every row of its accounts; built afresh on every call."""
        return _generate(self.accounts, self.seed, self.as_of, self.rules, self.csm_name,
                         max(1, accounts))

    @property
    def built(self) -> bool:
        """Whether the whole book's rows are in memory already (someone looked)."""
        return self._tables is not None

    @property
    def tables(self) -> dict[str, list[dict]]:
        if self._tables is None:
            self._tables = next(self.chunks(self.accounts), None) or _Book().tables
        return self._tables

    def __getitem__(self, table: str) -> list[dict]:
        return self.tables[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


def _generate(accounts: int, seed: int, as_of: dt.date, rules: Rules, csm_name: str | None,
              chunk: int) -> Iterator[dict[str, list[dict]]]:
    rng = random.Random(seed)
    book = _Book()
    owner = csm_name or "Dana Reyes"
    stories = _stories(accounts, rng)
    names = _company_names(accounts, rng)
    ticket_seq = iter(range(10_001, 10_000_000))
    # Renewal windows (§9) for accounts without a past outcome: past due, <30, <60, <90, <180,
    # later. Each story leans where its renewals make a point.
    windows = {"past_due": (-21, -1), "30": (1, 29), "60": (30, 59), "90": (60, 89),
               "180": (90, 179), "later": (180, 360)}
    lean = {
        "thriving": ("later", "later", "180", "90"),
        "steady": ("later", "180", "90", "60", "30", "past_due"),
        "slipping": ("90", "60", "180", "30"),
        "stuck_yellow": ("180", "90", "later"),
        "at_risk": ("30", "60", "90", "past_due", "180"),
        "champion_left": ("60", "90", "180"),
        "unknown": ("later", "180"),
        "single_threaded": ("90", "later"),
    }
    seen: dict[str, int] = {}
    for index, (story, (name, domain, industry)) in enumerate(zip(stories, names)):
        nth = seen[story] = seen.get(story, -1) + 1
        gen = _AccountGen(rng, book, as_of, rules, story, index, ticket_seq, nth)
        gen.account(name, domain, industry, owner, windows, lean)
        gen.contacts(domain)
        gen.usage()
        gen.touchpoints()
        gen.tickets()
        gen.nps()
        gen.goals()
        gen.onboarding()
        gen.notes()
        if gen.surprise_churn:
            _end_at_churn(book, gen.account_id, gen.outcome_date)
        if (index + 1) % chunk == 0 or index + 1 == accounts:
            yield book.tables
            book = _Book()


def _end_at_churn(book: _Book, account_id: str, churned_on: dt.date) -> None:
    """A churned customer has no activity after the day it left."""
    for table, column in (("usage", "date"), ("touchpoints", "date"), ("nps", "date"),
                          ("tickets", "opened_on"), ("notes", "created_at")):
        book.tables[table] = [
            r for r in book.tables[table]
            if r["account_id"] != account_id or _day_of(r[column]) <= churned_on]


def _day_of(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value




class _AccountGen:
    """One account's rows, following its story."""

    def __init__(self, rng, book, as_of, rules, story, index, ticket_seq, nth) -> None:
        self.rng, self.book, self.as_of, self.rules = rng, book, as_of, rules
        self.story, self.index, self.ticket_seq = story, index, ticket_seq
        self.nth = nth  # this account is the nth (from 0) of its story
        self.emails: list[str] = []

    def days_ago(self, n: int) -> dt.date:
        return self.as_of - dt.timedelta(days=n)

    # --- accounts and renewals --------------------------------------------------------------

    def account(self, name, domain, industry, owner, windows, lean) -> None:
        rng, story = self.rng, self.story
        tier_roll = rng.random()
        if story in ("unknown", "single_threaded"):
            tier_roll = 0.2 + tier_roll * 0.8
        if tier_roll < 0.25:
            arr, seats = _round(rng.uniform(110_000, 850_000), 500), rng.randint(150, 1500)
        elif tier_roll < 0.65:
            arr, seats = _round(rng.uniform(20_000, 100_000), 250), rng.randint(30, 250)
        else:
            arr, seats = _round(rng.uniform(6_000, 19_500), 100), rng.randint(5, 40)
        self.account_id = _sf_id("001", rng)
        self.tier = tier_for(arr, self.rules)
        self.cadence = touchpoint_cadence_days(self.tier, self.rules)
        self.seats = seats
        self.outcome_date: dt.date | None = None
        if story == "onboarding":
            start = self.days_ago(ONBOARDING_AGES[self.nth % len(ONBOARDING_AGES)])
            renewal = start + relativedelta(months=12)
        elif story in PAST_RENEWAL:
            # Outcomes mostly in the last ~10 weeks: usage history covers the 80-100 days
            # before them, which calibration (§12) reads.
            self.outcome_date = self.days_ago(rng.randint(5, 75))
            years = rng.randint(1, 3)
            start = self.outcome_date - relativedelta(months=12 * years)
            renewal = (self.outcome_date if story == "churned"
                       else self.outcome_date + relativedelta(months=12))
        else:
            low, high = windows[rng.choice(lean[story])]
            renewal = self.as_of + dt.timedelta(days=rng.randint(low, high))
            start = renewal - relativedelta(months=12 * rng.randint(1, 3))
            while (self.as_of - start).days < 200:
                start -= relativedelta(months=12)
        self.start, self.renewal = start, renewal
        # One healthy "renewed" account per book is lost to an acquisition instead: a churn the
        # score could not see coming, so calibration (§12) shows a miss, not a perfect record.
        self.surprise_churn = story == "renewed" and self.nth == 1
        if self.surprise_churn:
            self.renewal = renewal = self.outcome_date
        status = "churned" if story == "churned" or self.surprise_churn else "active"
        if story in PAST_RENEWAL:
            self._past_renewal(arr)
            arr = self.current_arr
        self.arr = arr
        self.book.add("accounts", account_id=self.account_id, name=name, arr=arr,
                      contract_start=start, renewal_date=renewal,
                      seats_licensed=None if story == "unknown" and self.index % 2 == 0 else seats,
                      term_months=12, industry=industry, owner=owner, status=status)

    def _past_renewal(self, arr: float) -> None:
        rng, outcome = self.rng, PAST_RENEWAL[self.story]
        if self.surprise_churn:
            outcome = "churned"
        previous = arr
        row = dict(account_id=self.account_id, date=self.outcome_date, outcome=outcome,
                   previous_arr=previous)
        if outcome == "renewed":
            row["new_arr"] = previous
        elif outcome == "expanded":
            row["new_arr"] = _round(previous * rng.uniform(1.12, 1.4), 100)
        elif outcome == "contracted":
            row["new_arr"] = _round(previous * rng.uniform(0.6, 0.85), 100)
            row["reason"] = rng.choice(("Seat reduction after layoffs",
                                        "Dropped the analytics add-on"))
            row["preventable"] = False
        elif self.surprise_churn:
            row.update(new_arr=0.0, preventable=False, competitor=None,
                       reason="Acquired; the new parent company standardised on its own vendor")
        else:
            reason, preventable, competitor = rng.choice(CHURN_REASONS)
            row.update(new_arr=0.0, reason=reason, preventable=preventable, competitor=competitor)
        self.current_arr = row["new_arr"] if outcome != "churned" else previous
        self.book.add("renewals", **row)

    # --- people -----------------------------------------------------------------------------

    def contacts(self, domain: str) -> None:
        rng, story = self.rng, self.story
        if story == "single_threaded":
            roles = ["champion"]
        elif story == "unknown":
            roles = ["champion", "user"][: rng.randint(1, 2)]
        else:
            roles = ["champion"]
            if story not in ("at_risk", "stuck_yellow") or rng.random() < 0.4:
                roles.append(rng.choice(("economic_buyer", "executive_sponsor")))
            if self.tier == Tier.enterprise and rng.random() < 0.6:
                roles.append("executive")
            extra = rng.randint(0, 3) if self.tier != Tier.smb else rng.randint(0, 1)
            roles += [rng.choice(("user", "user", "user", "skeptic")) for _ in range(extra)]
        used: set[str] = set()
        self.people: list[tuple[str, str, str]] = []  # (name, email, role), active ones
        for i, role in enumerate(roles):
            person, email = self._person(domain, used)
            departed_on = None
            status = "active"
            if role == "champion" and (story == "champion_left" or
                                       (story == "churned" and rng.random() < 0.5)):
                status = "departed"
                departed_on = self.days_ago(rng.randint(6, 60)) if story == "champion_left" \
                    else (self.outcome_date or self.as_of) - dt.timedelta(days=rng.randint(100, 140))
            sentiment = {"thriving": "positive", "expanded": "positive", "at_risk": "negative",
                         "churned": "negative"}.get(story, rng.choice(("positive", "neutral")))
            if role == "skeptic":
                sentiment = "negative"
            self.book.add(
                "contacts", account_id=self.account_id, name=person,
                contact_id=_sf_id("003", rng), title=rng.choice(TITLES[role]), email=email,
                role=role, status=status, departed_on=departed_on, sentiment=sentiment,
                success_definition=rng.choice(SUCCESS_DEFINITIONS) if role == "champion" else None)
            if status == "active":
                self.people.append((person, email, role))
        if story in ("thriving", "expanded") and self.index % 4 == 0:
            # A champion who left long ago, already replaced: no alert, but history.
            person, email = self._person(domain, used)
            self.book.add("contacts", account_id=self.account_id, name=person,
                          contact_id=_sf_id("003", rng), title=rng.choice(TITLES["champion"]),
                          email=email, role="champion", status="departed",
                          departed_on=self.days_ago(rng.randint(150, 300)), sentiment="positive",
                          success_definition=None)

    def _person(self, domain: str, used: set[str]) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if (first, last) not in used:
                used.add((first, last))
                local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
                local = local.translate(str.maketrans("áéíóúüöäåøñçã", "aeiouuoaaonca"))
                return f"{first} {last}", f"{local}@{domain}"

    # --- usage (26 weeks) ---------------------------------------------------------------------

    def _ratio(self, week: int, weeks: int) -> float:
        """Active users / seats for week `week` of `weeks` (0 oldest), by story."""
        t = week / max(1, weeks - 1)
        rng, s = self.rng, self.story
        noise = rng.uniform(-0.03, 0.03)
        if s in ("thriving", "expanded"):
            return 0.78 + 0.15 * t + noise
        if s in ("steady", "renewed"):
            return 0.62 + noise
        if s == "slipping":
            return (0.72 if week < weeks - 4 else 0.40) + noise
        if s in ("stuck_yellow", "contracted"):
            return 0.38 + noise
        if s in ("at_risk", "churned"):
            return 0.55 - 0.40 * t + noise
        if s == "champion_left":
            return 0.62 - 0.15 * t + noise
        if s == "single_threaded":
            return 0.55 + noise
        return 0.15 + 0.55 * t + noise  # onboarding ramp

    def usage(self) -> None:
        if self.story == "unknown":
            return
        rng = self.rng
        last_monday = self.as_of - dt.timedelta(days=self.as_of.weekday())
        days = [last_monday - dt.timedelta(weeks=k) for k in range(WEEKS_OF_USAGE - 1, -1, -1)]
        end = self.outcome_date if self.story == "churned" else self.as_of
        days = [d for d in days if self.start <= d <= end]
        per_user = rng.uniform(2.5, 5.0)
        cliff = self.story in ("at_risk", "churned") and (self.story == "churned"
                                                           or self.index % 3 != 2)
        logins_before = None
        for week, day in enumerate(days):
            ratio = min(1.0, max(0.02, self._ratio(week, len(days))))
            active = max(1, round(self.seats * ratio))
            logins = round(active * per_user * rng.uniform(0.92, 1.08))
            if cliff and week >= len(days) - 3 and logins_before:
                # §5 leading signal: logins down > 30% week over week for 2+ weeks.
                logins = round(logins_before * rng.uniform(0.45, 0.62))
                active = max(1, min(active, round(logins / per_user)))
            logins_before = logins
            self.book.add("usage", account_id=self.account_id, date=day, active_users=active,
                          logins=logins)

    # --- touchpoints ----------------------------------------------------------------------------

    def _tp(self, day: dt.date, kind: str, status: str = "completed", flags=(), summary=None):
        self.book.add("touchpoints", account_id=self.account_id, date=day, kind=kind,
                      status=status, summary=summary or self.rng.choice(SUMMARIES[kind]),
                      flags=";".join(flags), contacts=self._met(day, kind))

    def _met(self, day: dt.date, kind: str) -> str:
        """Who a meeting-like touchpoint met (touchpoints.contacts), so the stakeholder map
        has a last contact per person: the sponsor or buyer at executive and escalation
        calls, the champion and one more at meetings and reviews; calls and e-mails name no
        one. Drawn from a generator of its own, so the rest of the demo stays as it was."""
        people = getattr(self, "people", [])
        if kind not in MEETING_KINDS or not people:
            return ""
        pick = random.Random(f"{self.account_id}:{day}:{kind}")
        senior = [e for _, e, r in people if r in ("executive_sponsor", "economic_buyer",
                                                   "executive")]
        if kind in ("executive", "escalation"):
            return ";".join(senior[:1] or [pick.choice(people)[1]])
        champion = [e for _, e, r in people if r == "champion"]
        others = [e for _, e, r in people if r != "champion"]
        met = champion[:1] + ([pick.choice(others)] if others and pick.random() < 0.6 else [])
        return ";".join(met or [pick.choice(people)[1]])

    def touchpoints(self) -> None:
        rng, s, c = self.rng, self.story, self.cadence
        history_start = max(self.start, self.days_ago(280))  # cadence before the score history
        # How long ago the last completed touchpoint was, by story (§2 engagement).
        last_done = {
            "thriving": rng.randint(1, max(2, c // 2)), "expanded": rng.randint(1, max(2, c // 2)),
            "steady": rng.randint(2, c), "renewed": rng.randint(2, c),
            "slipping": rng.randint(c + 2, 2 * c - 1), "stuck_yellow": rng.randint(c + 2, 2 * c - 1),
            "contracted": rng.randint(c + 2, 2 * c - 1),
            "at_risk": rng.randint(2 * c + 1, 3 * c), "churned": rng.randint(2 * c + 1, 3 * c),
            "champion_left": rng.randint(c // 2, c), "single_threaded": rng.randint(3, c),
            "unknown": rng.randint(3, c), "onboarding": rng.randint(1, 6),
        }[s]
        if s == "onboarding":
            self._onboarding_touchpoints()
            return
        if s == "churned":
            end = self.outcome_date
            last = end - dt.timedelta(days=last_done)
        else:
            last = self.days_ago(last_done)
        kinds = {Tier.enterprise: ("call", "meeting", "check_in", "call"),
                 Tier.mid_market: ("check_in", "call", "email"),
                 Tier.smb: ("tech_touch", "email", "check_in")}[self.tier]
        day = last
        dates = []
        while day >= history_start:
            dates.append(day)
            day -= dt.timedelta(days=max(3, round(c * rng.uniform(0.6, 1.0))))
        review = {Tier.enterprise: "qbr", Tier.mid_market: "ebr"}.get(self.tier)
        if s == "stuck_yellow":
            review = None  # no business review for a year: its EBR is late (§13 ebr_due)
        for i, day in enumerate(reversed(dates)):
            kind = rng.choice(kinds)
            if review and i % (4 if self.tier == Tier.enterprise else 6) == 1:
                kind = review
            flags = []
            if s in ("thriving", "expanded") and rng.random() < 0.25:
                flags.append(rng.choice(("adjacent_pain", "org_spread", "exec_engaged")))
            self._tp(day, kind, flags=flags)
        after = last
        if s in ("at_risk", "churned"):
            # Two most recent scheduled touchpoints missed (§2 engagement 0, §5 leading).
            end = self.outcome_date if s == "churned" else self.as_of
            m1 = after + dt.timedelta(days=max(1, (end - after).days // 2))
            m2 = end - dt.timedelta(days=rng.randint(1, 4))
            if m1 < m2:
                self._tp(m1, "call", "missed", summary="Check-in: no show")
                self._tp(m2, "check_in", "missed", summary="Rescheduled check-in: no show")
            flag = "complaint" if self.index % 2 == 0 else "data_export_request"
            self._tp(after, "escalation", flags=(flag,), summary="Escalation: outage follow-up")
            if s == "churned":
                self._tp(after - dt.timedelta(days=9), "call",
                         flags=("termination_inquiry",), summary="Asked about termination terms")
        if s in PAST_RENEWAL and s != "churned":
            self._tp(self.outcome_date - dt.timedelta(days=rng.randint(20, 60)), "renewal",
                     summary="Renewal kickoff")
            if s == "expanded":
                self._tp(self.outcome_date - dt.timedelta(days=rng.randint(61, 90)), "call",
                         flags=("early_renewal", "adjacent_pain"),
                         summary="Expansion discovery")
        days_to_renewal = (self.renewal - self.as_of).days
        if s not in PAST_RENEWAL and days_to_renewal <= 90 and self.index % 2 == 0:
            self._tp(self.days_ago(rng.randint(1, min(40, 90 - max(0, days_to_renewal)) or 1)),
                     "renewal", summary="Renewal terms discussion")
        if s in ("thriving", "steady", "expanded", "renewed"):
            nxt = self.as_of + dt.timedelta(days=rng.randint(2, c))
            self._tp(nxt, review or "check_in", "scheduled", summary="Planned: next review")
        if s == "slipping" and self.index % 2 == 0:
            self._tp(self.days_ago(rng.randint(2, 6)), "call", "missed",
                     summary="Missed weekly sync")

    def _onboarding_touchpoints(self) -> None:
        rng = self.rng
        plan = [(2, "meeting", "Technical kickoff"), (9, "training", "Admin training"),
                (16, "check_in", "Onboarding check-in"), (30, "meeting", "First-value review"),
                (44, "check_in", "Onboarding check-in"), (58, "training", "New-team training"),
                (72, "check_in", "Onboarding check-in"), (85, "ebr", "Outcome review with sponsor")]
        for offset, kind, summary in plan:
            day = self.start + dt.timedelta(days=offset + rng.randint(0, 2))
            if day <= self.as_of:
                self._tp(day, kind, summary=summary)
            elif day <= self.as_of + dt.timedelta(days=20):
                self._tp(day, kind, "scheduled", summary=summary)

    # --- tickets, NPS, goals -------------------------------------------------------------------

    def tickets(self) -> None:
        rng, s = self.rng, self.story
        if s == "unknown":
            return
        good = s in ("thriving", "expanded", "steady", "renewed", "onboarding")
        count = {"thriving": 3, "expanded": 3, "steady": 2, "renewed": 2}.get(s, 4)
        start = max(self.start, self.days_ago(182))
        end = self.outcome_date if s == "churned" else self.as_of
        span = (end - start).days
        if span <= 3:
            return
        opened = sorted(start + dt.timedelta(days=rng.randint(0, span - 1))
                        for _ in range(rng.randint(0, count)))
        if s in ("at_risk", "churned"):
            # A spike: 4-6 tickets in the last 30 days after a quiet 60 (§2 support, §5).
            opened = [end - dt.timedelta(days=rng.randint(70, 85))] + sorted(
                end - dt.timedelta(days=rng.randint(1, 28)) for _ in range(rng.randint(4, 6)))
        for i, day in enumerate(opened):
            severity = rng.choice(("low", "normal", "normal", "normal", "high"))
            closed = day + dt.timedelta(days=rng.randint(1, 9))
            csat = rng.choice((5, 5, 4) if good else (2, 3, 3, 4, 1))
            if closed > end:
                closed, csat = None, None
            if s == "at_risk" and i == len(opened) - 1:
                severity, closed, csat = "critical", None, None
            self.book.add("tickets", ticket_id=f"CS-{next(self.ticket_seq)}",
                          account_id=self.account_id, opened_on=day, closed_on=closed,
                          severity=severity, csat=csat)

    def nps(self) -> None:
        rng, s = self.rng, self.story
        if s in ("unknown", "onboarding") or not self.people:
            return
        low, high = {"thriving": (9, 10), "expanded": (9, 10), "steady": (7, 9),
                     "renewed": (7, 10), "slipping": (6, 8), "stuck_yellow": (5, 8),
                     "contracted": (4, 7), "at_risk": (1, 6), "churned": (0, 5),
                     "champion_left": (5, 8), "single_threaded": (7, 9)}[s]
        end = self.outcome_date if s == "churned" else self.as_of
        responders = [p for p in self.people if rng.random() < 0.6] or self.people[:1]
        for person, email, role in responders:
            dates = [end - dt.timedelta(days=rng.randint(10, 80))]
            if rng.random() < 0.35:  # some contacts answered twice
                dates.insert(0, end - dt.timedelta(days=rng.randint(120, 175)))
            for i, day in enumerate(dates):
                score = rng.randint(low, high)
                if i == 0 and len(dates) == 2:
                    score = min(10, score + rng.choice((0, 1, 2)))
                kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                self.book.add("nps", account_id=self.account_id, date=day, score=score,
                              contact=email, comment=rng.choice(NPS_COMMENTS[kind]) or None)

    def goals(self) -> None:
        rng, s = self.rng, self.story
        if s == "unknown":
            return
        statuses = {
            "thriving": ("achieved", "achieved", "on_track"), "expanded": ("achieved", "on_track"),
            "steady": ("on_track", "on_track", "not_started", "achieved"),
            "renewed": ("achieved", "on_track"), "slipping": ("on_track", "at_risk", "on_track"),
            "stuck_yellow": ("at_risk", "not_started", "on_track"),
            "contracted": ("missed", "at_risk"), "at_risk": ("at_risk", "missed", "at_risk"),
            "churned": ("missed", "at_risk"), "champion_left": ("on_track", "at_risk"),
            "single_threaded": ("on_track", "not_started"),
            "onboarding": ("not_started", "on_track", "not_started"),
        }[s]
        for (goal, roi), status in zip(rng.sample(GOALS, len(statuses)), statuses):
            target = self.as_of + dt.timedelta(days=rng.randint(-60, 150))
            if status == "achieved":
                target = self.as_of - dt.timedelta(days=rng.randint(10, 120))
            self.book.add("goals", account_id=self.account_id, goal=goal, target_date=target,
                          status=status, roi_note=roi if status == "achieved" else None)

    # --- onboarding (§7) and notes ------------------------------------------------------------

    def onboarding(self) -> None:
        if self.story != "onboarding":
            return
        rng = self.rng
        account = Account.model_construct(account_id=self.account_id, contract_start=self.start)
        age = (self.as_of - self.start).days
        overdue = age == ONBOARDING_AGES[0]  # the one that slipped: M2 due on day 30, not done
        for record in new_milestones(account, self.as_of, self.rules):
            due_day = (record.due - self.start).days
            finish = self.start + dt.timedelta(days=due_day - rng.randint(0, 4))
            if record.milestone == Milestone.M1 and overdue:
                finish = self.start + dt.timedelta(days=9)
            done = finish <= self.as_of and not (overdue and record.milestone != Milestone.M1)
            self.book.add("milestones", account_id=self.account_id,
                          milestone=record.milestone.value, due=record.due,
                          done_on=finish if done else None)
            items = CHECKLIST_KEYS[record.milestone]
            if done:
                ticked = items
            elif record.due - dt.timedelta(days=30) <= self.as_of:
                ticked = items[: rng.randint(0, len(items) - 1)]
            else:
                ticked = ()
            for item in ticked:
                when = min(self.as_of, finish - dt.timedelta(days=rng.randint(0, 3)))
                when = max(self.start, when)
                self.book.add("milestone_items", account_id=self.account_id,
                              milestone=record.milestone.value, item=item, done_on=when)

    def notes(self) -> None:
        rng = self.rng
        if rng.random() > 0.3 or self.story == "unknown":
            return
        for _ in range(rng.randint(1, 2)):
            at = dt.datetime.combine(self.days_ago(rng.randint(1, 60)),
                                     dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
            text = rng.choice(NOTES).format(q=(self.renewal.month - 1) // 3 + 1)
            self.book.add("notes", account_id=self.account_id, created_at=at, text=text)


# The checklist items a CSM ticks by hand, by milestone (§7); auto items come from usage.
CHECKLIST_KEYS: dict[Milestone, tuple[str, ...]] = {
    milestone: tuple(key for key, _text, auto in items if not auto)
    for milestone, items in CHECKLISTS.items()
}
