"""`python -m csdesk.bench`: timings at scale, apart from the product (nothing imports it)."""
