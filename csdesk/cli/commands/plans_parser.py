"""The parser of the plans and corrections commands (`csdesk.cli.commands.plans` runs them):
kept here so `csdesk.cli.app` only registers them."""

from __future__ import annotations

RECORD_KINDS = ("touchpoint", "note", "renewal", "goal", "stakeholder", "task", "action")


def add_plan_commands(command, lazy, common) -> None:
    p = command("plan", lazy("plans.cmd_plan"),
                "the account's save plan as Markdown (or --json); plan set|action|done|undone "
                "edit it")
    p.add_argument("words", nargs="+", metavar="ACCOUNT | set ACCOUNT | action ACCOUNT TEXT | "
                   "done ACTION_ID | undone ACTION_ID")
    p.add_argument("--json", action="store_true", help="JSON output (plan ACCOUNT)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the Markdown here")
    p.add_argument("--root-cause", metavar="T")
    p.add_argument("--alignment", metavar="T", help="executive alignment (who, when)")
    p.add_argument("--checkpoint", metavar="D", help="the go/no-go checkpoint date")
    p.add_argument("--criteria-30", metavar="T", help="success criteria at 30 days")
    p.add_argument("--criteria-60", metavar="T", help="success criteria at 60 days")
    p.add_argument("--criteria-90", metavar="T", help="success criteria at 90 days")
    p.add_argument("--status", metavar="S", help="open, won or lost (plan set)")
    p.add_argument("--owner", metavar="O", help="who does the action (plan action)")
    p.add_argument("--due", metavar="D", help="by when (plan action)")
    p.add_argument("--on", metavar="D", help="the day it was done (plan done; default today)")

    p = command("goal", lazy("plans.cmd_goal"), "the success plan's goals: add, set, list, delete")
    sub = p.add_subparsers(dest="goal_command", metavar="add|set|list|delete", required=True)
    g = sub.add_parser("add", parents=[common()], help="add a goal; prints its id")
    g.add_argument("account", metavar="ACCOUNT")
    g.add_argument("text", metavar="TEXT")
    for q in (g, sg := sub.add_parser("set", parents=[common()], help="change a goal")):
        q.add_argument("--target", metavar="D", help="target date")
        q.add_argument("--status", metavar="S",
                       help="not_started, on_track, at_risk, achieved (needs --roi), missed")
        q.add_argument("--roi", metavar="T", help="the ROI note (what it was worth)")
    sg.add_argument("goal_id", metavar="GOAL_ID")
    sg.add_argument("--text", metavar="T")
    g = sub.add_parser("list", parents=[common()], help="the account's goals with their ids")
    g.add_argument("account", metavar="ACCOUNT")
    g.add_argument("--json", action="store_true", help="JSON output")
    g = sub.add_parser("delete", parents=[common()], help="delete a goal")
    g.add_argument("goal_id", metavar="GOAL_ID")

    p = command("records", lazy("plans.cmd_records"),
                "every record of an account that can be corrected, with its kind and id")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--kind", choices=RECORD_KINDS, help="only this kind")
    p.add_argument("--json", action="store_true", help="JSON output")

    p = command("edit", lazy("plans.cmd_edit"),
                "correct a record: edit KIND ID --field VALUE… (KIND: "
                + ", ".join(RECORD_KINDS) + ", or account ACCOUNT)")
    p.add_argument("kind_of_record", choices=(*RECORD_KINDS, "account"), metavar="KIND")
    p.add_argument("record", metavar="ID", help="the record's id (csdesk records ACCOUNT)")
    for name, helptext in (
            ("date", "touchpoint"), ("kind", "touchpoint"), ("status", "touchpoint, goal, "
             "stakeholder, account"), ("summary", "touchpoint"),
            ("contacts", "touchpoint: the people met, ';'-separated emails"),
            ("text", "note, goal, task, action"), ("reason", "renewal"),
            ("preventable", "renewal: yes or no"), ("competitor", "renewal"),
            ("target", "goal"), ("roi", "goal"), ("name", "stakeholder, account"),
            ("title", "stakeholder"), ("email", "stakeholder"), ("role", "stakeholder"),
            ("sentiment", "stakeholder"), ("influence", "stakeholder: high, medium, low"),
            ("reports-to", "stakeholder: a contact's email or id"),
            ("departed-on", "stakeholder"), ("due", "task, action"), ("owner", "action, account"),
            ("arr", "account"), ("seats", "account"), ("start", "account: contract start"),
            ("renewal", "account: renewal date"), ("term", "account: months"),
            ("industry", "account")):
        p.add_argument(f"--{name}", metavar="V", help=helptext)
    p.add_argument("--flag", action="append", default=[], metavar="F",
                   help="touchpoint: its flags (repeatable; replaces them)")

    p = command("delete", lazy("plans.cmd_delete"),
                "delete a record: delete KIND ID (a renewal outcome moves its account back)")
    p.add_argument("kind_of_record", choices=RECORD_KINDS, metavar="KIND")
    p.add_argument("record", metavar="ID")

    p = command("add-account", lazy("plans.cmd_add_account"),
                "add an account, checked as an import row, assessed at once")
    p.add_argument("account_id", metavar="ID")
    p.add_argument("--name", required=True, metavar="N")
    p.add_argument("--arr", required=True, metavar="A")
    p.add_argument("--start", required=True, metavar="D", help="contract start")
    p.add_argument("--renewal", required=True, metavar="D", help="renewal date")
    p.add_argument("--seats", metavar="N")
    p.add_argument("--term", metavar="M", help="term in months (default 12)")
    p.add_argument("--owner", metavar="O")
    p.add_argument("--industry", metavar="I")
