"""The plans and corrections (docs/workflow.md): `plan`, `goal`, `records`, `edit`, `delete`,
`add-account`. Each write is one transaction; refused input exits 2 naming the option."""

from __future__ import annotations

import datetime as dt
import sys

from pydantic import ValidationError

from csdesk.cli.app import Context, UserError
from csdesk.cli.commands import print_json, write_output
from csdesk.core.text import printable

PLAN_SUBCOMMANDS = ("set", "action", "done", "undone")

# `plan set` options and the plan's fields they write.
_PLAN_SET = {"root_cause": "root_cause", "alignment": "executive_alignment",
             "criteria_30": "success_criteria_30", "criteria_60": "success_criteria_60",
             "criteria_90": "success_criteria_90"}


def _opt(name: str) -> str:
    return "--" + name.replace("_", "-")


def _given(args, names) -> list[str]:
    return [n for n in names if getattr(args, n, None) not in (None, [], False)]


def _refuse_others(args, allowed: set[str], what: str) -> None:
    every = ("json", "output", "root_cause", "alignment", "checkpoint", "criteria_30",
             "criteria_60", "criteria_90", "status", "owner", "due", "on")
    extra = [n for n in _given(args, every) if n not in allowed]
    if extra:
        raise UserError(f"{what} takes no {', '.join(_opt(n) for n in extra)}")


def _day(text: str | None, option: str) -> dt.date | None:
    from csdesk.core.plans import PlanInputError, parse_day

    try:
        return parse_day(text, option)
    except PlanInputError as exc:
        raise UserError(str(exc)) from None


def _id(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"{what}: not an id: {printable(text, single_line=True)!r}") from None
    if value < 1:
        raise UserError(f"{what}: not an id: {value}")
    return value


def cmd_plan(ctx: Context) -> int:
    args = ctx.args
    words = args.words
    if words[0] in PLAN_SUBCOMMANDS:
        return _plan_edit(ctx, words[0], words[1:])
    if len(words) != 1:
        raise UserError("usage: csdesk plan ACCOUNT [--json] [-o FILE], or "
                        "plan set|action|done|undone …")
    _refuse_others(args, {"json", "output"}, "csdesk plan ACCOUNT")
    from csdesk.core.plans import plan_as_json, render_plan
    from csdesk.desk.editing import plan_for

    desk = ctx.desk(create=False)
    account = desk.resolve(words[0])
    desk.assess_account(account.account_id)  # the day's plan of a new critical alert
    plan = plan_for(desk, account.account_id)
    if args.json:
        print_json({"account_id": account.account_id, "name": account.name,
                    "plan": None if plan is None else plan_as_json(plan, desk.as_of)})
        return 0
    if plan is None:
        raise UserError(f"{printable(account.name, single_line=True)} has no save plan "
                        "(one is created with a critical alert; `csdesk plan set` writes one)")
    text = render_plan(plan, account.name, desk.as_of)
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = write_output(ctx, args.output, text, "-o")
    print(f"Wrote {printable(str(path), single_line=True)}")
    return 0


def _plan_edit(ctx: Context, sub: str, rest: list[str]) -> int:
    from csdesk.core.plans import PlanInputError, check_action, check_status
    from csdesk.desk.editing import plan_to_edit
    from csdesk.store import editing

    args = ctx.args
    desk = ctx.desk(create=False)
    if sub in ("done", "undone"):
        if len(rest) != 1:
            raise UserError(f"usage: csdesk plan {sub} ACTION_ID"
                            + (" [--on D]" if sub == "done" else ""))
        _refuse_others(args, {"on"} if sub == "done" else set(), f"csdesk plan {sub}")
        action_id = _id(rest[0], "ACTION_ID")
        on = (_day(args.on, "--on") or desk.as_of) if sub == "done" else None
        try:
            plan = editing.plan_of_action(desk.db, action_id)
            editing.action_done(desk.db, action_id, on)
        except editing.NoSuchRecord as exc:
            raise UserError(str(exc)) from None
        desk.assess_account(plan.account_id)
        print(f"Remediation action {action_id} " + (f"done on {on}." if on else "reopened."))
        return 0
    if len(rest) != (1 if sub == "set" else 2):
        raise UserError("usage: csdesk plan set ACCOUNT [--root-cause T] [--alignment T] "
                        "[--checkpoint D] [--criteria-30 T] [--criteria-60 T] [--criteria-90 T] "
                        "[--status S]" if sub == "set" else
                        "usage: csdesk plan action ACCOUNT TEXT --owner O --due D")
    account = desk.resolve(rest[0])
    try:
        if sub == "set":
            _refuse_others(args, {*_PLAN_SET, "checkpoint", "status"}, "csdesk plan set")
            values = {_PLAN_SET[n]: getattr(args, n).strip() for n in _given(args, _PLAN_SET)}
            if args.checkpoint is not None:
                values["checkpoint_date"] = _day(args.checkpoint, "--checkpoint")
            if args.status is not None:
                values["status"] = check_status(args.status)
            if not values:
                raise UserError("csdesk plan set: give at least one field to set")
            plan, _ = plan_to_edit(desk, account.account_id)
            editing.set_plan(desk.db, plan.id, values)
            print(f"Save plan {plan.id} of {printable(account.name, single_line=True)}: set "
                  + ", ".join(k.replace("_", " ") for k in values) + ".")
        else:
            _refuse_others(args, {"owner", "due"}, "csdesk plan action")
            if not (args.owner or "").strip():
                raise UserError("--owner: who does it (required)")
            if not args.due:
                raise UserError("--due: by when (required)")
            action = check_action(rest[1], args.owner, _day(args.due, "--due"))
            plan, _ = plan_to_edit(desk, account.account_id)
            change = editing.add_action(desk.db, plan.id, action)
            print(change.new_id)
    except PlanInputError as exc:
        raise UserError(f"{_opt(exc.field) if exc.field != 'text' else 'TEXT'}: "
                        f"{exc.message}") from None
    desk.assess_account(account.account_id)
    return 0


# --- goals ------------------------------------------------------------------------------------


def _goal_json(goal_id: int, g) -> dict:
    return {"id": goal_id, "account_id": g.account_id, "goal": g.goal,
            "target_date": g.target_date, "status": str(g.status), "roi_note": g.roi_note}


def _checked_goal(account_id: str, text: str, target, status, roi):
    from csdesk.core.plans import PlanInputError, check_goal

    try:
        return check_goal(account_id, text, target, status, roi)
    except PlanInputError as exc:
        raise UserError(f"{'TEXT' if exc.field == 'text' else _opt(exc.field)}: "
                        f"{exc.message}") from None


def cmd_goal(ctx: Context) -> int:
    from csdesk.store import editing

    args = ctx.args
    desk = ctx.desk(create=False)
    if args.goal_command == "list":
        account = desk.resolve(args.account)
        goals = editing.goals_of(desk.db, account.account_id)
        if args.json:
            print_json([_goal_json(i, g) for i, g in goals])
            return 0
        for i, g in goals:
            target = g.target_date.isoformat() if g.target_date else "no target"
            roi = f"  ROI: {printable(g.roi_note, single_line=True)}" if g.roi_note else ""
            print(f"{i:>5}  {str(g.status):<11}  {target:<10}  "
                  f"{printable(g.goal, single_line=True)}{roi}")
        if not goals:
            print("No goals yet (csdesk goal add ACCOUNT TEXT --target D).")
        return 0
    try:
        if args.goal_command == "add":
            account = desk.resolve(args.account)
            goal = _checked_goal(account.account_id, args.text, _day(args.target, "--target"),
                                 args.status or "not_started", args.roi)
            change = editing.add_goal(desk.db, goal)
            desk.assess_account(account.account_id)
            print(change.new_id)
            return 0
        goal_id = _id(args.goal_id, "GOAL_ID")
        if args.goal_command == "delete":
            change = editing.delete_record(desk.db, "goal", goal_id)
            print(f"Deleted goal {goal_id}.")
            desk.assess_account(change.rows[0][3]["account_id"])
            return 0
        old = editing.goal_by_id(desk.db, goal_id)
        if not _given(args, ("text", "target", "status", "roi")):
            raise UserError("csdesk goal set: give at least one of --text, --target, --status, "
                            "--roi")
        target = old.target_date if args.target is None else _day(args.target, "--target")
        goal = _checked_goal(old.account_id, old.goal if args.text is None else args.text,
                             target, old.status if args.status is None else args.status,
                             old.roi_note if args.roi is None else args.roi)
        editing.set_goal(desk.db, goal_id, goal)
        desk.assess_account(old.account_id)
        print(f"Goal {goal_id} saved.")
        return 0
    except (editing.NoSuchRecord, editing.DuplicateGoal) as exc:
        raise UserError(str(exc)) from None


# --- every record: list, edit, delete ---------------------------------------------------------


def cmd_records(ctx: Context) -> int:
    from csdesk.store import editing

    args = ctx.args
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    rows = editing.records(desk.db, account.account_id)
    if args.kind:
        rows = [r for r in rows if r["kind"] == args.kind]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['kind']:<11} {r['id']:>6}  {r['date'] or '':<10}  "
              f"{printable(r['text'], single_line=True)}")
    if not rows:
        print("No records.")
    return 0


# Which `edit` options each kind takes, and the stored column each writes.
EDIT_OPTIONS: dict[str, dict[str, str]] = {
    "touchpoint": {"date": "date", "kind": "kind", "status": "status", "summary": "summary",
                   "flag": "flags", "contacts": "contacts"},
    "note": {"text": "text"},
    "renewal": {"reason": "reason", "preventable": "preventable", "competitor": "competitor"},
    "goal": {"text": "goal", "target": "target_date", "status": "status", "roi": "roi_note"},
    "stakeholder": {"name": "name", "title": "title", "email": "email", "role": "role",
                    "status": "status", "sentiment": "sentiment", "influence": "influence",
                    "reports_to": "reports_to", "departed_on": "departed_on"},
    "task": {"text": "text", "due": "due"},
    "action": {"text": "text", "owner": "owner", "due": "due"},
    "account": {"name": "name", "arr": "arr", "seats": "seats_licensed",
                "start": "contract_start", "renewal": "renewal_date", "term": "term_months",
                "owner": "owner", "industry": "industry", "status": "status"},
}
ALL_EDIT_OPTIONS = sorted({o for opts in EDIT_OPTIONS.values() for o in opts})


def cmd_edit(ctx: Context) -> int:
    args = ctx.args
    kind = args.kind_of_record
    allowed = EDIT_OPTIONS[kind]
    given = _given(args, ALL_EDIT_OPTIONS)
    extra = [n for n in given if n not in allowed]
    if extra:
        raise UserError(f"csdesk edit {kind} takes no {', '.join(_opt(n) for n in extra)} "
                        f"(it takes {', '.join(_opt(n) for n in allowed)})")
    if not given:
        raise UserError(f"csdesk edit {kind}: give at least one of "
                        f"{', '.join(_opt(n) for n in allowed)}")
    desk = ctx.desk(create=False)
    if kind == "account":
        return _edit_account(ctx, desk, args, given)
    from csdesk.store import editing

    record_id = _id(args.record, "ID")
    try:
        if kind == "goal":
            old = editing.goal_by_id(desk.db, record_id)
            goal = _checked_goal(
                old.account_id, old.goal if args.text is None else args.text,
                old.target_date if args.target is None else _day(args.target, "--target"),
                old.status if args.status is None else args.status,
                old.roi_note if args.roi is None else args.roi)
            editing.set_goal(desk.db, record_id, goal)
            account_id = old.account_id
        else:
            values, account_id = _checked_values(desk, kind, record_id, args, given)
            editing.update_record(desk.db, kind, record_id, values)
    except (editing.NoSuchRecord, editing.DuplicateGoal) as exc:
        raise UserError(str(exc)) from None
    except Exception as exc:
        import sqlite3

        if isinstance(exc, sqlite3.IntegrityError):
            raise UserError(f"{kind} {record_id}: another record has the same key "
                            f"({exc})") from None
        raise
    desk.assess_account(account_id)
    print(f"Saved {kind} {record_id}.")
    return 0


def _checked_values(desk, kind: str, record_id: int, args, given: list[str]
                    ) -> tuple[dict, str]:
    """The stored columns to set, each value checked by the record's model (as the import
    checks a row): the stored row with the changes, validated whole."""
    from csdesk.core import models as m
    from csdesk.store import editing

    table = editing.RECORDS[kind]
    cur = desk.db.execute(f"SELECT * FROM {table} WHERE id = ?", [record_id])
    row = cur.fetchone()
    if row is None:
        raise UserError(f"no {kind} with id {record_id}")
    stored = dict(zip([c[0] for c in cur.description], row))
    changes: dict[str, object] = {}
    for name in given:
        value = getattr(args, name)
        column = EDIT_OPTIONS[kind][name]
        if column in ("date", "due", "departed_on", "target_date"):
            value = _day(value, _opt(name))
        elif column == "flags":
            value = tuple(value)
        elif column == "contacts":
            value = tuple(p.strip() for p in value.split(";") if p.strip())
        elif column == "preventable":
            v = value.strip().casefold()
            if v not in ("yes", "no", "true", "false", "1", "0"):
                raise UserError(f"--preventable: yes or no, not {value!r}")
            value = v in ("yes", "true", "1")
        elif isinstance(value, str):
            value = value.strip() or None
        changes[column] = value
    if kind == "action":
        account_id = editing.plan_of_action(desk.db, record_id).account_id
        if "text" in changes and not changes["text"]:
            raise UserError("--text: the action is empty")
        out = {c: (v.isoformat() if isinstance(v, dt.date) else (v or ""))
               if c != "due" else (v.isoformat() if v else None) for c, v in changes.items()}
        return out, account_id
    account_id = stored["account_id"]
    model = {"touchpoint": m.Touchpoint, "note": m.Note, "renewal": m.Renewal,
             "stakeholder": m.Contact, "task": None}[kind]
    if model is not None:
        fields = {k: v for k, v in stored.items() if k in model.model_fields}
        if "flags" in fields and isinstance(fields["flags"], str):
            fields["flags"] = tuple(f for f in fields["flags"].split(";") if f)
        if "contacts" in fields and isinstance(fields["contacts"], str):
            fields["contacts"] = tuple(f for f in fields["contacts"].split(";") if f)
        if "preventable" in fields and fields["preventable"] is not None:
            fields["preventable"] = bool(fields["preventable"])
        try:
            checked = model(**{k: v for k, v in fields.items() if v is not None} | changes)
        except ValidationError as exc:
            reverse = {c: o for o, c in EDIT_OPTIONS[kind].items()}
            raise UserError("; ".join(
                f"{_opt(reverse.get(str(e['loc'][0]), str(e['loc'][0])))}: {e['msg']}"
                if e["loc"] else e["msg"] for e in exc.errors())) from None
        if kind == "touchpoint" and checked.status == "completed" and checked.date > desk.as_of:
            raise UserError(f"--date: a completed touchpoint cannot be dated after today "
                            f"({desk.as_of}); make it scheduled, or give a past date")
    elif "text" in changes and not changes["text"]:
        raise UserError("--text: the task is empty")
    out = {}
    for c, v in changes.items():
        if isinstance(v, tuple):
            v = ";".join(str(x) for x in v)
        elif isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, bool):
            v = int(v)
        out[c] = v
    return out, account_id


def _edit_account(ctx: Context, desk, args, given: list[str]) -> int:
    from csdesk.core.editing import FormProblems, account_from_fields
    from csdesk.desk.editing import edit_account

    account = desk.resolve(args.record)
    fields = {k: "" if (v := getattr(account, k)) is None else str(v)
              for k in type(account).model_fields}
    for name in given:
        fields[EDIT_OPTIONS["account"][name]] = getattr(args, name)
    try:
        updated = account_from_fields(fields)
    except FormProblems as exc:
        reverse = {c: o for o, c in EDIT_OPTIONS["account"].items()}
        raise UserError("; ".join(f"{_opt(reverse.get(k, k))}: {v}"
                                  for k, v in exc.problems.items())) from None
    edit_account(desk, updated)
    print(f"Saved account {printable(updated.account_id, single_line=True)} "
          f"({printable(updated.name, single_line=True)}).")
    return 0


def cmd_delete(ctx: Context) -> int:
    from csdesk.store import editing

    args = ctx.args
    desk = ctx.desk(create=False)
    record_id = _id(args.record, "ID")
    try:
        account_id = (editing.plan_of_action(desk.db, record_id).account_id
                      if args.kind_of_record == "action" else None)
        change = editing.delete_record(desk.db, args.kind_of_record, record_id)
    except editing.NoSuchRecord as exc:
        raise UserError(str(exc)) from None
    desk.assess_account(account_id or change.rows[0][3]["account_id"])
    print(f"Deleted {args.kind_of_record} {record_id}.")
    return 0


def cmd_add_account(ctx: Context) -> int:
    from csdesk.core.editing import FormProblems, account_from_fields
    from csdesk.desk.editing import add_account
    from csdesk.store.editing import AccountExists

    args = ctx.args
    desk = ctx.desk()
    fields = {"account_id": args.account_id, "name": args.name, "arr": args.arr,
              "contract_start": args.start, "renewal_date": args.renewal,
              "seats_licensed": args.seats, "term_months": args.term, "owner": args.owner,
              "industry": args.industry}
    names = {"account_id": "ID", "name": "--name", "arr": "--arr", "contract_start": "--start",
             "renewal_date": "--renewal", "seats_licensed": "--seats",
             "term_months": "--term", "owner": "--owner", "industry": "--industry"}
    try:
        account = account_from_fields(fields)
        add_account(desk, account)
    except FormProblems as exc:
        raise UserError("; ".join(f"{names.get(k, k)}: {v}"
                                  for k, v in exc.problems.items())) from None
    except AccountExists as exc:
        raise UserError(str(exc)) from None
    print(f"Added {printable(account.name, single_line=True)} "
          f"({printable(account.account_id, single_line=True)}).")
    return 0
