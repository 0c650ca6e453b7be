"""kun: instruction back-translation and answer polishment for Chinese self-alignment.

The library behind the DVC pipeline: every module works on plain files and polars frames,
with no DVC inside. See README.md for the stages and their params.
"""

__version__ = "0.1.0"
