"""How the cost of a replication grows with nations and steps, and what each backend delivers.

Usage: python benchmarks/bench_scaling.py [--quick] [--repeats 5] [--replications 100]
       [--workers 2] [--out docs/benchmarks]

1. Model cost (``sim.runner.run_model``: set-up, steps and data collection, one process,
   no tables or files) of the baseline under coalitions of the willing, two one-way
   sweeps: nations 32, 64, 128, 256, 512 at 40 quarters, and steps 40, 80, 160, 320, 640
   with the 32 allies. The median of ``--repeats`` seeds per point, with the programmes
   and hubs formed in the first seed's run: ventures form at every size under coalitions
   (consensus forms none from 128 nations up - unanimity among that many is never
   reached - so its points would time only the array rules). Up to 32 nations are the
   largest shipped allies; beyond, synthetic allies are copies of the 31 non-US allies
   with new codes (``DEU2``, ``DEU3``, ...) and GDP scaled by a factor drawn once in
   [0.5, 1.5] (no two copies alike, so no ties).
   The log-log slope of cost against size is fitted on the two largest sizes of each sweep
   (where fixed costs no longer dominate): about 1 is linear, 2 quadratic.
2. Replications per second of ``run_experiment`` (tables and Parquet files included, pool
   start-up included) for the serial, process and dask backends (dask: a LocalCluster on
   127.0.0.1, started inside the timing).

Prints the machine first; writes ``scaling.csv`` and ``scaling.html`` (plotly, with
plotly.min.js beside it: works offline) to ``--out``. The default run takes a few minutes
on two cores; ``--quick`` (2 repeats, 20 replications) well under one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_replication import machine  # noqa: E402
from sim.experiment.backends import Backend  # noqa: E402
from sim.experiment.runner import run_experiment  # noqa: E402
from sim.loader import apply_overrides, load_scenario  # noqa: E402
from sim.runner import run_model  # noqa: E402
from sim.schema import Scenario  # noqa: E402

NATIONS = (32, 64, 128, 256, 512)
STEPS = (40, 80, 160, 320, 640)


def with_nations(scenario: Scenario, count: int) -> Scenario:
    """The scenario with ``count`` nations: the largest allies by GDP, then synthetic
    copies of the non-US allies (new code, scaled GDP, never the United States)."""
    members = sorted((nation.model_dump() for nation in scenario.nations.members),
                     key=lambda nation: -nation["gdp_usd_bn"])
    chosen = members[:count]
    templates = [nation for nation in members if not nation["is_us"]]
    factors = np.random.default_rng(0).uniform(0.5, 1.5, size=max(count - len(members), 0))
    for extra, factor in enumerate(factors):
        template = templates[extra % len(templates)]
        copy = extra // len(templates) + 2
        chosen.append({**template, "code": f"{template['code']}{copy}",
                       "name": f"{template['name'] or template['code']} {copy}",
                       "gdp_usd_bn": template["gdp_usd_bn"] * float(factor),
                       "industrial_weight": None if template["industrial_weight"] is None
                       else template["industrial_weight"] * float(factor)})
    document = scenario.model_dump()
    document["nations"] = {"from_csv": [], "members": chosen}
    return Scenario.model_validate(document)


def model_cost(scenario: Scenario, repeats: int) -> tuple[float, int, int]:
    """Median milliseconds of one replication's model run over ``repeats`` seeds, and the
    programmes and hubs formed in the first."""
    run_model(scenario, 10_000)  # warm-up
    timings, formed = [], (0, 0)
    for seed in range(repeats):
        started = time.perf_counter()
        model = run_model(scenario, seed)
        timings.append((time.perf_counter() - started) * 1000)
        if seed == 0:
            formed = (model.state.totals.programmes_formed, model.state.totals.hubs_formed)
    return statistics.median(timings), *formed


def slope(sizes: list[int], costs: list[float]) -> float:
    """Log-log slope between the two largest sizes."""
    return float(np.log(costs[-1] / costs[-2]) / np.log(sizes[-1] / sizes[-2]))


def backend_rate(scenario: Scenario, backend: Backend, replications: int, workers: int
                 ) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        outcome = run_experiment(scenario, Path(folder) / "run", seed=1,
                                 replications=replications, workers=workers,
                                 backend=backend)
        seconds = time.perf_counter() - started
    if not outcome.complete:
        raise RuntimeError(f"{backend.value}: {outcome.failures or 'incomplete'}")
    return replications / seconds


def chart(frame: pd.DataFrame, title: str) -> go.Figure:
    figure = make_subplots(rows=1, cols=3, subplot_titles=(
        "cost vs nations (40 quarters, coalitions)", "cost vs steps (32 nations, coalitions)",
        "replications per second (baseline, tables written)"))
    for column, sweep in ((1, "nations"), (2, "steps")):
        rows = frame[frame["sweep"] == sweep]
        sizes, costs = rows["size"].to_numpy(float), rows["ms"].to_numpy(float)
        figure.add_trace(go.Scatter(x=sizes, y=costs, mode="lines+markers",
                                    name=f"measured ({sweep})",
                                    hovertemplate="%{x}: %{y:.1f} ms<extra></extra>"),
                         row=1, col=column)
        # Slope 1 and slope 2 through the smallest point: linear and quadratic growth.
        for power, dash in ((1, "dot"), (2, "dash")):
            figure.add_trace(go.Scatter(
                x=sizes, y=costs[0] * (sizes / sizes[0]) ** power, mode="lines",
                line={"dash": dash, "color": "#999999"},
                name=f"slope {power} ({'linear' if power == 1 else 'quadratic'})",
                showlegend=column == 1), row=1, col=column)
        figure.update_xaxes(type="log", title_text=sweep, row=1, col=column)
        figure.update_yaxes(type="log", title_text="ms per replication (model)", row=1,
                            col=column)
    rates = frame[frame["sweep"] == "backend"]
    figure.add_trace(go.Bar(x=rates["backend"], y=rates["per_second"], name="backends",
                            marker_color="#0072B2", text=rates["per_second"].round(1),
                            textposition="outside"), row=1, col=3)
    figure.update_yaxes(title_text="replications per second", row=1, col=3)
    figure.update_layout(title=title, height=560, width=1280, template="plotly_white",
                         legend={"orientation": "h", "y": -0.2})
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="2 repeats and 20 replications per backend")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    args = parser.parse_args()
    repeats, replications = (2, 20) if args.quick else (args.repeats, args.replications)
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    base = apply_overrides(baseline, {"alliance.governance": "coalitions"})
    print(f"machine: {machine()}")
    rows = []
    for sweep, sizes in (("nations", NATIONS), ("steps", STEPS)):
        for size in sizes:
            scenario = with_nations(base, size) if sweep == "nations" else \
                apply_overrides(base, {"simulation.steps": size})
            cost, programmes, hubs = model_cost(scenario, repeats)
            rows.append({"sweep": sweep, "size": size, "ms": cost,
                         "programmes": programmes, "hubs": hubs})
            shape = f"{size:4d} nations x 40" if sweep == "nations" else \
                f"  32 nations x {size:3d}"
            print(f"{shape} quarters: {cost:8.1f} ms per replication; formed "
                  f"{programmes} programmes, {hubs} hubs")
    slopes = {}
    for sweep in ("nations", "steps"):
        points = [row for row in rows if row["sweep"] == sweep]
        slopes[sweep] = slope([p["size"] for p in points], [p["ms"] for p in points])
        print(f"log-log slope vs {sweep} (two largest sizes): {slopes[sweep]:.2f}")
    for backend in Backend:
        rate = backend_rate(baseline, backend, replications, args.workers)
        rows.append({"sweep": "backend", "backend": backend.value, "per_second": rate,
                     "replications": replications,
                     "workers": 1 if backend is Backend.SERIAL else args.workers})
        print(f"backend {backend.value:>7}: {rate:5.1f} replications per second "
              f"({replications} replications, start-up included)")
    frame = pd.DataFrame(rows, columns=["sweep", "size", "ms", "programmes", "hubs",
                                        "backend", "per_second", "replications", "workers"])
    frame["machine"] = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "scaling.csv", index=False, float_format="%.3f")
    title = (f"alliance-sim scaling - slope vs nations {slopes['nations']:.2f}, vs steps "
             f"{slopes['steps']:.2f}<br><sup>{machine()}</sup>")
    # plotly.js beside the page (works offline); identical across runs, so regenerating
    # the chart does not add megabytes to the repository's history.
    chart(frame, title).write_html(args.out / "scaling.html", include_plotlyjs="directory")
    print(f"wrote {args.out / 'scaling.csv'} and {args.out / 'scaling.html'}")


if __name__ == "__main__":
    main()
