"""Writing the book out: `json_book` (the whole book, which `import` restores) and
`csv_tables` (one CSV file per import table)."""
