"""Memory of a very large sweep: does a 100,000-run sweep fit in memory?

Usage: python benchmarks/bench_sweep_memory.py [--samples 100000] [--workers 2]
       [--model ishigami|alliance]

Runs ``run.py sweep`` (a subprocess) on a Latin hypercube experiment written to a
temporary folder - by default the Ishigami function, so that the figure measures the sweep
machinery (design, chunks, parts, gathering, points.csv, dashboard) rather than the
model - and samples the resident memory of the whole process tree every 0.5 s. Prints the
machine, runs per second, the peak and the memory at 25/50/75/100 % of the run: flat means
the runs stream to disk. ``--model alliance`` sweeps the baseline (about 10 runs/s here).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_experiments import measure, report  # noqa: E402
from benchmarks.bench_replication import machine  # noqa: E402

EXPERIMENT = {
    "ishigami": "name: memory check\nmodel: ishigami\nparameters:\n  - path: x1\n"
                "  - path: x2\n  - path: x3\n",
    "alliance": f"name: memory check\nscenario: {ROOT / 'scenarios' / 'baseline.yaml'}\n"
                "parameters:\n  - path: alliance.formation.pooling_discount\n"
                "  - path: drivers.migration_weight\n    range: [0, 2]\n",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", choices=sorted(EXPERIMENT), default="ishigami")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        experiment = Path(folder) / "experiment.yaml"
        experiment.write_text(EXPERIMENT[args.model] + "design:\n  method: latin_hypercube"
                              f"\n  samples: {args.samples}\n", encoding="utf-8")
        out = Path(folder) / "sweep"
        seconds, samples, code, _ = measure([
            sys.executable, str(ROOT / "run.py"), "sweep", str(experiment), "--out",
            str(out), "--workers", str(args.workers), "--quiet"])
        if code != 0:
            raise SystemExit(f"sweep failed with status {code}")
        size = sum(path.stat().st_size for path in out.iterdir()) / 1e6
        report(f"sweep of the {args.model} model", args.samples, seconds, samples)
        print(f"    folder: {size:.0f} MB")


if __name__ == "__main__":
    main()
