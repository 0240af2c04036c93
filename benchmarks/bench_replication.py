"""Time one replication of the baseline (32 nations x 40 quarters) in one process.

Usage: python benchmarks/bench_replication.py [--repeats 30] [--scenario FILE]
Prints the machine, then min / median / mean milliseconds per replication (model set-up,
40 steps and DataCollector included; writing files excluded). Target: 50 ms or less.
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
        run_model(scenario, 0)  # warm-up: imports and caches
        timings = []
        for seed in range(args.repeats):
            started = time.perf_counter()
            run_model(scenario, seed)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{governance:>10}: min {min(timings):6.1f} ms  median "
              f"{statistics.median(timings):6.1f} ms  mean {statistics.mean(timings):6.1f} ms"
              f"  per replication")


if __name__ == "__main__":
    main()
