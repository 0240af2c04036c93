"""Throughput and memory of many replications: our runner against Mesa's batch_run.

Usage: python benchmarks/bench_experiments.py [--replications 10000] [--batch-run 2000]
       [--workers 2]

1. ``run.py run`` of the baseline with N replications on W workers (a subprocess): wall
   time, replications per second, and the resident memory of the whole process tree,
   sampled every 0.5 s (peak, and at 25/50/75/100 % of the run - flat means streaming).
2. The same model driven by Mesa's ``batch_run`` (where the installed Mesa has ``rng=``,
   i.e. Mesa 3.4+ on Python 3.12), same number of processes, data collected at the end of
   each run only (its lightest setting): wall time and peak memory.
Prints the machine first. Aim: at least 2x the throughput and one fifth of the peak memory
of batch_run.
"""

from __future__ import annotations

import argparse
import inspect
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_replication import machine  # noqa: E402


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def sample(pid: int, samples: list[tuple[float, float]], stop: threading.Event) -> None:
    started = time.perf_counter()
    while not stop.is_set():
        samples.append((time.perf_counter() - started, tree_rss_mb(pid)))
        stop.wait(0.5)


def measure(command: list[str]) -> tuple[float, list[tuple[float, float]], int]:
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    watcher = threading.Thread(target=sample, args=(process.pid, samples, stop))
    watcher.start()
    code = process.wait()
    stop.set()
    watcher.join()
    return time.perf_counter() - started, samples, code


BATCH_RUN = """
import mesa, sys
from sim.loader import load_scenario
from sim.model import AllianceModel
scenario = load_scenario(sys.argv[1])
results = mesa.batch_run(AllianceModel, {"scenario": [scenario]}, rng=range(int(sys.argv[2])),
                         number_processes=int(sys.argv[3]), data_collection_period=-1,
                         max_steps=1000, display_progress=False)
print(len(results), "rows", file=sys.stderr)
"""


def report(label: str, replications: int, seconds: float,
           samples: list[tuple[float, float]]) -> float:
    peak = max((rss for _, rss in samples), default=0.0)
    print(f"{label}: {replications} replications in {seconds:.1f} s = "
          f"{replications / seconds:.1f} replications/s; peak RSS (process tree) "
          f"{peak:.0f} MB")
    if samples:
        marks = []
        for share in (0.25, 0.5, 0.75, 1.0):
            at = min(samples, key=lambda item: abs(item[0] - share * seconds))
            marks.append(f"{int(share * 100)} %: {at[1]:.0f} MB")
        print("    RSS over the run - " + ", ".join(marks))
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--batch-run", type=int, default=2_000,
                        help="replications for the side-by-side comparison (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = str(ROOT / "scenarios" / "baseline.yaml")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        for count in sorted({args.replications, args.batch_run} - {0}, reverse=True):
            out = Path(folder) / f"run-{count}"
            seconds, samples, code = measure([
                sys.executable, "run.py", "run", scenario, "--replications", str(count),
                "--workers", str(args.workers), "--out", str(out), "--quiet"])
            if code != 0:
                sys.exit(f"run.py failed with exit status {code}")
            size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
            report(f"run.py run (--workers {args.workers}; {size:.0f} MB of Parquet)", count,
                   seconds, samples)
    if not args.batch_run:
        return
    import mesa
    if "rng" not in inspect.signature(mesa.batch_run).parameters:
        print(f"batch_run: skipped - Mesa {mesa.__version__} has no rng= in batch_run "
              "(run this script with Python 3.12 and Mesa 3.4+)")
        return
    seconds, samples, code = measure([sys.executable, "-c", BATCH_RUN, scenario,
                                      str(args.batch_run), str(args.workers)])
    if code != 0:
        sys.exit(f"batch_run failed with exit status {code}")
    report(f"mesa.batch_run (number_processes={args.workers}, Mesa {mesa.__version__})",
           args.batch_run, seconds, samples)


if __name__ == "__main__":
    main()
