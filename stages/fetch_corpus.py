"""DVC stage `fetch_corpus`: params.yaml `corpus` -> data/raw/chinese-poetry (via npm pack)."""

import sys

from kun.core.errors import exit_on_user_error
from kun.core.params import load_params, section
from kun.corpus.fetch import CorpusParams, fetch_corpus

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(CorpusParams, load_params(), "corpus")
        files = fetch_corpus(params, "data/raw/chinese-poetry")
        print(f"fetched {params.package}@{params.version}: {len(files)} files", file=sys.stderr)
