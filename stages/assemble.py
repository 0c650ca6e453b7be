"""DVC stage `assemble`: data/interim/polished.parquet -> data/processed/kun.{jsonl,parquet}, README.md, metrics/data.json."""

from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import atomic_write_bytes, read_json, write_json
from kun.core.params import load_params, section
from kun.instructions.assemble import AssembleParams, assemble
from kun.instructions.card import STEPS, card_params, dataset_card, funnel
from kun.instructions.rating import Rater
from kun.llm import LLMParams, load_llm

if __name__ == "__main__":
    with exit_on_user_error():
        raw = load_params()
        params = section(AssembleParams, raw, "assemble")
        llm = (
            load_llm(section(LLMParams, raw, "llm"), params.rate_model, "assemble.rate_model")
            if params.rate
            else None
        )
        rater = Rater(llm, params.rating_verdict, params.language) if llm is not None else None
        final, rejected, drops = assemble(
            read_input("data/interim/polished.parquet"), params, rater.rate if rater else None
        )
        rows, all_drops = funnel(
            {step: read_json(f"metrics/{step}.json") for step in STEPS}, final.height, drops
        )
        write_table(
            final.select("instruction", "output", "id", "source", "score"), "data/processed/kun.jsonl"
        )
        write_table(final, "data/processed/kun.parquet")
        write_table(rejected, "data/interim/assemble_rejected.parquet")
        atomic_write_bytes(
            "data/processed/README.md",
            dataset_card(final, rows, all_drops, card_params(raw), params.dataset_name).encode("utf-8"),
        )
        write_json(
            "metrics/data.json",
            {
                "funnel": rows,
                "dropped": all_drops,
                "final_rows": final.height,
                **({"rating": {"model": llm.fingerprint, **llm.stats}} if llm else {}),
            },
        )
        write_json(
            "metrics/plots/funnel.json", [{"step": step, "rows": count} for step, count in rows.items()]
        )
