"""Run every benchmark and refresh the summary table in bench/README.md.

    python bench/run.py            # what ``make bench`` runs
    python bench/run.py --quick    # 100,000 events instead of 1,000,000, fewer appends

PostgreSQL benchmarks run when ``ZORGTAFEL_BENCH_DATABASE_URL`` (or
``ZORGTAFEL_TEST_DATABASE_URL``) names a server where a scratch database may be created.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def run(script: str, *args: str) -> None:
    subprocess.run([sys.executable, str(HERE / script), *args], check=True, cwd=HERE)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    run("verify.py", "--events", "100000" if args.quick else "1000000")
    run("appends.py", "--appends", "600" if args.quick else "3000")
    run("decrypt.py")
    summary = table()
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + summary + "\n" + text[end:], encoding="utf-8")
    print(summary)


if __name__ == "__main__":
    main()
