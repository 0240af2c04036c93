"""``play``: play a nation in the browser (a local web app), or replay a saved game."""

from __future__ import annotations

import argparse
import contextlib
from datetime import UTC, datetime
from pathlib import Path

from sim.cli.errors import UsageError
from sim.cli.folders import fresh_output_folder
from sim.play.server import AppConfig

PLAYS = Path("results") / "plays"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "play", help="play a nation turn by turn in the browser, or replay a saved game",
        description="Start a local web app (on 127.0.0.1 unless --host says otherwise) in "
        "which you decide for one nation, one quarter a turn, while the other allies decide "
        "by their policies; a second page explores one run live. Every game is saved after "
        "each quarter as a play log, results/plays/<id>/play.yaml. With --replay, play a log "
        "again without the browser and write its tables. See docs/PLAY.md.",
        epilog="examples:\n  python3 run.py play scenarios/baseline.yaml --nation POL "
        "--quarters 8\n  python3 run.py play --resume results/plays/<id>/play.yaml\n"
        "  python3 run.py play --replay results/plays/<id>/play.yaml --out results/replayed",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path, nargs="?", help="scenario YAML file")
    parser.add_argument("--nation", metavar="CODE", help="the nation you play, e.g. POL")
    parser.add_argument("--seed", type=int, metavar="S",
                        help="seed of the game (default: the scenario's simulation.seed)")
    parser.add_argument("--quarters", type=int, metavar="N",
                        help="length of the game (default: the scenario's horizon)")
    parser.add_argument("--resume", type=Path, metavar="LOG",
                        help="open the app on a saved game (a play log)")
    parser.add_argument("--replay", type=Path, metavar="LOG",
                        help="replay a play log without the browser and write its tables")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="with --replay: a new folder for the tables (default: beside "
                        "the log, replay-<time>/)")
    parser.add_argument("--plays", type=Path, default=PLAYS, metavar="DIR",
                        help="folder of saved games (default: results/plays)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to serve on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, metavar="P",
                        help="port to serve on (default: a free one)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from sim.play.server import serve
    if args.replay is not None:
        if args.scenario or args.nation or args.resume or args.seed is not None \
                or args.quarters:
            raise UsageError("play --replay takes the scenario, seed and nation from the log; "
                             "give only --out with it")
        return replay(args.replay, args.out)
    if args.port is not None and not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: expected a port number between 1 and 65535")
    config = app_config(args)
    try:
        import solara  # noqa: F401  (the app's stack; an optional extra)
    except ImportError:
        raise UsageError("play needs the play extra: pip install '.[play]'") from None
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the server: not an error
        serve(config, args.host, args.port)
    return 0


def app_config(args: argparse.Namespace) -> AppConfig:
    from sim.loader import load_scenario
    # Checked before serving: games are saved there after every quarter.
    existing = next((path for path in (args.plays, *args.plays.parents) if path.exists()),
                    None)
    if existing is not None and not existing.is_dir():
        raise UsageError(f"--plays {args.plays}: {existing} is not a folder; games are saved "
                         "in a folder")
    if args.resume is not None:
        if args.scenario or args.nation:
            raise UsageError("play --resume takes the scenario and nation from the log")
        from sim.play.log import read_log

        log = read_log(args.resume)
        return AppConfig(log.scenario, log.nation, log.seed, log.quarters,
                         args.plays, args.resume)
    if args.scenario is None or args.nation is None:
        raise UsageError("play: give a scenario file and --nation CODE (or --resume LOG, "
                         "--replay LOG)")
    scenario = load_scenario(args.scenario)
    nation = args.nation.upper()
    if nation not in scenario.nation_codes:
        raise UsageError(f"--nation {args.nation}: {args.scenario} has no such nation "
                         f"(codes: {' '.join(scenario.nation_codes)})")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed {args.seed}: expected a non-negative integer")
    if args.quarters is not None and not 1 <= args.quarters <= scenario.simulation.steps:
        raise UsageError(f"--quarters {args.quarters}: expected 1 to "
                         f"{scenario.simulation.steps} (the scenario's horizon)")
    seed = scenario.simulation.seed if args.seed is None else args.seed
    return AppConfig(str(args.scenario), nation, seed,
                     args.quarters or scenario.simulation.steps, args.plays)


def replay(path: Path, out: Path | None) -> int:
    from sim.play.log import replay as replay_log
    from sim.results.tables import result_tables
    from sim.writers import write_parquet

    log, model = replay_log(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = fresh_output_folder(out or path.parent / f"replay-{stamp}")
    for name, table in result_tables(model).items():
        write_parquet(folder / f"{name}.parquet", table)
    print(f"replayed {log.quarters_played} quarters of {log.nation} on {log.scenario} "
          f"(seed {log.seed}); tables written to {folder}")
    for name, value in model.kpis().items():
        print(f"  {name:32s} {value:.6g}")
    return 0
