from csdesk.cli.app import run

run()
