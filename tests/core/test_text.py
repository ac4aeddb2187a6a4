import pytest

from csdesk.core.text import printable


@pytest.mark.parametrize("raw, shown", [
    ("Acme Corp", "Acme Corp"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("bell\x07", "bell\\x07"),
    ("\x9b2J", "\\x9b2J"),
    ("abc\u202edcba", "abc\\u202edcba"),
    ("[bold]x[/bold]", "[bold]x[/bold]"),  # markup is left alone here: renderers show it literally
    ("שלום עולם 🎉", "שלום עולם 🎉"),
    ("line1\nline2", "line1\nline2"),
    (None, ""),
])
def test_printable(raw, shown):
    assert printable(raw) == shown


def test_single_line():
    assert printable("a\nb\tc", single_line=True) == "a b c"
