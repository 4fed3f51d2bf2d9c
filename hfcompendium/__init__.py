"""hfcompendium: data access, statistics and build tools behind the book.

Chapters import from here instead of defining helpers of their own:

    from hfcompendium import data, claims, charts

`data.load(source_id)` returns a tidy DataFrame for a registered source,
`claims.record(claim_id, value)` puts a computed number beside the paper's.
"""

__version__ = "0.1.0"
