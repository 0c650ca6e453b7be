"""LLaMA-Factory's own dataset parser and converters on kun's export (needs the package registry).

LLaMA-Factory cannot be installed beside transformers 5, so its wheel is downloaded without its
dependencies and only `llamafactory.data.parser` and `llamafactory.data.converter` are imported
(the package's `data/__init__` pulls in torchaudio); they read dataset_info.json and turn each row
into the messages LLaMA-Factory trains on, exactly as `llamafactory-cli train` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
import zipfile
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from kun.cli.commands import main
from tests.test_export import export_args, make_dataset

pytestmark = pytest.mark.slow
LLAMA_FACTORY = "llamafactory==0.9.5"


@pytest.fixture(scope="module")
def llama_factory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("llamafactory")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(folder), LLAMA_FACTORY],
        check=True,
        timeout=600,
    )
    wheel = next(folder.glob("llamafactory-*.whl"))
    zipfile.ZipFile(wheel).extractall(folder / "site")
    sys.path.insert(0, str(folder / "site"))
    package = types.ModuleType("llamafactory.data")  # skip data/__init__ (torchaudio, the trainer)
    package.__path__ = [str(folder / "site" / "llamafactory" / "data")]
    sys.modules["llamafactory.data"] = package
    from llamafactory.data import converter, parser

    yield parser, converter
    sys.path.remove(str(folder / "site"))
    for name in [name for name in sys.modules if name.startswith("llamafactory")]:
        del sys.modules[name]


def test_every_export_layout_reads_in_llama_factory(tmp_path, llama_factory):
    parser, converter = llama_factory
    make_dataset(tmp_path / "kun.parquet", 4)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, export_args(tmp_path / "kun.parquet", out))
    assert result.exit_code == 0, result.output
    names = list(json.loads((out / "dataset_info.json").read_text(encoding="utf-8")))
    attrs = {attr.dataset_name: attr for attr in parser.get_dataset_list(names, str(out))}
    data_args = SimpleNamespace(media_dir=str(out))

    def rows(attr):
        path = out / attr.dataset_name
        if path.is_dir():
            import polars as pl

            return pl.concat([pl.read_parquet(p) for p in sorted(path.glob("*.parquet"))]).to_dicts()
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    for name in names:
        attr = next(a for a in parser.get_dataset_list([name], str(out)))
        convert = converter.get_dataset_converter(attr.formatting, attr, data_args)
        example = convert(rows(attr)[1])
        assert example["_prompt"] == [{"role": "user", "content": "问题1：长城有多长？"}], name
        expected = [{"role": "assistant", "content": "回答1：约两万千米。"}]
        if attr.ranking:
            expected.append({"role": "assistant", "content": "长城，古代军事防御工程，总长1千米。"})
        assert example["_response"] == expected, name
    assert attrs and any(attr.ranking for attr in attrs.values())
