"""The summary table of the results, written into bench/README.md after a run."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def load(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def table() -> str:
    verify, appends, decrypt = load("audit_verify"), load("audit_appends"), load("decrypt_fields")
    rows = [
        "| benchmark | result | goal | met |",
        "| --- | --- | --- | --- |",
        f"| verify {verify['events']:,} events (SQLite) | {verify['verify_events_per_second']:,} "
        f"events/s, {verify['ratio_verify_to_raw']} × raw chained SHA-256 "
        f"({verify['raw_events_per_second']:,}/s; CPU only: "
        f"{verify['cpu_only_ratio_verify_to_raw']} ×) | ≥ 0.5 × raw | "
        f"{'yes' if verify['goal_met'] else 'no'} |",
    ]
    for backend in ("sqlite", "postgresql"):
        data = appends.get(backend)
        if not isinstance(data, dict):
            rows.append(f"| durable appends ({backend}) | {data} | ≥ 1,000/s | – |")
            continue
        rows.append(
            f"| durable appends ({backend}) | {data['per_second_single_writer']:,}/s one event "
            f"per commit; {data['per_second_ten_per_commit']:,}/s ten per commit; "
            f"{data['per_second_concurrent']:,}/s with {data['writers']} writers; storage "
            f"ceiling {data['ceiling_raw_commits_per_second']:,} raw commits/s | ≥ 1,000/s | "
            f"{'yes' if data['goal_met'] else 'no (one per commit)'} |"
        )
    rows.append(
        f"| decrypt {decrypt['fields']} fields of {decrypt['field_bytes']} bytes | "
        f"{decrypt['vault_ms_median']} ms median (whole content view through the gate: "
        f"{decrypt['gate_content_view_ms_median']} ms) | < 5 ms | "
        f"{'yes' if decrypt['goal_met'] else 'no'} |"
    )
    machine = f"{verify['cpus']} CPUs, {verify['machine']}, Python {verify['python']}"
    return "\n".join([*rows, "", f"Measured on {machine}."])


def refresh_readme() -> str:
    """Put the table of the latest results between the markers in bench/README.md."""
    summary = table()
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + summary + "\n" + text[end:], encoding="utf-8")
    return summary
