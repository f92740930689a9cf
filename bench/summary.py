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
        met = "yes" if data["goal_met_concurrent"] else "no"
        if data["goal_met_concurrent"] and not data["goal_met_single_writer"]:
            met = "yes (not one writer alone)"
        rows.append(
            f"| durable appends ({backend}, {data['sequencing']}) | "
            f"{data['per_second_concurrent']:,}/s with {data['writers']} writer processes, one "
            f"event per commit; one writer alone {data['per_second_single_writer']:,}/s; ten "
            f"per commit {data['per_second_ten_per_commit']:,}/s; storage ceiling "
            f"{data['ceiling_raw_commits_per_second']:,} raw commits/s | ≥ 1,000/s | {met} |"
        )
    rows.append(
        f"| decrypt {decrypt['fields']} fields of {decrypt['field_bytes']} bytes | "
        f"{decrypt['vault_ms_median']} ms median (whole content view through the gate: "
        f"{decrypt['gate_content_view_ms_median']} ms) | < 5 ms | "
        f"{'yes' if decrypt['goal_met'] else 'no'} |"
    )
    meetings = load("meetings")
    for backend in ("sqlite", "postgresql"):
        data = meetings.get(backend)
        if not isinstance(data, dict):
            rows.append(f"| agenda page ({backend}) | {data} | ≥ 0.35 ×, p95 ≤ 3 × | – |")
            continue
        trivial, agenda = data["trivial"], data["agenda"]
        rows.append(
            f"| agenda page, 40 items ({backend}) | {agenda['throughput']:,} req/s = "
            f"{data['throughput_ratio']} × the trivial page ({trivial['throughput']:,} req/s); "
            f"p95 {agenda['p95_ms']} ms = {data['p95_ratio']} × the trivial page's | "
            f"≥ 0.35 ×, p95 ≤ 3 × | {'yes' if data['met'] else 'no'} |"
        )
    rows.extend(_list_rows())
    rows.extend(_soak_rows())
    rows.extend(_retention_rows())
    machine = f"{verify['cpus']} CPUs, {verify['machine']}, Python {verify['python']}"
    return "\n".join([*rows, "", f"Measured on {machine}."])


def _list_rows() -> list[str]:
    if not (RESULTS / "lists.json").exists():
        return []
    lists, rows = load("lists"), []
    for backend in ("sqlite", "postgresql"):
        data = lists.get(backend)
        if not isinstance(data, dict):
            rows.append(f"| case lists ({backend}) | {data} | ≥ 0.35 ×, flat | – |")
            continue
        sizes = data["sizes"]
        ratios = "; ".join(
            f"{int(size):,} cases: "
            + ", ".join(f"{page} {ratio} ×" for page, ratio in sizes[size]["ratios"].items())
            for size in sizes
        )
        flat = ", ".join(f"{page} {value}" for page, value in data["largest_over_smallest"].items())
        rows.append(
            f"| case lists, 50 a page ({backend}) | {ratios} the trivial page; largest over "
            f"smallest: {flat} | ≥ 0.35 ×, largest/smallest ≥ 0.85 | "
            f"{'yes' if data['met'] else 'no'} |"
        )
    return rows


def _soak_rows() -> list[str]:
    if not (RESULTS / "soak.json").exists():
        return []
    soak = load("soak")
    minutes = len(soak["minutes"])
    worst = max(soak["p95_last_over_second"].values(), default=0)
    rss = soak["worker_rss_mb_per_minute"]
    return [
        f"| soak, {minutes} minutes, {soak['setup']['clients']} clients (postgresql) | "
        f"{soak['requests']:,} requests, {soak['throughput']:,} req/s, {soak['errors']} errors; "
        f"p95 last minute over second: all {soak['p95_last_over_second_all_routes']}, worst "
        f"route {worst}; worker RSS {rss[1]} → {max(rss[1:])} MB "
        f"({soak['rss_growth_after_first_minute']:+.1%}) | no errors, p95 ≤ 1.2 ×, RSS < +10 % | "
        f"{'yes' if soak['met'] else 'no'} |"
    ]


def _retention_rows() -> list[str]:
    if not (RESULTS / "retention.json").exists():
        return []
    data = load("retention")
    due, erasure, chain = data["due_list"], data["erasure"], data["audit_chain"]
    agenda, locks, erasing = data["agenda_page"], data["locks"], data["erasure"]["erase_ms_all"]
    return [
        f"| retention, {data['setup']['cases']:,} cases (postgresql) | due list "
        f"({due['due']:,} due, {due['held']} held) {due['due_list']['median_ms']:,} ms median, "
        f"p95 {due['due_list']['p95_ms']:,} ms; {erasure['erased']:,} erasures "
        f"{erasing['median_ms']} ms median, p95 {erasing['p95_ms']} ms; chain below the head "
        f"{'unchanged' if chain['unchanged'] else 'CHANGED'}, verify "
        f"exit {chain['audit_verify_exit']}; agenda p95 erasing / paused "
        f"{agenda['p95_erasing_over_paused']} (trivial page "
        f"{agenda['trivial_p95_erasing_over_paused']}: "
        f"{agenda['p95_erasing_over_paused_relative_to_trivial']} ×); eraser's locks on the "
        f"agenda's tables {'≤ ROW EXCLUSIVE' if locks['check']['ok'] else 'STRONGER'}, web "
        f"waits on the eraser {locks['web_waits_on_the_eraser']} | chain unchanged, no lock "
        f"above ROW EXCLUSIVE, no wait on the eraser, p95 ratio ≤ 1.2 × the trivial page's | "
        f"{'yes' if data['met'] else 'no'} |"
    ]


def refresh_readme() -> str:
    """Put the table of the latest results between the markers in bench/README.md."""
    summary = table()
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + summary + "\n" + text[end:], encoding="utf-8")
    return summary
