"""The `alliance` section: capability areas, pathways, governance and behavioural rules."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from sim.enums import Governance
from sim.schema.base import Section, distinct_codes, param


class CapabilityArea(Section):
    """A capability area. Capability is counted in units of USD 1 bn of equipment at the
    area's reference (2024) price, so areas add up and cost per capability is ~1 at
    reference prices."""

    name: str = param(..., "Identifier of the area (letters, digits, underscores).")
    budget_share: float = param(
        0.2, "Share of each nation's procurement budget spent in this area.", ge=0, le=1
    )
    lead_time: int = param(
        12, "Quarters from order to the earliest delivery.", unit="quarters", ge=1, le=40,
        source="domain-facts.md: 8-28 quarters for major platforms, ammunition faster",
    )
    wear_rate: float = param(
        0.0125, "Share of the stock worn out, consumed or retired each quarter.",
        unit="1/quarter", ge=0, le=0.5,
    )
    learning_rate: float = param(
        0.85, "Unit cost multiplier for each doubling of cumulative output on a standard.",
        ge=0.5, le=1.0, source="Wright (1936); 80-90 % typical in aerospace",
    )
    initial_standards: int = param(
        6, "Distinct technical standards (weapon-system families) in use at the start.",
        ge=1, le=100, source="Munich Security Report 2017: MBT 17 vs 1, howitzers 27 vs 2",
    )

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not value.replace("_", "").isalnum():
            raise ValueError("must contain only letters, digits and underscores")
        return value


def default_areas() -> list[CapabilityArea]:
    """Five areas; lead times, wear and standard counts from domain-facts.md."""
    return [
        CapabilityArea(name="air_missile_defence", budget_share=0.22, lead_time=12,
                       wear_rate=0.0125, learning_rate=0.85, initial_standards=6),
        CapabilityArea(name="artillery_ammunition", budget_share=0.20, lead_time=4,
                       wear_rate=0.04, learning_rate=0.90, initial_standards=14),
        CapabilityArea(name="armour", budget_share=0.20, lead_time=16,
                       wear_rate=0.0125, learning_rate=0.85, initial_standards=17),
        CapabilityArea(name="combat_air", budget_share=0.22, lead_time=20,
                       wear_rate=0.01, learning_rate=0.80, initial_standards=5),
        CapabilityArea(name="naval", budget_share=0.16, lead_time=24,
                       wear_rate=0.01, learning_rate=0.85, initial_standards=10),
    ]


class PathwayParams(Section):
    """Speed, cost and sovereignty of one pathway, as nations perceive them."""

    enabled: bool = param(True, "Whether nations may use this pathway at all.")
    attractiveness: float = param(
        0.0, "Baseline utility relative to national procurement (calibration constant).",
        ge=-10, le=10,
    )
    decision_delay: int = param(
        1, "Quarters of decision-making that nations count in the time to capability of "
        "this pathway (it weighs on the choice; money flows as the pathway allows).",
        unit="quarters", ge=0, le=40,
    )
    sovereignty_cost: float = param(
        0.0, "Loss of national control, weighted by each nation's sovereignty preference.",
        ge=0, le=2,
    )


class NationalPathway(Section):
    """National procurement: the reference option, always open, with full control."""

    decision_delay: int = param(
        1, "Quarters of decision-making that nations count in the time to capability of "
        "national procurement.", unit="quarters", ge=0, le=40,
    )


class Pathways(Section):
    national: NationalPathway = param(
        NationalPathway, "National procurement: fast to decide, full control, small orders.",
    )
    standards: PathwayParams = param(
        lambda: PathwayParams(attractiveness=-2.0, decision_delay=8, sovereignty_cost=0.3),
        "Harmonising technical standards: slow and cheap, raises interoperability.",
    )
    pooled: PathwayParams = param(
        lambda: PathwayParams(attractiveness=-0.4, decision_delay=4, sovereignty_cost=0.8),
        "Pooled acquisition budgets in multi-nation programmes.",
    )
    hubs: PathwayParams = param(
        lambda: PathwayParams(attractiveness=-1.8, decision_delay=4, sovereignty_cost=0.5),
        "Joint sustainment hubs: shared maintenance, spares and ammunition.",
    )


class Formation(Section):
    """How joint programmes and hubs are negotiated (veto players, Tsebelis 2002)."""

    willingness_threshold: float = param(
        0.08, "Share of a nation's area budget it wants to pool before it counts as willing.",
        ge=0, le=1,
    )
    min_members: int = param(
        3, "Fewest nations for a programme or hub.", ge=2, le=50,
        source="EDIRPA: minimum 3 states per project",
    )
    max_coalition_size: int = param(
        6, "Largest coalition of the willing (lead nation included).", ge=2, le=100,
        source="EDIRPA: about 6 states per project",
    )
    agreement_rate: float = param(
        0.6, "Chance per quarter that two like-minded veto players agree.", unit="1/quarter",
        gt=0, le=1,
    )
    veto_player_drag: float = param(
        0.03, "Fall in the log chance of agreement per quarter for each veto player beyond "
        "two.", ge=0, le=2,
        source="Tsebelis (2002): more veto players, harder change",
    )
    preference_drag: float = param(
        3.0, "Fall in the log chance of agreement per unit spread of sovereignty preference.",
        ge=0, le=50, source="Tsebelis (2002): more distant veto players, harder change",
    )
    max_negotiation: int = param(
        16, "Quarters of negotiation after which a proposal is abandoned.", unit="quarters",
        ge=1, le=200,
    )
    programme_duration: int = param(
        20, "Quarters during which members of a programme place orders.", unit="quarters",
        ge=1, le=200,
    )
    pooling_discount: float = param(
        0.2, "Unit-cost saving of a pooled order over a national order on the same standard.",
        ge=0, le=0.6, source="European Parliament (2017): pooling could save up to 30 %",
    )
    adaptation_surcharge: float = param(
        0.05, "Extra unit cost for a member whose standard differs from the programme's.",
        ge=0, le=2,
    )
    milestone_interval: int = param(
        4, "Quarters between a programme's delivery milestones.", unit="quarters", ge=1, le=40,
    )
    milestone_tolerance: float = param(
        0.05, "Shortfall against the promise still counted as on time.", ge=0, le=1,
    )
    milestone_grace: int = param(
        4, "Quarters a late milestone may take before it counts as missed.", unit="quarters",
        ge=0, le=40,
    )
    planning_optimism: float = param(
        0.1, "Mean share by which programme offices over-promise deliveries (drawn per "
        "programme, uniform between 0 and twice this).", ge=0, le=0.5,
        source="weak: chronic schedule slips of major programmes",
    )
    hub_hosts: int = param(
        3, "Most host nations whose industrial nodes serve one hub.", ge=1, le=50,
    )


class Spending(Section):
    """How defence spending (% of GDP) moves (see docs/MODEL.md, Budgets)."""

    target_pct_gdp: float = param(
        3.5, "Alliance target for defence spending by the target step.", unit="% of GDP",
        ge=0, le=20, source="The Hague summit 2025: 3.5 % core defence by 2035",
    )
    target_step: int = param(
        40, "Step by which nations intend to reach the target.", unit="quarters", ge=1,
        le=1000,
    )
    target_commitment: float = param(
        0.5, "Share of the gap to the alliance target that nations intend to close.", ge=0,
        le=1,
    )
    adjustment_rate: float = param(
        0.15, "Share of the gap between actual and desired spending closed per quarter.",
        unit="1/quarter", gt=0, le=1,
    )
    threat_response: float = param(
        1.5, "Desired spending added per unit of perceived threat above its start.",
        unit="% of GDP", ge=0, le=20,
    )
    burden_shifting: float = param(
        1.5, "Desired spending added by non-US allies per unit fall in US commitment.",
        unit="% of GDP", ge=0, le=20,
    )
    political_drag: float = param(
        1.0, "Desired spending removed per unit rise of domestic political pressure.",
        unit="% of GDP", ge=0, le=20,
    )
    private_benefit_share: float = param(
        0.8, "Share of defence benefits that is national (joint product); 0 = pure public "
        "good.", ge=0, le=1, source="Olson & Zeckhauser (1966); Sandler & Forbes (1980)",
    )
    spillover_scale: float = param(
        1.0, "Weight of allies' spending relative to own GDP in free-riding.", ge=0, le=100,
    )
    calibrate_to_initial: bool = param(
        True, "Back out intrinsic demand so that the initial spending is an equilibrium.",
    )
    min_pct_gdp: float = param(0.3, "Floor of defence spending.", unit="% of GDP", ge=0, le=20)
    max_pct_gdp: float = param(8.0, "Cap of defence spending.", unit="% of GDP", ge=0, le=50)

    @model_validator(mode="after")
    def _ordered(self) -> Spending:
        if self.min_pct_gdp > self.max_pct_gdp:
            raise ValueError("min_pct_gdp must not exceed max_pct_gdp")
        return self


class Decisions(Section):
    """Logit choice over pathways (McFadden) with inertia and learning."""

    temperature: float = param(
        0.5, "Bounded rationality: higher spreads budgets more evenly over pathways.", gt=0,
        le=100, source="McFadden (1974) logit choice",
    )
    inertia: float = param(
        0.75, "Share of last quarter's allocation kept (budgets move gradually).", ge=0,
        lt=1,
    )
    trust_weight: float = param(
        2.0, "Utility of cooperative pathways per unit of trust above 0.5.", ge=0, le=20,
    )
    urgency_from_threat: float = param(
        1.0, "How much perceived threat raises the weight on speed.", ge=0, le=20,
    )
    urgency_from_us_doubt: float = param(
        0.5, "How much doubt about US commitment raises the weight on speed.", ge=0, le=20,
    )
    sovereignty_from_pressure: float = param(
        1.0, "How much domestic political pressure raises the sovereignty preference.",
        ge=0, le=20,
    )
    standard_switch_cost: float = param(
        0.05, "Harmonisation spending needed to switch the standard a nation buys on, as a "
        "share of the value of its stock in the area (qualification, training, logistics).",
        unit="share of stock value", gt=0, le=10,
    )


class Industry(Section):
    """Industrial nodes, sustainment and readiness."""

    producer_share: float = param(
        0.5, "Share of nations (by defence-industrial weight) with a production node per "
        "area.", gt=0, le=1,
    )
    spare_capacity: float = param(
        0.15, "Capacity above initial demand at the start.", ge=0, le=5,
    )
    capacity_growth: float = param(
        0.03, "Largest growth of a node's capacity per quarter when its backlog exceeds it.",
        unit="1/quarter", ge=0, le=1, source="ASAP ramp-up of ammunition output (weak)",
    )
    base_readiness: float = param(
        0.55, "Readiness of equipment with national sustainment only.", ge=0, le=1,
    )
    hub_readiness: float = param(
        0.75, "Readiness ceiling with full hub coverage.", ge=0, le=1,
    )
    readiness_adjustment: float = param(
        0.3, "Share of the gap to target readiness closed per quarter.", unit="1/quarter",
        gt=0, le=1,
    )
    disruption_sensitivity: float = param(
        0.3, "Share of readiness lost when all of a nation's sustainment nodes are down.",
        ge=0, le=1,
    )
    line_ramp_start: float = param(
        0.6, "Output of a new programme's production line in its first quarter, as a share "
        "of the planned rate.", ge=0.01, le=1, source="weak: ramp-up of new lines (ASAP)",
    )
    line_ramp_growth: float = param(
        0.1, "Growth per quarter of a programme line's output while it has a backlog.",
        unit="1/quarter", ge=0, le=2,
    )
    hub_cost: float = param(
        0.002, "Hub spending per quarter needed per unit of capability stock for full "
        "coverage (the joint increment over national sustainment).",
        unit="USD bn per unit per quarter", gt=0, le=1,
    )
    hub_surge: float = param(
        0.5, "Spare service capacity of a hub's hosts: with a host down, the others take "
        "on up to this share more work.", ge=0, le=10,
    )
    attack_duration: int = param(
        3, "Quarters an attacked node stays disabled.", unit="quarters", ge=1, le=40,
    )
    interoperability_floor: float = param(
        0.7, "Share of combined capability usable when no two nations share a standard.",
        ge=0, le=1,
    )


class Cohesion(Section):
    """Trust, satisfaction and the alliance cohesion index."""

    trust_gain_kept: float = param(
        0.08, "Share of the distance to full trust gained per milestone kept.", ge=0, le=1,
    )
    trust_loss_broken: float = param(
        0.12, "Share of trust lost per milestone slipped or missed.", ge=0, le=1,
    )
    trust_gain_membership: float = param(
        0.01, "Share of the distance to full trust gained per quarter of shared programmes.",
        ge=0, le=1,
    )
    us_trust_adjustment: float = param(
        0.2, "Share of the gap between trust in the US and US commitment closed per quarter.",
        ge=0, le=1,
    )
    trust_loss_excluded: float = param(
        0.01, "Share of trust lost per quarter per area in which a nation is left out of "
        "every coalition.", ge=0, le=1,
    )
    weight_threat_alignment: float = param(1.0, "Weight of aligned threat perception.", ge=0)
    weight_political_alignment: float = param(1.0, "Weight of aligned domestic politics.", ge=0)
    weight_fairness: float = param(1.0, "Weight of fair burden sharing (1 - Gini).", ge=0)
    weight_trust: float = param(1.0, "Weight of mean trust in allies.", ge=0)
    weight_inclusion: float = param(1.0, "Weight of nations not left out of coalitions.", ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> Cohesion:
        if self.weight_threat_alignment + self.weight_political_alignment + \
                self.weight_fairness + self.weight_trust + self.weight_inclusion <= 0:
            raise ValueError("at least one cohesion weight must be positive")
        return self


class Coalition(Section):
    """A coalition of the willing set up by the scenario (e.g. the European Sky Shield
    Initiative): a pooled programme proposed by these nations in a given quarter, whatever
    the governance mode."""

    name: str = param(..., "Name, for outputs.")
    area: str = param(..., "Capability area of the programme.")
    members: list[str] = param(..., "Nation codes; the first leads (its standard is "
                               "bought).")
    step: int = param(1, "Quarter in which the coalition proposes its programme.",
                      unit="quarters", ge=1)

    @field_validator("members")
    @classmethod
    def _members(cls, members: list[str]) -> list[str]:
        return distinct_codes(members, 2, "a coalition needs at least two members",
                              "members")


class Alliance(Section):
    governance: Governance = param(
        Governance.CONSENSUS, "How joint programmes and hubs are agreed: consensus "
        "(alliance-wide, any member can delay) or coalitions (of the willing).",
    )
    areas: list[CapabilityArea] = param(default_areas, "Capability areas.")
    coalitions: list[Coalition] = param(list, "Coalitions of the willing set up by the "
                                        "scenario.")
    pathways: Pathways = param(Pathways, "Speed, cost and sovereignty of each pathway.")
    formation: Formation = param(Formation, "Negotiation of programmes and hubs.")
    spending: Spending = param(Spending, "Defence spending dynamics.")
    decisions: Decisions = param(Decisions, "Choice among pathways.")
    industry: Industry = param(Industry, "Industrial nodes, sustainment, readiness.")
    cohesion: Cohesion = param(Cohesion, "Trust and cohesion.")

    @field_validator("areas")
    @classmethod
    def _areas_valid(cls, areas: list[CapabilityArea]) -> list[CapabilityArea]:
        if not areas:
            raise ValueError("at least one capability area is needed")
        names = [area.name for area in areas]
        if len(set(names)) != len(names):
            raise ValueError("capability area names must be unique")
        if sum(area.budget_share for area in areas) <= 0:
            raise ValueError("budget shares of the areas must not all be zero")
        return areas
