"""Phase 3, the instructions: seed pairs, back-translation, scoring, filtering, polishment, assembly, iteration, export."""
