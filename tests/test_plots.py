"""The project's `dvc plots show` page: plot order, bar order and loss against step, as DVC renders them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kun.corpus.perplexity import histogram
from kun.instructions.card import STEPS, funnel

ROOT = Path(__file__).resolve().parent.parent
DVC = str(Path(sys.executable).with_name("dvc"))
pytestmark = pytest.mark.integration
PAGE = [
    "metrics/plots/perplexity_histogram.json",
    "metrics/plots/score_histogram.json",
    "metrics/plots/funnel.json",
    "training_loss",
]


def low_end(label: str) -> float:
    return float(re.match(r">?=?([0-9.]+)", label).group(1))


def plots_repo(repo: Path, every_bin: bool = True) -> Path:
    """A copy of the project's dvc.yaml, params.yaml, plot templates and committed plot files;
    with `every_bin`, the perplexity histogram rebuilt with counts in every bin."""
    repo.mkdir(parents=True, exist_ok=True)
    for name in ("dvc.yaml", "params.yaml", "metrics"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, repo / name)
    subprocess.run([DVC, "init", "--no-scm", "-q"], cwd=repo, check=True)
    shutil.copytree(ROOT / ".dvc" / "plots", repo / ".dvc" / "plots")
    if not every_bin:
        return repo
    values = [1.5, 3, 7, 15, 30, 70, 150, 300, 700, 1500, 3000, 7000, 15000, 30000, 70000] * 2
    (repo / "metrics/plots/perplexity_histogram.json").write_text(json.dumps(histogram(values)))
    return repo


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """`dvc plots show --json` of the project's page."""
    repo = plots_repo(tmp_path_factory.mktemp("plots"))
    done = subprocess.run(
        [DVC, "plots", "show", "--json"], cwd=repo, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)["data"], repo


def test_the_page_lists_the_plots_in_pipeline_order(rendered):
    data, _ = rendered
    assert list(data) == PAGE
    titles = [data[plot][0]["content"]["title"]["text"] for plot in PAGE]
    assert [title.split(".")[0] for title in titles] == ["1", "2", "3", "4"]


@pytest.mark.parametrize("plot", PAGE[:2])
def test_histogram_bins_come_low_to_high_and_bars_start_at_zero(rendered, plot):
    data, _ = rendered
    content = data[plot][0]["content"]
    assert "sort" in content["encoding"]["y"] and content["encoding"]["y"]["sort"] is None  # the rows' order
    assert content["encoding"]["x"]["scale"]["zero"] is True
    bins = [row["bin"] for row in content["data"]["values"]]
    assert len(bins) >= 10 and bins == sorted(bins, key=low_end)
    if plot.endswith("perplexity_histogram.json"):
        assert sorted(bins) != bins  # by name (DVC's bar_horizontal), 10-20 would come before 2-5


def test_the_funnel_comes_in_pipeline_order(rendered):
    data, repo = rendered
    content = data["metrics/plots/funnel.json"][0]["content"]
    steps = [row["step"] for row in content["data"]["values"]]
    step_metrics = {name: json.loads((repo / f"metrics/{name}.json").read_text()) for name in STEPS}
    rows, _ = funnel(step_metrics, 0, {})
    assert steps == list(rows) and steps[0] == "documents" and steps[-1] == "final"
    assert content["encoding"]["y"]["sort"] is None


def test_training_losses_are_plotted_against_step_from_the_loss_files_only(rendered):
    data, _ = rendered
    content = data["training_loss"][0]["content"]
    assert content["encoding"]["x"] == {"field": "step", "type": "quantitative", "title": "step"}
    rows = content["data"]["values"]
    files = sorted({row["filename"] for row in rows})
    assert files == sorted(
        f"{stage}/plots/metrics/loss.tsv" for stage in ("train_label", "train_chat", "finetune")
    )
    for name in files:
        steps = [int(row["step"]) for row in rows if row["filename"] == name]
        assert steps == sorted(steps) and steps[0] >= 1


def test_no_stage_lists_a_folder_or_a_scalar_file_as_a_plot():
    pipeline = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))
    for name, stage in pipeline["stages"].items():
        stage = stage.get("do", stage)
        assert "plots" not in stage, f"{name}: plots belong in the top-level page (dvc.yaml `plots:`)"
