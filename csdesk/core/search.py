"""Search as the CSM types it (docs/workflow.md, "Search"): what they typed is words, never syntax.

FTS5 has a query language (`"`, `*`, `-`, `^`, `:`, parentheses, `AND`/`OR`/`NOT`/`NEAR`);
someone searching for `SSO - "renewal` or `NOT happy` means those words, so `fts_query` turns
any text into a query FTS5 accepts: each space-separated piece becomes a quoted phrase of its
words (so `dana@acme.com` finds that address, not three words anywhere), all pieces must
match, and the last piece may also be the start of a word (the CSM is still typing it).

A snippet comes back from the store with each match between MARK_START and MARK_END (control
characters no book text is shown with: `printable` escapes them); `marked_parts` splits it for
display, so book text is never read as markup.
"""

from __future__ import annotations

import re

MARK_START = "\x02"
MARK_END = "\x03"
MAX_WORDS = 16  # a pasted paragraph searches by its first words, not by hundreds of terms
# The last word is also read as the start of longer words from this many letters on: "r" or
# "re" would be the start of most words in the book (a fifth of a second of ranking at 10,000
# accounts, for hits no one can use), while "ren" already narrows to renewals.
MIN_PREFIX = 3

# FTS5's unicode61 tokenizer keeps letters, digits and private-use characters together and
# splits on everything else (punctuation, symbols, spaces, `_`).
_WORD = re.compile(r"[^\W_]+")


def query_words(text: str) -> list[list[str]]:
    """The space-separated pieces of `text`, each as its words (pieces without any dropped)."""
    pieces = []
    for piece in text.split():
        words = _WORD.findall(piece)
        if words:
            pieces.append(words)
    out, count = [], 0
    for words in pieces:
        if count + len(words) > MAX_WORDS:
            break
        out.append(words)
        count += len(words)
    return out


def _phrase(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'  # words hold no `"`: _WORD keeps letters and digits


def fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """An FTS5 MATCH expression for the words of `text`, or None when it has none.

    `"acme" "sso"` asks for rows holding both; with `prefix_last` the last piece is
    `("sso" OR "sso"*)`: the word itself (stemmed like the index) or any word starting so,
    once its last word has MIN_PREFIX letters.
    """
    pieces = query_words(text)
    if not pieces:
        return None
    terms = [_phrase(words) for words in pieces]
    if prefix_last and len(pieces[-1][-1]) >= MIN_PREFIX:
        last = terms[-1]
        terms[-1] = f"({last} OR {last}*)"
    return " AND ".join(terms)


def marked_parts(snippet: str) -> list[tuple[str, bool]]:
    """`snippet` as (text, is_match) parts, in order, the marks removed (empty parts left out).
    A mark without its pair (a snippet cut inside a match) marks to the end."""
    parts: list[tuple[str, bool]] = []
    marked = False
    buf = ""
    for char in snippet:
        if char in (MARK_START, MARK_END):
            if buf:
                parts.append((buf, marked))
            buf = ""
            marked = char == MARK_START
        else:
            buf += char
    if buf:
        parts.append((buf, marked))
    return parts


def plain(snippet: str) -> str:
    """The snippet's text without marks."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def mark_spans(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet's text and the [start, end) character spans of its matches."""
    text, spans, at = "", [], 0
    for part, is_match in marked_parts(snippet):
        if is_match:
            spans.append((at, at + len(part)))
        text += part
        at += len(part)
    return text, spans
