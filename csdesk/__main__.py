from csdesk.cli import run

run()
