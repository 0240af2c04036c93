"""Start-up: how long the command line takes to import what a command needs.

Usage: python benchmarks/bench_imports.py [--repeats 5]

Each figure is the median wall time of ``--repeats`` fresh interpreters:
1. ``run.py --help`` (argument parsing only: no NumPy, pandas, pyarrow, pydantic, model,
   plotting or statistics library);
2. importing what ``run`` needs before its first replication: the command line, the run
   command and the experiment runner (the scenario schema, the model and Mesa with it; the
   same modules a real run has imported when it builds its first model, less a few of
   multiprocessing's; dashboards, SciPy's statistics and the analyses are imported when the
   summary and dashboard are written);
3. a bare ``python -c pass``, for reference.
Then the ten slowest packages imported by (2), from ``python -X importtime``. Prints the machine
first. Aim (issue 16): importing what ``run`` needs in under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_replication import machine  # noqa: E402

RUN_IMPORTS = "import sim.cli, sim.cli.run_command, sim.experiment.runner"


def seconds(command: list[str], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def slowest_imports(code: str, count: int) -> list[tuple[float, str]]:
    """The ``count`` packages (top-level names, wherever first imported) with the largest
    cumulative import time, in ms, from ``python -X importtime``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if "." not in name.strip() and not name.strip().startswith("_"):
            rows.append((int(cumulative) / 1000, name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    bare = seconds([sys.executable, "-c", "pass"], args.repeats)
    helps = seconds([sys.executable, "run.py", "--help"], args.repeats)
    run = seconds([sys.executable, "-c", RUN_IMPORTS], args.repeats)
    print(f"python -c pass: {bare:.2f} s")
    print(f"run.py --help: {helps:.2f} s")
    print(f"importing what run needs ({RUN_IMPORTS}): {run:.2f} s; aim 1 s: "
          f"{'met' if run < 1 else 'NOT met'}")
    print("slowest packages imported by a run (cumulative ms, each counted where first "
          "imported):")
    for milliseconds, name in slowest_imports(RUN_IMPORTS, 10):
        print(f"  {milliseconds:7.0f} ms  {name}")


if __name__ == "__main__":
    main()
