"""Time one replication of the baseline (32 nations x 40 quarters) in one process.

Usage: python benchmarks/bench_replication.py [--repeats 30] [--scenario FILE]
Prints the machine, then min / median / mean milliseconds per replication under consensus
and under coalitions: the model (set-up, 40 steps, every step recorded) and set-up to
tables (the five result tables as DataFrames; writing files excluded). Wall time and, less
disturbed by a busy machine, CPU time of this process. Aim (issue 16): set-up to tables
10 ms or less.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from importlib import metadata
from pathlib import Path

from sim.loader import apply_overrides, load_scenario
from sim.results.tables import run_replication
from sim.runner import run_model

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"Mesa {metadata.version('mesa')}, numpy {metadata.version('numpy')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    args = parser.parse_args()
    base = load_scenario(args.scenario)
    print(f"machine: {machine()}")
    print(f"scenario: {args.scenario.name}, {len(base.nations.members)} nations x "
          f"{base.simulation.steps} quarters, {args.repeats} repeats")
    for governance in ("consensus", "coalitions"):
        scenario = apply_overrides(base, {"alliance.governance": governance})
        run_replication(scenario, 0)  # warm-up: imports and caches
        for label, replicate in (("model", run_model), ("set-up to tables", run_replication)):
            wall, cpu = [], []
            for seed in range(args.repeats):
                started, started_cpu = time.perf_counter(), time.process_time()
                replicate(scenario, seed)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            print(f"{governance:>10}, {label:>16}: wall min {min(wall):6.1f} median "
                  f"{statistics.median(wall):6.1f} mean {statistics.mean(wall):6.1f} ms; "
                  f"CPU median {statistics.median(cpu):6.1f} ms per replication")

if __name__ == "__main__":
    main()
