"""csdesk: a keyboard-driven terminal workbench for a Customer Success Manager."""

__version__ = "0.1.0"
