"""DVC stage `assemble`: data/interim/polished.parquet -> data/processed/kun.{jsonl,parquet}, README.md, metrics/data.json."""

from kun.assemble import AssembleParams, assemble, dataset_card
from kun.errors import exit_on_user_error
from kun.io import read_input, write_table
from kun.metrics import atomic_write_bytes, read_json, write_json
from kun.params import load_params, section

if __name__ == "__main__":
    with exit_on_user_error():
        raw = load_params()
        params = section(AssembleParams, raw, "assemble")
        final, rejected, drops = assemble(read_input("data/interim/polished.parquet"), params)
        ingest, dedup, perplexity, label, filtered, polished = (read_json(f"metrics/{name}.json") for name in ("ingest", "dedup", "perplexity", "label", "filter", "polish"))
        funnel = {
            "segments": ingest["segments_out"],
            "unique_segments": dedup["docs_out"],
            "after_perplexity": perplexity["kept"],
            "labelled_segments": label["segments"],
            "candidates": label["candidates"],
            "kept_after_score": filtered["kept"],
            "polished": polished["polished"],
            "final": final.height,
        }
        all_drops = {
            "ingest": ingest["segments_dropped"],
            "dedup": {"exact_duplicate": dedup["exact_duplicates"], "near_duplicate": dedup["near_duplicates"]},
            "perplexity": perplexity["rejected"],
            "label": label["rejected"],
            "filter": filtered["rejected"],
            "assemble": drops,
        }
        write_table(final.select("instruction", "output", "id", "source", "score"), "data/processed/kun.jsonl")
        write_table(final, "data/processed/kun.parquet")
        write_table(rejected, "data/interim/assemble_rejected.parquet")
        card_params = {f"{name}": raw.get(name) for name in ("ingest", "dedup", "perplexity", "label", "score", "filter", "polish", "assemble")}
        card_params["ingest"] = {k: v for k, v in (card_params["ingest"] or {}).items() if k != "sources"}
        atomic_write_bytes("data/processed/README.md", dataset_card(final, funnel, all_drops, card_params, params.dataset_name).encode("utf-8"))
        write_json("metrics/data.json", {"funnel": funnel, "dropped": all_drops, "final_rows": final.height})
        write_json("metrics/plots/funnel.json", [{"step": step, "rows": rows} for step, rows in funnel.items()])
