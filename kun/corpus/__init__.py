"""Phase 1, the corpus: fetch, ingest (normalise, segment, raw-text rules, token gate), perplexity gate."""
