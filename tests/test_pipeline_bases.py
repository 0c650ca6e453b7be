"""Separate base models per role (the paper: label and chat models from a large base, the final
model from a smaller one): each is materialised once and each training stage depends on its own."""

from dvc_helpers import make_repo_copy, update_params


def _stages(repo):
    from dvc.repo import Repo

    with Repo(str(repo)) as dvc_repo:
        return {stage.name: stage for stage in dvc_repo.index.stages}


def _deps(stage):
    return {str(dep.def_path) for dep in stage.deps}


def test_each_training_stage_depends_on_exactly_its_base(tmp_path):
    repo = make_repo_copy(tmp_path / "repo")
    default = _stages(repo)
    assert "models/base" in _deps(default["train_label"]) and "models/base" in _deps(default["finetune"])
    assert not any(name.startswith("base_model_other") for name in default)  # one base, one copy

    update_params(
        repo, {"model.other_bases": {"small": "embedded:smollm2"}, "model.final_base": "models/small"}
    )
    stages = _stages(repo)
    other = stages["base_model_other@small"]
    assert {str(out.def_path) for out in other.outs} == {
        "models/small"
    } and other.cmd == "python stages/base_model.py models/small --params params.yaml --name small"
    assert "models/small" in _deps(stages["finetune"]) and "models/base" not in _deps(stages["finetune"])
    assert "models/base" in _deps(stages["train_label"]) and "models/small" not in _deps(
        stages["train_label"]
    )
    assert "models/base" in _deps(stages["train_chat"]) and "models/base" in _deps(
        stages["ingest"]
    )  # the label base's tokenizer


def test_a_role_pointing_at_no_stage_output_is_refused():
    import pytest

    from kun.core.errors import KunError
    from kun.core.models import ModelParams
    from kun.core.params import from_mapping

    with pytest.raises(KunError, match="model.final_base: models/small is not written by any stage"):
        from_mapping(ModelParams, {"final_base": "models/small"}, "model")
    assert (
        from_mapping(
            ModelParams, {"other_bases": {"small": "01-ai/Yi-6B"}, "final_base": "models/small"}, "model"
        ).final_base
        == "models/small"
    )
