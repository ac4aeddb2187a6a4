"""The bench's search step (docs/workflow.md, "Search": well under 100 ms at 10,000 accounts).

Times `csdesk.desk.search.search_book` in this process on the bench's book, for what a CSM
types: a word on thousands of rows, a rare word, a one- and a two-letter prefix (each key of
a word typed in the search screen), two words, a name, and FTS syntax. Each query runs
`repeat` times; its best is kept, and the slowest query's best is the step's figure.
"""

from __future__ import annotations

import time
from pathlib import Path

QUERIES = ("renewal", "sso timeouts", "budget review q1", "r", "re", "exec sponsor",
           "dana reyes", '"NEAR( -*', "integration")


def search_timings(book: Path, repeat: int = 3) -> dict:
    from csdesk.desk.search import search_book
    from csdesk.store.schema import open_book

    db = open_book(book, create=False)
    try:
        rows = db.execute("SELECT count(*) FROM search_index").fetchone()[0]
        per_query = {}
        for query in QUERIES:
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                hits = search_book(db, query)
                best = min(best, time.perf_counter() - start)
            per_query[query] = {"seconds": round(best, 4), "hits": len(hits)}
    finally:
        db.conn.close()
    slowest = max(per_query, key=lambda q: per_query[q]["seconds"])
    return {"seconds": per_query[slowest]["seconds"], "slowest_query": slowest,
            "index_rows": rows, "queries": per_query}
