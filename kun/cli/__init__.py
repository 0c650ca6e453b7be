"""The `kun` command line: every library step on plain files.

Each pipeline step's command has its own module (kun.cli.label, score, filter, polish, assemble,
perplexity), which its DVC stage runs too (stages/<step>.py with the paths dvc.yaml gives), so
the two cannot drift; the other commands live beside their phase (kun.cli.corpus,
kun.cli.instructions, kun.cli.models). All register on the one group in kun.cli.app;
kun.cli.commands imports every one (the `kun` entry point).
"""
