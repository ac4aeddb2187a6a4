"""The `csdesk` program (the script, and `python -m csdesk`): a command runs through the
command line (csdesk.cli); no command opens the workbench (csdesk.tui), imported only then.
The one module that knows both front ends, so that neither imports the other."""

from csdesk.cli.app import run as run_command_line


def open_workbench(ctx) -> int:
    from csdesk.tui.app import run_workbench

    return run_workbench(ctx)


def run() -> None:
    run_command_line(open_workbench)


if __name__ == "__main__":
    run()
