"""Throughput and memory of many replications: our runner against Mesa's batch_run.

Usage: python benchmarks/bench_experiments.py [--replications 2000] [--pairs 2]
       [--workers 2]

First, two bounds: the memory of a parent and W forked workers that hold nothing but the
model (each has played one replication), and batch_run's own cost per replication beside
the model's, one process (which bounds the throughput ratio of any runner that plays the
model one replication at a time, as batch_run does). Then, alternately, ``--pairs``
times each (so that a busy machine slows both alike):
1. ``run.py run`` of the baseline with N replications on W workers (a subprocess; every
   table written as Parquet, every step of every nation included): wall time,
   replications per second, and the memory of the whole process tree, sampled every
   0.5 s (peak, and at 25/50/75/100 % of the run - flat means streaming), as the sum of
   resident sizes (RSS, which counts the pages forked workers share with their parent
   once per process) and of proportional sizes (PSS, which counts them once: what the
   tree really holds);
2. the same model driven by Mesa's ``batch_run`` (number_processes=W, its defaults: the
   model's figures of the last step only): wall time and peak memory. Mesa 3.4+ takes
   the seeds as ``rng=``, Mesa 3.3 as a parameter.
Then the medians, the throughput ratio and the peak-memory ratio, and the growth of our
run's memory over its replications (until it starts gathering its tables): the peak of
their last quarter against that of their second (the peak of gathering, summary and
dashboard is printed apart). Prints the machine
first. Aim (issue 16): at least 3x batch_run's throughput, at most a third of its peak
memory, under 10 % growth.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_replication import machine  # noqa: E402


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """Memory of a process and all its descendants, in MB: the sum of their resident
    sizes (RSS: pages shared between a parent and its forked workers count once per
    process) and of their proportional sizes (PSS: each shared page split between the
    processes sharing it, so the sum is what the tree really holds)."""
    rss = pss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss / 1024, pss / 1024


def gathering(folder: Path | None) -> bool:
    """Whether a run folder's replications are over: its tables are being gathered."""
    return folder is not None and (any(folder.glob("*.parquet"))
                                   or any(folder.glob(".*.parquet.*.tmp")))


Sample = tuple[float, float, float]  # seconds since the start, RSS MB, PSS MB


def sample(pid: int, samples: list[Sample], stop: threading.Event,
           folder: Path | None, gathered: list[float]) -> None:
    started = time.perf_counter()
    while not stop.is_set():
        rss, pss = tree_memory_mb(pid)
        if rss > 0:  # 0: the process has ended
            samples.append((time.perf_counter() - started, rss, pss))
        if samples and not gathered and gathering(folder):
            gathered.append(samples[-1][0])
        stop.wait(0.5)


def measure(command: list[str], folder: Path | None = None
            ) -> tuple[float, list[Sample], int, float | None]:
    """Run ``command``, sampling the memory of its process tree every 0.5 s: the wall
    time, the samples (seconds, RSS MB, PSS MB), the exit status, and when the run folder
    ``folder`` began gathering its tables (None: not seen)."""
    samples: list[Sample] = []
    gathered: list[float] = []
    stop = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    watcher = threading.Thread(target=sample, args=(process.pid, samples, stop, folder,
                                                     gathered))
    watcher.start()
    code = process.wait()
    stop.set()
    watcher.join()
    return time.perf_counter() - started, samples, code, gathered[0] if gathered else None


BATCH_RUN = """
import inspect, mesa, sys
from sim.loader import load_scenario
from sim.model import AllianceModel
scenario = load_scenario(sys.argv[1])
parameters, options = {"scenario": [scenario]}, {}
seeds = range(int(sys.argv[2]))
if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.4+
    options["rng"] = seeds
else:
    parameters["rng"] = seeds
results = mesa.batch_run(AllianceModel, parameters, number_processes=int(sys.argv[3]),
                         max_steps=1000, display_progress=False, **options)
print(len(results), "rows", file=sys.stderr)
"""

# The least a parent and its forked workers can hold: each worker plays one replication
# (so the model's code, Mesa and numpy are loaded and touched) and keeps nothing else.
FLOOR = """
import os, sys, time
from sim.loader import load_scenario
from sim.results.tables import run_replication
scenario = load_scenario(sys.argv[1])
for worker in range(int(sys.argv[2])):
    if os.fork() == 0:
        run_replication(scenario, worker)
        time.sleep(2)
        os._exit(0)
time.sleep(4)
"""

# One process, no pool: the model stepped to its horizon directly, and by batch_run.
# batch_run's own cost per replication bounds the throughput ratio of any runner that
# plays this model one replication at a time (as batch_run does).
OVERHEAD = """
import inspect, sys, time
import mesa
from sim.loader import load_scenario
from sim.model import AllianceModel
scenario, count = load_scenario(sys.argv[1]), int(sys.argv[2])
def direct():
    for seed in range(count):
        model = AllianceModel(scenario, rng=seed)
        while model.running:
            model.step()
def driven():
    parameters, options = {"scenario": [scenario]}, {}
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.4+
        options["rng"] = range(count)
    else:
        parameters["rng"] = range(count)
    mesa.batch_run(AllianceModel, parameters, number_processes=1, max_steps=1000,
                   display_progress=False, **options)
timings = {direct: [], driven: []}
for _ in range(3):
    for way in timings:
        started = time.process_time()
        way()
        timings[way].append((time.process_time() - started) / count * 1000)
print(*(value for t in timings.values() for value in sorted(t)))
"""


def bounds(scenario: str, workers: str) -> None:
    """What no runner of this model can beat, printed before the runs: the memory of
    the parent and workers holding nothing but the model, and batch_run's own cost per
    replication beside the model's (CPU ms, median of 3 x 30 replications)."""
    _, samples, code, _ = measure([sys.executable, "-c", FLOOR, scenario, workers])
    if code != 0:
        sys.exit(f"the memory floor failed with exit status {code}")
    rss = max(sample[1] for sample in samples)
    pss = max(sample[2] for sample in samples)
    print(f"floor: a parent and {workers} forked workers that have each played one "
          f"replication and hold nothing else: RSS {rss:.0f} MB, PSS {pss:.0f} MB")
    done = subprocess.run([sys.executable, "-c", OVERHEAD, scenario, "30"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    values = [float(value) for value in done.stdout.split()]
    model, driven = values[:3], values[3:]  # each sorted: low, median, high
    overlap = model[0] <= driven[2] and driven[0] <= model[2]
    print(f"one replication, one process (CPU, median and range of 3 rounds): the model "
          f"{model[1]:.1f} ms ({model[0]:.1f}-{model[2]:.1f}), under batch_run "
          f"{driven[1]:.1f} ms ({driven[0]:.1f}-{driven[2]:.1f}) - a runner that plays the "
          f"model one replication at a time can reach about {driven[1] / model[1]:.2f}x "
          f"batch_run's throughput at most"
          + (" (the ranges overlap: batch_run adds nothing measurable)" if overlap else ""))


def growth(samples: list[Sample], end: float) -> float:
    """Per cent growth of the process tree's memory over the replications (which end at
    ``end`` seconds): its highest sample in their last quarter against its highest in
    their second. Highest, because each worker's memory rises and falls with every chunk
    of replications it holds before writing them (a sawtooth of up to 50 replications'
    tables); a leak lifts the peaks."""
    def peak(low: float, high: float) -> float:
        return max((rss for at, rss, _ in samples if low * end <= at <= high * end),
                   default=float("nan"))
    return (peak(0.75, 1.0) / peak(0.25, 0.5) - 1) * 100


def report(label: str, replications: int, seconds: float,
           samples: list[Sample]) -> tuple[float, float]:
    """Print a run's figures; return its peak RSS and peak PSS (process tree, MB)."""
    peak = max((rss for _, rss, _ in samples), default=0.0)
    peak_pss = max((pss for _, _, pss in samples), default=0.0)
    print(f"{label}: {replications} replications in {seconds:.1f} s = "
          f"{replications / seconds:.1f} replications/s; peak memory of the process tree: "
          f"RSS {peak:.0f} MB, PSS {peak_pss:.0f} MB")
    if samples:
        marks = []
        for share in (0.25, 0.5, 0.75, 1.0):
            at = min(samples, key=lambda item: abs(item[0] - share * seconds))
            marks.append(f"{int(share * 100)} %: {at[1]:.0f} MB")
        print("    RSS over the run - " + ", ".join(marks))
    return peak, peak_pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replications", type=int, default=2_000)
    parser.add_argument("--pairs", type=int, default=2,
                        help="alternating runs of each (0 batch_run runs with --pairs 0: "
                        "our runner once)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import mesa
    scenario = str(ROOT / "scenarios" / "baseline.yaml")
    count, workers = args.replications, str(args.workers)
    print(f"machine: {machine()}")
    bounds(scenario, workers)
    ours: list[tuple[float, float, float, float]] = []  # seconds, RSS, PSS, growth %
    theirs: list[tuple[float, float, float]] = []  # seconds, RSS, PSS
    with tempfile.TemporaryDirectory() as folder:
        for pair in range(max(args.pairs, 1)):
            out = Path(folder) / f"run-{pair}"
            seconds, samples, code, gathered = measure([
                sys.executable, "run.py", "run", scenario, "--replications", str(count),
                "--workers", workers, "--out", str(out), "--quiet"], out)
            if code != 0:
                sys.exit(f"run.py failed with exit status {code}")
            size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
            peaks = report(f"run.py run (--workers {workers}; {size:.0f} MB of Parquet)",
                           count, seconds, samples)
            replicated = gathered if gathered is not None else seconds
            ours.append((seconds, *peaks, growth(samples, replicated)))
            after = max((rss for at, rss, _ in samples if at >= replicated), default=0.0)
            print(f"    replications over at {replicated:.1f} s; memory growth over them "
                  f"(peak of the last quarter against peak of the second): "
                  f"{ours[-1][3]:+.1f} %; peak RSS while gathering the tables, summary and "
                  f"dashboard: {after:.0f} MB")
            if not args.pairs:
                break
            seconds, samples, code, _ = measure([sys.executable, "-c", BATCH_RUN,
                                                 scenario, str(count), workers])
            if code != 0:
                sys.exit(f"batch_run failed with exit status {code}")
            theirs.append((seconds, *report(
                f"mesa.batch_run (number_processes={workers}, Mesa {mesa.__version__})",
                count, seconds, samples)))

    def median(runs: list[tuple[float, ...]], column: int) -> float:
        return statistics.median(run[column] for run in runs)

    print(f"ours, median of {len(ours)}: {count / median(ours, 0):.1f} replications/s, "
          f"peak RSS {median(ours, 1):.0f} MB, PSS {median(ours, 2):.0f} MB, memory growth "
          f"over the replications {median(ours, 3):+.1f} % (aim: under 10 %)")
    if theirs:
        print(f"batch_run, median of {len(theirs)}: {count / median(theirs, 0):.1f} "
              f"replications/s, peak RSS {median(theirs, 1):.0f} MB, PSS "
              f"{median(theirs, 2):.0f} MB")
        print(f"throughput ours / batch_run: {median(theirs, 0) / median(ours, 0):.2f}x "
              f"(aim: 3x); peak memory ours / batch_run: RSS "
              f"{median(ours, 1) / median(theirs, 1):.2f}, PSS "
              f"{median(ours, 2) / median(theirs, 2):.2f} (aim: 1/3 or less)")


if __name__ == "__main__":
    main()
