"""Trust and cohesion: trust, satisfaction and the alliance cohesion index.

Cohesion combines the parts named in the literature and the seed article, each in [0, 1]
and visible in the outputs: a common threat that binds (balance of threat; Walt 1987),
alignment of threat perceptions (divergent perceptions split), alignment of domestic
politics and solidarity (domestic pressure, migration among it, pulls capitals apart and
inward), fairness of burden sharing, trust built by promises kept, inclusion (nations
left out of coalitions) and transatlantic trust (US retrenchment and attention elsewhere
strain it). In the spirit of Axelrod & Bennett's landscape theory each part is a "one
minus frustration" term. Each quarter, trust in allies moves with promises kept and
broken, shared membership, joint exercises and exclusion, trust in the US follows US
commitment to Europe, and then cohesion is measured. Low cohesion has consequences
elsewhere: agreements take longer and pooling appeals less (sim.mechanisms.negotiation,
sim.policies.behavioural).
"""

from __future__ import annotations

import numpy as np

from sim.enums import Governance, VentureKind
from sim.schema.alliance import Cohesion
from sim.state import State
from sim.statistics import gini, spread


def alignment(std: float) -> float:
    """1 minus twice the standard deviation (values in [0, 1]), clipped to [0, 1]."""
    return min(max(1.0 - 2.0 * std, 0.0), 1.0)


def update_trust(trust: np.ndarray, kept: np.ndarray, broken: np.ndarray,
                 memberships: np.ndarray, left_out: np.ndarray, gain_kept: float,
                 loss_broken: float, gain_membership: float, loss_excluded: float
                 ) -> np.ndarray:
    """Trust moves with promises kept and broken, shared membership and exclusion.

    Counts are per nation this quarter (milestones kept, broken; active memberships;
    areas left out of coalitions); each event moves trust a fixed share of the way to 1
    (gains) or to 0 (losses), so trust stays in [0, 1].
    """
    trust = 1.0 - (1.0 - trust) * (1.0 - gain_kept) ** kept
    trust = 1.0 - (1.0 - trust) * (1.0 - gain_membership) ** memberships
    trust = trust * (1.0 - loss_broken) ** broken
    return trust * (1.0 - loss_excluded) ** left_out


def fairness(share: np.ndarray, mean_share: float) -> np.ndarray:
    """A nation's sense of fair burden sharing: 1 at or below the alliance's average
    burden, falling to 0 at twice the average."""
    if mean_share <= 0:
        return np.ones_like(share)
    return np.minimum(np.maximum(2.0 - share / mean_share, 0.0), 1.0)


def weighted_mean(parts: dict[str, float | np.ndarray], weights: dict[str, float]
                  ) -> float | np.ndarray:
    """Mean of the named parts with the given weights (weights need not sum to 1)."""
    total = sum(weights.values())
    return sum(weights[name] * parts[name] for name in weights) / total


def count_memberships(state: State, governance: Governance) -> None:
    """Memberships of open ventures (proposed or active) per nation, the active ones
    (which build trust), and who is left out of coalitions."""
    book, record = state.ventures, state.cohesion
    open_programmes = book.member_of[VentureKind.PROGRAMME] >= 0
    open_hubs = book.member_of[VentureKind.HUB] >= 0
    record.memberships = open_programmes.sum(axis=1) + open_hubs.sum(axis=1)
    record.active_memberships = (book.active_member(VentureKind.PROGRAMME).sum(axis=1)
                                 + book.active_member(VentureKind.HUB).sum(axis=1))
    left_out = np.zeros((state.n, state.areas.n), dtype=bool)
    if governance is Governance.COALITIONS:
        coalition_in_area = open_programmes.any(axis=0)
        left_out = coalition_in_area[None, :] & ~open_programmes & \
            state.nations.spends[:, None]
    record.left_out = left_out


def update_trust_of(state: State, params: Cohesion, exercise_trust_gain: float) -> None:
    """Promises kept and broken, shared membership, joint exercises and exclusion move
    trust in allies; trust in the US moves toward US commitment to Europe."""
    nations, record = state.nations, state.cohesion
    nations.trust_allies = update_trust(
        nations.trust_allies, record.kept, record.broken,
        record.active_memberships.astype(float), record.left_out.sum(axis=1).astype(float),
        params.trust_gain_kept, params.trust_loss_broken, params.trust_gain_membership,
        params.trust_loss_excluded)
    gain = exercise_trust_gain * nations.practice
    nations.trust_allies = 1.0 - (1.0 - nations.trust_allies) * (1.0 - gain)
    nations.trust_us += params.us_trust_adjustment * (state.world.us_europe
                                                      - nations.trust_us)


def dispersion(std: float, mean: float) -> float:
    """Spread of values relative to their mean (coefficient of variation, the mean held
    above 0.05), so that a common rise does not count as divergence."""
    return std / max(mean, 0.05)


def measure(state: State, params: Cohesion) -> None:
    """The cohesion index, its parts, and each nation's satisfaction."""
    nations, record = state.nations, state.cohesion
    left_out_share = record.left_out.sum(axis=1) / record.left_out.shape[1]
    spenders = nations.spends
    share = nations.share[spenders]
    mean_share = float(share.sum()) / share.size if share.size else 0.0
    perceived = nations.perceived
    mean_perceived, perceived_deviation, perceived_std = spread(perceived)
    mean_pressure, pressure_deviation, pressure_std = spread(nations.pressure)
    us_trust = nations.trust_us[~nations.is_us]
    record.burden_gini = gini(share)
    record.parts = {
        "common_threat": mean_perceived,
        "threat_alignment": max(1.0 - dispersion(perceived_std, mean_perceived), 0.0),
        "political_alignment": alignment(pressure_std),
        "solidarity": 1.0 - mean_pressure,
        "fairness": 1.0 - record.burden_gini,
        "trust": float(nations.trust_allies.sum()) / state.n,
        "inclusion": 1.0 - float(left_out_share.sum()) / state.n,
        "transatlantic": float(us_trust.sum()) / us_trust.size if us_trust.size else 1.0,
    }
    weights = {
        "common_threat": params.weight_common_threat,
        "threat_alignment": params.weight_threat_alignment,
        "political_alignment": params.weight_political_alignment,
        "solidarity": params.weight_solidarity,
        "fairness": params.weight_fairness,
        "trust": params.weight_trust,
        "inclusion": params.weight_inclusion,
        "transatlantic": params.weight_transatlantic,
    }
    record.cohesion = float(weighted_mean(record.parts, weights))
    nation_fairness = np.where(spenders, fairness(nations.share, mean_share), 1.0)
    threat_alignment = 1.0 - np.abs(perceived_deviation) / max(mean_perceived, 0.05)
    nation_parts = {
        "common_threat": perceived,
        "threat_alignment": np.minimum(np.maximum(threat_alignment, 0.0), 1.0),
        "political_alignment": 1.0 - np.abs(pressure_deviation),
        "solidarity": 1.0 - nations.pressure,
        "fairness": nation_fairness,
        "trust": nations.trust_allies,
        "inclusion": 1.0 - left_out_share,
        "transatlantic": np.where(nations.is_us, 1.0, nations.trust_us),
    }
    record.satisfaction = np.minimum(np.maximum(weighted_mean(nation_parts, weights), 0.0),
                                     1.0)


def cohesion_factor(cohesion: float, params: Cohesion) -> float:
    """Multiplier of the chance of agreeing a venture: (cohesion / reference) to the
    ``agreement_sensitivity``, so agreements take longer when cohesion is low."""
    return (max(cohesion, 1e-6) / max(params.reference_cohesion, 1e-6)) ** \
        params.agreement_sensitivity


def advance(state: State, params: Cohesion, governance: Governance,
            exercise_trust_gain: float) -> None:
    """Trust, then cohesion, at the end of the quarter."""
    count_memberships(state, governance)
    update_trust_of(state, params, exercise_trust_gain)
    measure(state, params)
