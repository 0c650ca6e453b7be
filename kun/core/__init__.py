"""The shared core: errors, files, params, schemas, metrics, progress, engines, models, hashing."""
