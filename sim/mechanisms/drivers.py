"""Exogenous drivers: trajectories with noise, plus dated injects; each quarter the world
and domestic politics move along them.

Everything here is exogenous to the nations' choices, so the whole path of each driver is
drawn once when a run starts (vectorised, and independent of policy: the same seed gives
the same threat and US commitment whatever the nations do). Index 0 of every path is the
starting state; index t the value during step t.
"""

from __future__ import annotations

import numpy as np

from sim.schema import Inject, InjectMode, InjectTarget, Scenario, Trajectory
from sim.schema.alliance import Decisions
from sim.schema.drivers import INJECT_RANGES, TRAJECTORY_RANGES
from sim.state import DriverPaths, NodeAttack, State


def trajectory_path(trajectory: Trajectory, steps: int) -> np.ndarray:
    """Keyframes joined by straight lines, flat before the first and after the last."""
    points = trajectory.points
    return np.interp(np.arange(steps + 1), list(points), list(points.values()))


def ar1_noise(rng: np.random.Generator, sd: float, persistence: float,
              shape: tuple[int, ...]) -> np.ndarray:
    """AR(1) noise along axis 0 with stationary standard deviation ``sd``, starting at 0."""
    # Draw even when sd is 0, so that a noise setting never shifts later draws.
    shocks = rng.standard_normal(size=shape) * (sd * np.sqrt(1 - persistence**2))
    return fading_sum(shocks, persistence)


def fading_sum(shocks: np.ndarray, persistence: float) -> np.ndarray:
    """Along axis 0: 0 at first, then ``persistence`` of the last value plus this
    step's shock (the first shock is not used)."""
    total = np.zeros(shocks.shape)
    # A recurrence, step by step; a single series in Python floats (the same arithmetic
    # as numpy's scalars, at a fraction of their overhead).
    level, steps = (0.0, shocks.tolist()) if shocks.ndim == 1 else (total[0], shocks)
    for t in range(1, shocks.shape[0]):
        level = persistence * level + steps[t]
        total[t] = level
    return total


def apply_inject(path: np.ndarray, inject: Inject, columns: np.ndarray | None = None) -> None:
    """Apply a driver inject in place from its step, for its duration or to the end."""
    end = path.shape[0] if inject.duration is None else inject.step + inject.duration
    window = (slice(inject.step, end),) if columns is None else \
        (slice(inject.step, end), columns)
    if inject.mode is InjectMode.SET:
        path[window] = inject.value
    elif inject.mode is InjectMode.ADD:
        path[window] += inject.value
    else:
        path[window] *= inject.value


def _driver(scenario: Scenario, name: str, rng: np.random.Generator) -> np.ndarray:
    """A model-level driver: trajectory and its injects, noise on top, clipped to the
    range the schema declares for it (TRAJECTORY_RANGES)."""
    lower, upper = TRAJECTORY_RANGES[name]
    trajectory: Trajectory = getattr(scenario.drivers, name)
    steps = scenario.simulation.steps
    path = trajectory_path(trajectory, steps)
    for inject in scenario.injects:
        if inject.target.value == name:
            apply_inject(path, inject)
    noise = ar1_noise(rng, trajectory.noise_sd, trajectory.persistence, (steps + 1,))
    return np.clip(path + noise, lower, upper)


def draw_driver_paths(scenario: Scenario, drivers_rng: np.random.Generator,
                      politics_rng: np.random.Generator) -> DriverPaths:
    """Draw every exogenous path of one run."""
    steps = scenario.simulation.steps
    nations = scenario.nations.members
    n = len(nations)
    code_index = {nation.code: i for i, nation in enumerate(nations)}
    drivers = scenario.drivers

    def columns(inject: Inject) -> np.ndarray:
        if not inject.nations:
            return np.arange(n)
        return np.array([code_index[code.upper()] for code in inject.nations], dtype=int)

    # Fixed order of draws from each stream keeps the pairing of common random numbers.
    threat = _driver(scenario, "threat", drivers_rng)
    us_commitment = _driver(scenario, "us_commitment", drivers_rng)
    attack_rate = _driver(scenario, "hybrid_attack_rate", drivers_rng)
    negotiation_chance = _driver(scenario, "negotiation_chance", drivers_rng)
    negotiating = drivers_rng.random(steps + 1) < negotiation_chance
    negotiating[0] = False
    within = [inject for inject in scenario.injects if inject.step <= steps]
    for inject in within:
        if inject.target is InjectTarget.NEGOTIATION:
            negotiating[inject.step] = True
    negotiation_step = int(np.argmax(negotiating)) if negotiating.any() else steps + 1
    threat[negotiation_step:] *= 1.0 - drivers.negotiation_threat_drop

    # Migration salience: each nation's own level times an alliance-wide multiplier.
    base_salience = np.array([nation.migration_salience for nation in nations])
    multiplier = trajectory_path(drivers.migration_salience, steps)
    salience = multiplier[:, None] * base_salience[None, :]
    salience += ar1_noise(drivers_rng, drivers.migration_salience.noise_sd,
                          drivers.migration_salience.persistence, (steps + 1, n))
    for inject in scenario.injects:
        if inject.target is InjectTarget.MIGRATION_SALIENCE:
            apply_inject(salience, inject, columns(inject))
    salience = np.clip(salience, *INJECT_RANGES[InjectTarget.MIGRATION_SALIENCE])

    # Domestic pressure: a base level, migration salience, and election shocks that fade.
    shocks = np.zeros((steps + 1, n))
    phase = politics_rng.integers(0, drivers.election_interval, size=n)
    election = (np.arange(steps + 1)[:, None] % drivers.election_interval) == phase[None, :]
    election[0] = False
    shocks[election] = politics_rng.normal(0.0, drivers.election_shock_sd,
                                           size=int(election.sum()))
    for inject in within:
        if inject.target is InjectTarget.ELECTION:
            shocks[inject.step, columns(inject)] += inject.value
    election_effect = fading_sum(shocks, drivers.pressure_persistence)
    base_pressure = np.array([nation.political_pressure for nation in nations])
    pressure = base_pressure[None, :] + drivers.migration_weight * salience + election_effect
    for inject in scenario.injects:
        if inject.target is InjectTarget.POLITICAL_PRESSURE:
            apply_inject(pressure, inject, columns(inject))
    pressure = np.clip(pressure, *INJECT_RANGES[InjectTarget.POLITICAL_PRESSURE])

    # Growth in % per year: trend plus the shared cycle plus injects, per step as a fraction.
    trend = np.array([nation.gdp_growth for nation in nations])
    shift = _driver(scenario, "gdp_growth_shift", drivers_rng)
    growth = trend[None, :] + shift[:, None]
    for inject in scenario.injects:
        if inject.target is InjectTarget.GDP_GROWTH:
            apply_inject(growth, inject, columns(inject))
    growth = np.clip(growth, *INJECT_RANGES[InjectTarget.GDP_GROWTH]) / 100.0 / \
        scenario.simulation.steps_per_year

    area_index = {area.name: k for k, area in enumerate(scenario.alliance.areas)}
    node_attacks: dict[int, list[NodeAttack]] = {}
    for inject in scenario.injects:
        if inject.target is InjectTarget.NODE_ATTACK:
            area = None if inject.area is None else area_index[inject.area]
            node_attacks.setdefault(inject.step, []).append(
                NodeAttack(columns(inject), area, inject.duration))

    # Drawn last, so that adding them left the earlier draws of every seed unchanged.
    pacific_attention = _driver(scenario, "us_pacific_attention", drivers_rng)
    exposure = np.array([nation.threat_exposure for nation in nations])
    perception_shift = nation_path(scenario, "threat_perception_shift",
                                   InjectTarget.THREAT_PERCEPTION, drivers_rng, columns)
    aid_level = nation_path(scenario, "ukraine_aid", InjectTarget.UKRAINE_AID, drivers_rng,
                            columns)
    return DriverPaths(threat=threat, us_commitment=us_commitment,
                       attack_rate=attack_rate * threat, migration_salience=salience,
                       political_pressure=pressure, growth=growth,
                       negotiation_step=negotiation_step, node_attacks=node_attacks,
                       pacific_attention=pacific_attention,
                       perception_shift=np.clip(perception_shift,
                                                *TRAJECTORY_RANGES["threat_perception_shift"]),
                       ukraine_aid=np.maximum(aid_level * 2.0 * exposure[None, :], 0.0))


def nation_path(scenario: Scenario, name: str, target: InjectTarget,
                rng: np.random.Generator, columns) -> np.ndarray:
    """[T+1, N] an alliance-wide trajectory with its noise, then the injects aimed at it
    (for some nations or all)."""
    steps, n = scenario.simulation.steps, len(scenario.nations.members)
    trajectory: Trajectory = getattr(scenario.drivers, name)
    level = trajectory_path(trajectory, steps) + ar1_noise(
        rng, trajectory.noise_sd, trajectory.persistence, (steps + 1,))
    path = np.repeat(level[:, None], n, axis=1)
    for inject in scenario.injects:
        if inject.target is target:
            apply_inject(path, inject, columns(inject))
    return path


def effective_sovereignty(sovereignty: np.ndarray, pressure: np.ndarray,
                          pressure_start: np.ndarray, from_pressure: float) -> np.ndarray:
    """Sovereignty preference raised by domestic pressure above its start."""
    return np.minimum(np.maximum(sovereignty + from_pressure * (pressure - pressure_start), 0.0),
                      1.0)


def perceived_threat(threat: float, exposure: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """[N] 0-1: the threat as each nation feels it."""
    return np.minimum(np.maximum(threat * exposure + shift, 0.0), 1.0)


def advance(state: State, decisions: Decisions) -> None:
    """Quarter ``state.step``: threat, US commitment (and the share of it the Indo-Pacific
    leaves Europe), each nation's perceived threat and domestic pressure from the drawn
    paths; sovereignty follows pressure; GDP grows."""
    t, world, nations = state.step, state.world, state.nations
    world.threat = float(world.paths.threat[t])
    world.us_commitment = float(world.paths.us_commitment[t])
    world.pacific_attention = float(world.paths.pacific_attention[t])
    world.us_europe = world.us_commitment * (1.0 - world.pacific_attention)
    nations.perceived = perceived_threat(world.threat, nations.exposure,
                                         world.paths.perception_shift[t])
    nations.pressure = world.paths.political_pressure[t]
    nations.effective_sovereignty = effective_sovereignty(
        nations.sovereignty, nations.pressure, nations.pressure_start,
        decisions.sovereignty_from_pressure)
    nations.gdp = nations.gdp * (1.0 + world.paths.growth[t])
