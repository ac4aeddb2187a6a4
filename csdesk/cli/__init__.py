"""The command line: `app` parses and dispatches, `commands/` holds one module per area of
commands, `output` prints the text forms. docs/cli.md is the contract."""

from csdesk.cli.app import Context, UserError, build_parser, main, run

__all__ = ["Context", "UserError", "build_parser", "main", "run"]
