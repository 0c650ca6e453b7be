"""params.yaml and configs/paper.yaml validate against the stage dataclasses; docs/stages.md documents every key."""

import json
from pathlib import Path

import pytest
import yaml

from kun.core.models import ModelParams
from kun.core.params import load_params, section
from kun.corpus.fetch import CorpusParams
from kun.corpus.ingest import IngestParams
from kun.corpus.perplexity import PerplexityParams
from kun.dedup import DedupParams
from kun.evaluation.run import EvaluateParams
from kun.instructions.assemble import AssembleParams
from kun.instructions.curate import FilterParams
from kun.instructions.export_card import ExportParams
from kun.instructions.iterate import IterateParams
from kun.instructions.label import LabelParams
from kun.instructions.polish import PolishParams
from kun.instructions.score import ScoreParams
from kun.llm import LLMParams
from kun.training.params import ChatTrainParams, FinetuneParams, LabelTrainParams

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = {
    "corpus": CorpusParams,
    "ingest": IngestParams,
    "dedup": DedupParams,
    "model": ModelParams,
    "perplexity": PerplexityParams,
    "llm": LLMParams,
    "label": LabelParams,
    "score": ScoreParams,
    "filter": FilterParams,
    "polish": PolishParams,
    "iterate": IterateParams,
    "assemble": AssembleParams,
    "train_label": LabelTrainParams,
    "train_chat": ChatTrainParams,
    "finetune": FinetuneParams,
    "evaluate": EvaluateParams,
    "export": ExportParams,
}


@pytest.mark.parametrize("path", ["params.yaml", "configs/paper.yaml"])
def test_every_section_validates(path):
    params = load_params(ROOT / path)
    assert set(params) == set(SECTIONS)
    for name, cls in SECTIONS.items():
        section(cls, params, name)


def test_the_stages_page_documents_every_param_key():
    readme = (ROOT / "docs/stages.md").read_text(encoding="utf-8")
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    missing = []
    for name, values in params.items():
        for key in values:
            if f"`{key}`" not in readme and f"`{name}.{key}`" not in readme and f"{key}`" not in readme:
                missing.append(f"{name}.{key}")
    assert not missing, f"docs/stages.md does not document: {missing}"


def test_every_top_level_key_in_params_yaml_has_a_comment():
    uncommented, current = [], None
    for line in (ROOT / "params.yaml").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            current = line.split(":")[0]
        elif (
            line.startswith("  ")
            and not line.startswith("   ")
            and not line.strip().startswith("-")
            and ":" in line
            and "#" not in line
        ):
            # Keys repeated in train_chat and finetune are documented once, in train_label.
            if current not in ("train_chat", "finetune"):
                uncommented.append(f"{current}.{line.strip()}")
    assert not uncommented


@pytest.mark.parametrize("name", ["ddp", "fsdp"])
def test_accelerate_configs_parse(name):
    from accelerate.commands.config.config_args import ClusterConfig

    config = ClusterConfig.from_yaml_file(str(ROOT / "configs" / "accelerate" / f"{name}.yaml"))
    assert config.num_processes >= 2 and str(config.distributed_type).endswith(
        name.upper() if name == "fsdp" else "MULTI_GPU"
    )


@pytest.mark.parametrize("path", ["params.yaml", "configs/paper.yaml"])
def test_an_experiment_override_changes_exactly_one_line(tmp_path, path):
    """`dvc exp run -S key=value` rewrites params.yaml through DVC's own YAML round trip; the
    files are laid out so that it changes the one line and keeps every comment."""
    from dvc.utils.hydra import apply_overrides

    copy = tmp_path / "params.yaml"
    original = (ROOT / path).read_text(encoding="utf-8")
    copy.write_text(original, encoding="utf-8")
    apply_overrides(str(copy), ["filter.min_score=0.8", "dedup.threshold=0.9"])
    before, after = original.splitlines(), copy.read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert [new.split("#")[0].strip() for _, new in changed] == ["threshold: 0.9", "min_score: 0.8"]


def test_the_committed_schema_is_current_and_checks_both_profiles(tmp_path):
    import jsonschema
    from click.testing import CliRunner

    from kun.cli.commands import main

    written = tmp_path / "schema.json"
    result = CliRunner().invoke(
        main, ["check-params", "--params", str(ROOT / "params.yaml"), "--schema", str(written)]
    )
    assert result.exit_code == 0, result.output
    assert written.read_text(encoding="utf-8") == (ROOT / "params.schema.json").read_text(encoding="utf-8"), (
        "params.schema.json is stale: run `kun check-params --schema params.schema.json`"
    )
    schema = json.loads(written.read_text(encoding="utf-8"))
    for path in ("params.yaml", "configs/paper.yaml"):
        jsonschema.validate(yaml.safe_load((ROOT / path).read_text(encoding="utf-8")), schema)
    assert schema["properties"]["dedup"]["properties"]["threshold"]["description"]  # the params.yaml comment
    base = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    for bad in (
        {**base, "dedup": {**base["dedup"], "treshold": 0.5}},  # a typo in a key
        {**base, "dedup": {**base["dedup"], "threshold": "high"}},  # a string for a number
        {**base, "polishing": {}},  # an unknown section
        {
            **base,
            "ingest": {**base["ingest"], "sources": [{"name": "x", "path": "y", "colour": "red"}]},
        },  # nested
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_checking_a_mapping_param_is_not_reading_it(tmp_path, monkeypatch):
    """Validation reads every value of a mapping (model.chat_template); the trace must not count it."""
    import kun.core.params as params_module
    from kun.core.models import ModelParams

    monkeypatch.setenv(params_module.TRACE_ENV, str(tmp_path / "trace"))
    monkeypatch.setattr(params_module, "_reads", set())
    path = tmp_path / "params.yaml"
    path.write_text(
        "model:\n  base: embedded:smollm2\n  chat_template: {label: auto, chat: auto, final: auto}\n"
    )
    model = section(ModelParams, load_params(path), "model")
    assert not any(read.startswith("model.chat_template") for read in params_module._reads)
    assert model.base == "embedded:smollm2" and "model.base" in params_module._reads


def test_field_ranges_are_checked_by_pydantic_and_shown_in_the_schema(tmp_path):
    """Ranges declared on fields (Share, NonNegativeInt, Field(ge=…)) fail with the whole range
    and appear in the JSON Schema as minimum/maximum, so an editor flags them before kun runs."""
    from kun.core.errors import KunError
    from kun.core.params import section
    from kun.instructions.assemble import AssembleParams

    with pytest.raises(KunError, match=r"assemble\.answer_min_cjk_ratio: 1\.5 must be between 0 and 1"):
        section(AssembleParams, {"assemble": {"answer_min_cjk_ratio": 1.5}}, "assemble")
    with pytest.raises(KunError, match=r"assemble\.max_repeated_ngram_ratio: 0\.0 must be in \(0, 1\]"):
        section(AssembleParams, {"assemble": {"max_repeated_ngram_ratio": 0.0}}, "assemble")
    schema = json.loads((ROOT / "params.schema.json").read_text(encoding="utf-8"))
    ratio = schema["properties"]["assemble"]["properties"]["answer_min_cjk_ratio"]
    assert ratio["minimum"] == 0 and ratio["maximum"] == 1
    assert schema["properties"]["dedup"]["properties"]["num_perm"]["maximum"] == 8192


def test_a_params_error_names_the_file_the_front_door_read(tmp_path):
    """The library names keys only; `section` adds the file `load_params` read, and a step run as
    `kun <step> --params FILE` adds FILE to an error raised later (a model path, a tokenizer)."""
    from click.testing import CliRunner

    from kun.cli.commands import main
    from kun.core.errors import KunError, ParamsError
    from kun.core.params import load_params, require, section
    from kun.dedup import DedupParams

    with pytest.raises(ParamsError) as raised:
        require(False, "dedup.threshold", "must be in (0, 1]")
    assert str(raised.value) == "dedup.threshold: must be in (0, 1]"
    custom = tmp_path / "mine.yaml"
    custom.write_text("dedup:\n  threshold: 0\n", encoding="utf-8")
    with pytest.raises(KunError, match=r"^.*mine\.yaml: dedup\.threshold: 0 must be in \(0, 1\]$"):
        section(DedupParams, load_params(custom), "dedup")
    (tmp_path / "seg.jsonl").write_text('{"text": "一段文字"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["dedup", str(tmp_path / "seg.jsonl"), str(tmp_path / "out.parquet"), "--params", str(custom)]
    )
    assert result.exit_code == 1 and "mine.yaml: dedup.threshold: 0 must be in (0, 1]" in result.output


@pytest.mark.parametrize("path", ["params.yaml", "configs/paper.yaml"])
def test_the_gate_word_lists_of_both_profiles_are_kuns_defaults(path):
    """params.yaml writes the rule word lists out so a user can edit them; both profiles start
    from the library's lists (kun filter-pairs without --params uses them), so they cannot drift."""
    from kun.instructions import gates

    raw = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    assert raw["filter"]["request_markers"] == gates.REQUEST_MARKERS
    assert raw["filter"]["unexpected_scripts"] == gates.UNEXPECTED_SCRIPTS
    assert raw["assemble"]["foreign_language_hints"] == gates.FOREIGN_LANGUAGE_HINTS
