"""Phase 4, training: params, training pairs, examples, the model, checkpoints and the loop."""
