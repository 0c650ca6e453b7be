"""The evaluate step: the last box of the pipeline, which measures what fine-tuning on the Kun
dataset bought. Decontaminates the benchmarks against the training data, scores the baseline and
the fine-tuned model on every benchmark and shot count (kun.evaluation.choice), and has a judge
compare their answers to open prompts (kun.evaluation.judge). Writes nothing itself: the
evaluate stage writes the metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, Mapping

from kun.core.metrics import key_figures
from kun.core.params import NonNegativeInt, PositiveInt, require
from kun.evaluation.benchmarks import Benchmark, load_benchmark
from kun.evaluation.choice import evaluate_multiple_choice
from kun.evaluation.decontaminate import (
    ContaminationReport,
    contaminated,
    drop_contaminated_questions,
    eval_items,
)
from kun.evaluation.judge import generate_answers, judge_pairwise, load_judge_prompts
from kun.llm import LLM, LLMParams, load_llm
from kun.llm.base import MaxNewTokens, RepetitionPenalty, SamplingParams, Seed, Temperature, TopP
from kun.llm.cached import total_cost


@dataclass
class EvaluateParams:
    model: str = "models/final"  # the fine-tuned model
    baseline: str = "models/base"  # scored in the same run, so the metrics show the delta
    judge: str = "models/base"  # judge model for the pairwise comparison
    judge_limit: NonNegativeInt = 0  # judge only the first N prompts (0 = all)
    judge_mode: Literal["generate", "logprob"] = (
        "generate"  # generate: reasons + verdict line; logprob: most likely verdict line
    )
    benchmarks: list[str] = field(
        default_factory=lambda: ["data/eval/demo"]
    )  # folders in C-Eval or CMMLU layout
    split: Literal["val", "test"] | None = None  # scored split; null: val for C-Eval, test for CMMLU
    dev_split: str = "dev"  # split the shots come from
    num_shots: list[int] = field(default_factory=lambda: [0, 5])  # one accuracy per entry
    drop_contaminated: bool = (
        True  # drop benchmark questions sharing a character n-gram with the training data (always measured)
    )
    ngram: PositiveInt = 13  # character n-gram size of the contamination check
    judge_prompts: str = "data/eval/judge_prompts.jsonl"  # {"id", "category", "prompt"} per line
    answer_max_new_tokens: MaxNewTokens = 512  # answers of the compared models
    answer_temperature: Temperature = 0.0  # 0 = greedy
    answer_top_p: TopP = 1.0
    answer_repetition_penalty: RepetitionPenalty = (
        1.1  # keeps small models from looping; 1.0 for servers without the setting (llm.server: openai)
    )
    judge_max_new_tokens: MaxNewTokens = 512  # room for the judge's reasons and its verdict line
    seed: Seed = 0
    language: str = "zh"

    def validate(self, section: str) -> None:
        require(bool(self.benchmarks), f"{section}.benchmarks", "list at least one benchmark folder")
        require(bool(self.num_shots), f"{section}.num_shots", "list at least one shot count, e.g. [0, 5]")
        require(
            all(k >= 0 for k in self.num_shots),
            f"{section}.num_shots",
            f"{self.num_shots} has a negative count; use counts >= 0",
        )
        require(
            len(set(self.num_shots)) == len(self.num_shots),
            f"{section}.num_shots",
            f"{self.num_shots} repeats a count",
        )


def pair_texts(pairs: Iterable[Mapping[str, Any]]) -> list[str]:
    """`instruction\noutput` of each training pair: the text decontamination compares against."""
    return [f"{pair['instruction']}\n{pair['output']}" for pair in pairs]


def load_benchmarks(
    params: EvaluateParams, train_texts: list[str], log: Callable[[str], None] = print
) -> tuple[list[Benchmark], ContaminationReport]:
    """The benchmarks as scored: read, checked against the training texts, contaminated questions
    dropped when `drop_contaminated`; what was skipped or dropped goes to `log`."""
    benchmarks = [
        load_benchmark(directory, params.split, params.dev_split) for directory in params.benchmarks
    ]
    report = contaminated(
        train_texts, [item for benchmark in benchmarks for item in eval_items(benchmark)], params.ngram
    )
    if params.drop_contaminated:
        benchmarks = [drop_contaminated_questions(benchmark, report) for benchmark in benchmarks]
    for benchmark in benchmarks:
        for note in benchmark.notes:
            log(f"{benchmark.name}: {note}")
    return benchmarks, report


def run_evaluation(
    params: EvaluateParams, llm_params: LLMParams, train_texts: list[str], log: Callable[[str], None] = print
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Decontaminate, score baseline and fine-tuned model on every benchmark, judge them pairwise.

    Returns (metrics for eval.json, the judge's per-prompt items). The baseline is scored in the
    same run on the same (decontaminated) questions, so the summary shows the delta.
    """
    benchmarks, report = load_benchmarks(params, train_texts, log)

    loaded: dict[str, LLM] = {}

    def model(path: str) -> LLM:
        if path not in loaded:
            loaded[path] = load_llm(llm_params, path, "evaluate", chat=False)
        return loaded[path]

    prompts = load_judge_prompts(params.judge_prompts)
    if params.judge_limit:
        prompts = prompts[: params.judge_limit]
    questions = [prompt["prompt"] for prompt in prompts]
    answer_sampling = SamplingParams(
        params.answer_temperature,
        params.answer_top_p,
        params.answer_max_new_tokens,
        params.answer_repetition_penalty,
        params.seed,
    )
    results: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[str]] = {}
    for role, path in (("base", params.baseline), ("final", params.model)):
        llm = model(path)
        results[role] = {
            benchmark.name: evaluate_multiple_choice(llm, benchmark, params.num_shots, params.language)
            for benchmark in benchmarks
        }
        answers[role] = generate_answers(llm, questions, answer_sampling, desc=f"answer ({role})")
    judge = judge_pairwise(
        model(params.judge),
        questions,
        answers["final"],
        answers["base"],
        SamplingParams(max_new_tokens=params.judge_max_new_tokens, seed=params.seed),
        [p.get("category") for p in prompts],
        params.language,
        params.judge_mode,
    )
    items = judge.pop("items")

    summary: dict[str, Any] = {}
    for benchmark in benchmarks:
        for shots, final_report in results["final"][benchmark.name]["shots"].items():
            base_accuracy = results["base"][benchmark.name]["shots"][shots]["accuracy"]
            summary[f"{benchmark.name}.{shots}.final"] = final_report["accuracy"]
            summary[f"{benchmark.name}.{shots}.base"] = base_accuracy
            summary[f"{benchmark.name}.{shots}.delta"] = round(final_report["accuracy"] - base_accuracy, 4)
        summary[f"{benchmark.name}.questions"] = benchmark.num_questions
        summary[f"{benchmark.name}.contaminated"] = report.benchmarks.get(benchmark.name, {}).get(
            "contaminated", 0
        )
    summary["judge.win_rate"] = judge["win_rate"]
    summary["judge.wins"], summary["judge.ties"], summary["judge.losses"] = (
        judge["wins"],
        judge["ties"],
        judge["losses"],
    )
    summary["judge.position_inconsistency_rate"] = judge["position_inconsistency_rate"]
    judge["mode"] = params.judge_mode
    cost = total_cost(llm.stats for llm in loaded.values())
    metrics = {
        "summary": summary,
        "multiple_choice": results,
        "judge": judge,
        "contamination": report.metrics(),
        "drop_contaminated": params.drop_contaminated,
        "cost": cost,
    }
    metrics["key_figures"] = {**summary, **key_figures(metrics, {}, ledger="cost")}
    for index, item in enumerate(items):
        item.update({"answer_final": answers["final"][index], "answer_base": answers["base"][index]})
    return metrics, items
