"""The Account screen's parts, one module per tab (overview, stakeholders, onboarding,
success_plan, timeline), plus the header over them (header) and what every tab shares (tab).

Each tab is a `TabPane` that composes its own widgets, renders an `AccountDetail` (`show`),
owns its table's columns, and declares its keys (`KEYS`) with their actions; the Account screen
(csdesk/tui/screens/account.py) only composes the tabs and sends a key to the tab shown."""
