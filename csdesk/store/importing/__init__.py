"""Import CSV files, folders of them and JSON books into the book (docs/import.md).

The rules, in the order this module applies them:

1. Read every source: a CSV file is named by its table (`accounts.csv`, `hubspot-contacts.csv`),
   a folder holds such files, a JSON book holds tables as lists of objects. UTF-8, a BOM is fine;
   Salesforce report footers are skipped.
2. Map each header to our column (`csdesk.core.parse` aliases), read dates and money with the one
   parser, and validate every row through the core pydantic model. A row naming an account that
   is neither in the book nor in this import is refused.
3. Every refused row is reported as `file:line: column: reason` - all of them - and nothing is
   written (`ImportRefused`).
4. Otherwise rows are matched to the book on their natural keys (`Table.key`): new rows are
   inserted, changed rows updated (only the columns the file has), equal rows left alone, so
   importing the same files twice changes nothing. Two rows with one key in one import: the later
   wins, and the report says so.
5. One transaction writes everything (`executemany`, no per-row reads); new accounts get their
   onboarding milestones (§7).

Where each part lives:

- `tables`: the book's tables, their columns, natural keys and what each column holds.
- `sources`: `Source` (one table's rows from one file), `Problem`, `ImportRefused`.
- `files`: which reader reads a path; `csv_files` and `json_book`: the readers.
- `rows`: cells into validated model rows (`Reader`).
- `plan`: matching rows to the book (`plan_import`), writing them (`write_plan`), the report.
"""

from __future__ import annotations

from csdesk.store.importing.csv_files import read_csv
from csdesk.store.importing.files import read_sources
from csdesk.store.importing.json_book import read_json_book
from csdesk.store.importing.plan import (
    ImportPlan,
    TableChange,
    format_report,
    import_paths,
    plan_import,
    write_plan,
    write_rows,
)
from csdesk.store.importing.sources import (
    ImportRefused,
    Problem,
    Source,
    rows_source,
    table_for_file,
)
from csdesk.store.importing.tables import (
    IMPORT_TABLES,
    KINDS,
    MONEY_COLUMNS,
    TABLES,
    Table,
    db_value,
)
from csdesk.store.queries import gc_paused

__all__ = [
    "IMPORT_TABLES", "KINDS", "MONEY_COLUMNS", "TABLES", "ImportPlan", "ImportRefused",
    "Problem", "Source", "Table", "TableChange", "db_value", "format_report", "gc_paused",
    "import_paths", "plan_import", "read_csv", "read_json_book", "read_sources", "rows_source",
    "table_for_file", "write_plan", "write_rows",
]
