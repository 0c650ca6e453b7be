"""Phase 5, evaluation: benchmark readers, multiple choice, the pairwise judge, decontamination, the run, the report."""
