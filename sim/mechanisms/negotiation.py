"""Negotiation and formation of joint programmes and hubs: who joins, who leaves, and how
long agreeing takes.

Agreement follows veto-player theory (Tsebelis 2002): the chance that a proposal is agreed
in a quarter falls with every additional veto player and with the spread of their
preferences. Under consensus every ally is a veto player; a coalition of the willing needs
only its members. Coalitions gather around lead nations, choosing partners as in
Axelrod & Bennett's landscape theory (1993): nations close in preferences, sharing a
standard and trusting their allies are the least "frustrated" partners.

Each quarter: coalitions the scenario sets up propose their programmes; nations whose
policies decided to leave a venture leave it (a hub left with fewer than two members
closes); nations whose policies proposed a programme to named partners propose it; nations
willing to pool or share a hub propose one (under consensus, join the alliance-wide one
already open); every proposal draws for agreement; an agreed programme lets its members
choose its standard, sets its hosts, production line and milestones; an agreed hub picks
its hosts and stands until its members leave; proposals past the negotiation limit stall;
programmes past their end complete.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Governance, VentureKind, VentureState
from sim.mechanisms import milestones, standards
from sim.mechanisms.cohesion import cohesion_factor
from sim.policies.base import Decisions
from sim.schema.alliance import Alliance, Formation
from sim.state import State, Venture
from sim.statistics import spread

# A hub is joint while at least two nations fund it.
MIN_HUB_MEMBERS = 2


def agreement_probability(veto_players: int, preference_spread: float, base_rate: float,
                          veto_player_drag: float, preference_drag: float) -> float:
    """Chance per quarter that a proposal is agreed."""
    extra_players = max(veto_players - 2, 0)
    return float(base_rate * np.exp(-veto_player_drag * extra_players
                                    - preference_drag * preference_spread))


def preference_spread(sovereignty: np.ndarray) -> float:
    """Standard deviation of the negotiators' effective sovereignty (non-empty): numpy's
    ``std`` bit for bit, at a fraction of its per-call cost."""
    return spread(sovereignty)[2]


def coalition_affinity(candidate_preference: np.ndarray, lead_preference: float,
                       same_standard: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """Attraction of candidates to a lead nation (the negative of landscape frustration)."""
    return -2.0 * np.abs(candidate_preference - lead_preference) + 1.0 * same_standard \
        + 1.0 * trust


def gather_coalitions(pool: np.ndarray, lead_weight: np.ndarray, preference: np.ndarray,
                      standard: np.ndarray, trust: np.ndarray, min_members: int,
                      max_members: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Split the willing nations ``pool`` into coalitions around lead nations.

    The heaviest remaining nation leads; it invites the partners with the highest affinity
    (plus Gumbel noise: a logit choice of partners) up to ``max_members``. Leftovers too few
    for a coalition stay out.
    """
    remaining = list(pool)
    coalitions: list[np.ndarray] = []
    while len(remaining) >= min_members:
        candidates = np.array(remaining)
        lead = int(candidates[np.argmax(lead_weight[candidates])])
        others = candidates[candidates != lead]
        affinity = coalition_affinity(preference[others], preference[lead],
                                      standard[others] == standard[lead], trust[others])
        affinity = affinity + rng.gumbel(0.0, 0.5, size=others.size)
        chosen = others[np.argsort(-affinity, kind="stable")[: max_members - 1]]
        members = np.concatenate(([lead], chosen)).astype(int)
        coalitions.append(members)
        joined = set(members.tolist())  # once per coalition: linear in the pool, not quadratic
        remaining = [nation for nation in remaining if nation not in joined]
    return coalitions


def expected_agreement_chance(state: State, alliance: Alliance) -> float:
    """Chance per quarter that a new proposal would be agreed, as nations judge it."""
    params, spends = alliance.formation, state.nations.spends
    veto = spends.sum() if alliance.governance is Governance.CONSENSUS else \
        params.max_coalition_size
    differences = preference_spread(state.nations.effective_sovereignty[spends])
    return agreement_probability(int(veto), differences, params.agreement_rate,
                                 params.veto_player_drag, params.preference_drag) * \
        cohesion_factor(state.cohesion.cohesion, alliance.cohesion)


def advance(state: State, decisions: Decisions, alliance: Alliance,
            rng: np.random.Generator) -> None:
    """One quarter of negotiation (see the module's docstring for the order)."""
    t, ventures = state.step, state.ventures
    form_scripted_coalitions(state, alliance, rng)
    for kind in VentureKind:
        if decisions.leave[kind].any():
            leave(state, kind, np.nonzero(decisions.leave[kind]), alliance.formation)
    for proposal in decisions.proposals:  # coalitions a policy proposed to named partners
        propose_coalition(state, proposal.area, proposal.members, proposal.name)
    open_ventures = {(v.kind, v.area): v for v in ventures.live
                     if v.alliance_wide and v.open}
    for kind in VentureKind:
        if not getattr(alliance.pathways, kind.pathway.label).enabled:
            continue
        willing = decisions.join[kind] & state.nations.spends[:, None]
        free = willing & (ventures.member_of[kind] < 0)
        for area in np.flatnonzero(free.any(axis=0)):
            propose(state, kind, int(area), np.flatnonzero(free[:, area]),
                    open_ventures.get((kind, int(area))), alliance, rng)
    proposed, active = VentureState.PROPOSED, VentureState.ACTIVE  # enum lookups once
    for venture in ventures.live:
        if venture.state is proposed:
            advance_negotiation(state, venture, alliance, rng)
        elif venture.state is active and venture.end_step is not None and \
                t >= venture.end_step:
            venture.state = VentureState.COMPLETED
            release_members(state, venture)
    ventures.refresh()


def form_scripted_coalitions(state: State, alliance: Alliance,
                             rng: np.random.Generator) -> None:
    """Coalitions of the willing set up by the scenario propose their programmes."""
    codes = state.nations.codes
    for coalition in alliance.coalitions:
        if coalition.step == state.step:
            members = np.array([codes.index(code) for code in coalition.members])
            propose_coalition(state, state.areas.names.index(coalition.area), members,
                              coalition.name)


def propose_coalition(state: State, area: int, members: np.ndarray, name: str) -> None:
    """Named nations propose a pooled programme, the first leading (members already in an
    open programme in the area stay where they are; fewer than two left: no proposal)."""
    nations = state.nations
    free = members[(state.ventures.member_of[VentureKind.PROGRAMME][members, area] < 0)
                   & nations.spends[members]]
    if free.size < 2:
        return
    open_venture(state, VentureKind.PROGRAMME, area, free, lead=int(free[0]),
                 veto=free.size, spread=preference_spread(nations.effective_sovereignty[free]),
                 alliance_wide=False, name=name)


def open_venture(state: State, kind: VentureKind, area: int, members: np.ndarray, *,
                 lead: int, veto: int, spread: float, alliance_wide: bool,
                 name: str = "") -> None:
    venture = Venture(
        venture_id=len(state.ventures.ventures), kind=kind, area=area, lead=lead,
        members=np.zeros(0, dtype=int), veto_players=veto, preference_spread=spread,
        proposed_step=state.step, alliance_wide=alliance_wide, name=name)
    state.ventures.add(venture)
    venture.add_members(members, np.zeros(members.size, dtype=bool))
    join(state, venture, members)


def propose(state: State, kind: VentureKind, area: int, free: np.ndarray,
            open_alliance_venture: Venture | None, alliance: Alliance,
            rng: np.random.Generator) -> None:
    """Willing nations not yet in a venture of this kind and area propose one (or, under
    consensus, join the alliance-wide one that is already open)."""
    params = alliance.formation
    nations = state.nations
    sovereignty = nations.effective_sovereignty
    consensus = alliance.governance is Governance.CONSENSUS
    if consensus:
        if open_alliance_venture is not None:  # it admits latecomers
            adapting = (open_alliance_venture.standard >= 0) & \
                (state.standards.standard[free, area] != open_alliance_venture.standard)
            open_alliance_venture.add_members(free, adapting)
            join(state, open_alliance_venture, free)
            return
        if free.size < params.min_members:
            return
        # Every ally is a veto player, whether it joins or not.
        groups = [(free, int(nations.spends.sum()),
                   preference_spread(sovereignty[nations.spends]))]
    else:
        if free.size < params.min_members:
            return
        lead_weight = nations.industrial_weight * \
            state.choices.allocation[:, area, kind.pathway]
        coalitions = gather_coalitions(
            free, lead_weight, sovereignty, state.standards.standard[:, area],
            nations.trust_allies, params.min_members, params.max_coalition_size, rng)
        groups = [(group, group.size, preference_spread(sovereignty[group]))
                  for group in coalitions]
    for group, veto, differences in groups:
        # A coalition's lead is the nation that gathered it (listed first); the
        # alliance-wide venture's is its heaviest member.
        lead = int(group[np.argmax(nations.industrial_weight[group])]) if consensus \
            else int(group[0])
        open_venture(state, kind, area, group, lead=lead, veto=veto, spread=differences,
                     alliance_wide=consensus)


def join(state: State, venture: Venture, nations: np.ndarray) -> None:
    """Nations join; in an agreed programme they take its standard as the one they
    harmonise toward (what they already buy and field does not change by joining)."""
    state.ventures.member_of[venture.kind][nations, venture.area] = venture.venture_id
    if venture.kind is VentureKind.PROGRAMME and venture.state is VentureState.ACTIVE:
        state.standards.target[nations, venture.area] = venture.standard


def leave(state: State, kind: VentureKind, cells: tuple[np.ndarray, np.ndarray],
          params: Formation) -> None:
    """Nations leave their open venture of ``kind`` in the given (nation, area) cells.

    From a proposal they simply withdraw (it stalls if fewer than ``min_members`` remain);
    from an active venture they stop paying in, and what they ordered is still delivered;
    a hub left with fewer than two members closes.
    """
    book = state.ventures
    for nation, area in zip(*cells, strict=True):
        venture_id = book.member_of[kind][nation, area]
        if venture_id < 0:
            continue
        venture = book.ventures[venture_id]
        book.member_of[kind][nation, area] = -1
        venture.members_left = True
        if venture.state is VentureState.PROPOSED:
            venture.withdraw_before_agreement(np.array([nation]))
            if venture.members.size < params.min_members:
                venture.state = VentureState.STALLED
                release_members(state, venture)
        elif venture.kind is VentureKind.HUB and \
                book.current_members(venture).size < MIN_HUB_MEMBERS:
            venture.state = VentureState.CLOSED
            release_members(state, venture)


def release_members(state: State, venture: Venture) -> None:
    member = state.ventures.member_of[venture.kind]
    rows = venture.members[member[venture.members, venture.area] == venture.venture_id]
    member[rows, venture.area] = -1


def blocked(state: State, venture: Venture, alliance: Alliance,
            rng: np.random.Generator) -> bool:
    """Under consensus every ally is a veto player: one whose domestic politics turn
    against the alliance may block an alliance-wide proposal this quarter (Tsebelis 2002;
    NATO and EU decisions held up by single allies)."""
    if not venture.alliance_wide:
        return False
    params, nations = alliance.cohesion, state.nations
    unhappy = nations.spends & (nations.pressure > params.blocking_pressure)
    if not unhappy.any():
        return False
    return bool(rng.random() < params.blocking_chance)


def advance_negotiation(state: State, venture: Venture, alliance: Alliance,
                        rng: np.random.Generator) -> None:
    params = alliance.formation
    chance = agreement_probability(
        venture.veto_players, venture.preference_spread, params.agreement_rate,
        params.veto_player_drag, params.preference_drag) * \
        cohesion_factor(state.cohesion.cohesion, alliance.cohesion)
    if blocked(state, venture, alliance, rng):
        state.totals.blocks += 1
    elif rng.random() < chance:
        agree(state, venture, alliance, rng)
        return
    if state.step - venture.proposed_step >= params.max_negotiation:
        venture.state = VentureState.STALLED
        release_members(state, venture)


def agree(state: State, venture: Venture, alliance: Alliance,
          rng: np.random.Generator) -> None:
    """The venture becomes active. A hub picks its hosts and stands with no fixed end. A
    programme's members choose its standard (weighed by the money they put in), its hosts
    are the members with a production node in the area and the standard's owner (work
    shared by capacity), and its production plan sets its line and milestones."""
    params = alliance.formation
    industry = state.industry
    area, members = venture.area, venture.members
    venture.state = VentureState.ACTIVE
    venture.agreed_step = state.step
    capacity = industry.capacity[members, area]
    if venture.kind is VentureKind.HUB:
        order = members[np.argsort(-capacity, kind="stable")]
        hosts = order[industry.capacity[order, area] > 0][: params.hub_hosts]
        venture.hosts = hosts if hosts.size else industry.supplier[[venture.lead], area]
        state.totals.hubs_formed += 1
        return
    venture.end_step = state.step + params.programme_duration
    venture.standard = standards.choose_standard(
        state, members, milestones.pledged_money(state, venture), area, alliance.decisions)
    venture.adapting = state.standards.standard[members, area] != venture.standard
    owner = state.standards.owner[area, venture.standard]
    producers = members[(capacity > 0) & (members != owner)]
    biggest = producers[np.argsort(-industry.capacity[producers, area], kind="stable")]
    venture.hosts = np.concatenate(([owner], biggest[: params.programme_hosts - 1]))
    host_capacity = industry.capacity[venture.hosts, area]
    venture.work_share = host_capacity / host_capacity.sum() if host_capacity.sum() > 0 \
        else np.full(venture.hosts.size, 1.0 / venture.hosts.size)
    venture.european_work_share = float(venture.work_share
                                        @ state.nations.european[venture.hosts])
    venture.work_share_all_up = float(venture.work_share @ np.ones(venture.hosts.size))
    venture.line = venture.venture_id % alliance.industry.lines_per_node
    venture.pipeline = np.zeros(int(state.areas.lead_time[area]))
    state.standards.target[members, area] = venture.standard
    if venture.alliance_wide:
        state.standards.alliance[area] = venture.standard
    milestones.promise(state, venture, params, alliance.industry, rng)
    state.totals.programmes_formed += 1
