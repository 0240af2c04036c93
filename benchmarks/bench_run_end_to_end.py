"""End to end: ``run.py`` on the baseline with N replications on W workers, start-up
included (interpreter, imports, the run with every table written, summary, dashboard).

Usage: python benchmarks/bench_run_end_to_end.py [--replications 200] [--workers 2]
       [--repeats 5]

Prints the machine, each repeat's wall time and the median. Aim (issue 16): 200 baseline
replications in 5 s or less on 2 workers, start-up included (median of 5).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_replication import machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "run.py"),
                            str(ROOT / "scenarios" / "baseline.yaml"), "--replications",
                            str(args.replications), "--workers", str(args.workers),
                            "--quiet", "--out", str(Path(folder) / f"run{repeat}")],
                           check=True, cwd=ROOT)
            timings.append(time.perf_counter() - started)
            print(f"repeat {repeat + 1}: {timings[-1]:.2f} s")
    median = statistics.median(timings)
    print(f"{args.replications} baseline replications on {args.workers} workers, start-up "
          f"included: median {median:.2f} s (min {min(timings):.2f}, max "
          f"{max(timings):.2f}); aim 5 s: {'met' if median <= 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
