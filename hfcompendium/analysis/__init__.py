"""Statistics behind the chapters: one module per analysis, each tested on small hand-made data."""
