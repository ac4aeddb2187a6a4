"""Records typed by hand (the workbench's forms, `csdesk` edit commands), checked as the import
checks a row of its file: each field read as the import reads that column, then the model's
own rules. Problems come back per field, in words for the line beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from csdesk.core.models import Account, AccountStatus
from csdesk.core.parse import ParseError, parse_date, parse_money

ACCOUNT_FIELDS = ("account_id", "name", "arr", "seats_licensed", "contract_start",
                  "renewal_date", "term_months", "owner", "industry", "status")


class FormProblems(ValueError):
    """What is wrong, field by field ({field: why})."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def _integer(text: str) -> int:
    t = text.strip().replace(",", "")
    if t.endswith(".0"):
        t = t[:-2]
    if not t.lstrip("-").isdigit():
        raise ParseError(f"not a whole number: {text!r}")
    return int(t)


def account_from_fields(fields: Mapping[str, str | None]) -> Account:
    """An account from typed text ({field: text}; "" or None: not given). Raises FormProblems
    naming every field that the import would refuse."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    readers = {"arr": parse_money, "contract_start": parse_date, "renewal_date": parse_date,
               "seats_licensed": _integer, "term_months": _integer}
    for name in ACCOUNT_FIELDS:
        raw = fields.get(name)
        text = "" if raw is None else str(raw)
        if not text.strip():
            continue
        if name in readers:
            try:
                values[name] = readers[name](text)
            except ParseError as exc:
                problems[name] = str(exc)
        elif name == "status":
            try:
                values[name] = AccountStatus(text.strip().lower())
            except ValueError:
                problems[name] = f"not a status: {text.strip()!r} (active or churned)"
        else:
            values[name] = text.strip()
    for name in ("account_id", "name", "arr", "contract_start", "renewal_date"):
        if name not in values and name not in problems:
            problems[name] = "required"
    if not problems:
        try:
            return Account(**values)
        except ValidationError as exc:
            for err in exc.errors():
                name = (str(err["loc"][0]) if err["loc"] else
                        "renewal_date" if err["type"] == "date_order" else "account")
                problems.setdefault(name, err["msg"])
    raise FormProblems(problems)
