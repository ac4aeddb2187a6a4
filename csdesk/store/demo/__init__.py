"""The demo book: `generate` builds its tables (deterministic from a seed), `write` stores them
and backfills the score history."""
