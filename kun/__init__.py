"""kun: instruction back-translation and answer polishment for Chinese self-alignment.

The library behind the DVC pipeline: every module works on plain files and polars frames,
with no DVC inside. The folders are the pipeline (docs/architecture.md); README.md describes
the stages and their params. The version is the package metadata's (`kun --version`).
"""
