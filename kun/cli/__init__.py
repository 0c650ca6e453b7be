"""The `kun` command line: every library step on plain files.

Each pipeline step's command has its own module (kun.cli.dedup, perplexity, label, score,
filter, polish, assemble, train, evaluate; ingest and base-model in kun.cli.corpus), and its DVC
stage runs that same command (stages/<step>.py, with the paths dvc.yaml gives), so the two cannot
drift. filter-pairs and export live in kun.cli.instructions; cache, check-params and report have their
own modules. All register on the one group in kun.cli.app; kun.cli.commands imports every one (the
`kun` entry point).
"""
