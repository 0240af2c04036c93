"""The `alliance` section: capability areas, pathways, governance and behavioural rules."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from sim.enums import Governance
from sim.scenario_files.problems import FieldError
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
    capacity_growth: float = param(
        0.05, "Largest growth of a production node's capacity per quarter, once new "
        "capacity comes on line.", unit="1/quarter", ge=0, le=1,
        source="domain-facts.md: EU shell output about 230,000 a year before the war, ASAP "
        "aiming at 2 million a year by end-2025 (about 20 % a quarter for ammunition)",
    )
    capacity_ramp_delay: int = param(
        8, "Quarters from the decision to add capacity to its first output (new lines, "
        "tooling, hiring).", unit="quarters", ge=0, le=40,
        source="weak: 12-18 months for new shell lines; years for platforms",
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
                       wear_rate=0.0125, learning_rate=0.85, initial_standards=6,
                       capacity_growth=0.06, capacity_ramp_delay=8),
        CapabilityArea(name="artillery_ammunition", budget_share=0.20, lead_time=4,
                       wear_rate=0.04, learning_rate=0.90, initial_standards=14,
                       capacity_growth=0.15, capacity_ramp_delay=4),
        CapabilityArea(name="armour", budget_share=0.20, lead_time=16,
                       wear_rate=0.0125, learning_rate=0.85, initial_standards=17,
                       capacity_growth=0.05, capacity_ramp_delay=8),
        CapabilityArea(name="combat_air", budget_share=0.22, lead_time=20,
                       wear_rate=0.01, learning_rate=0.80, initial_standards=5,
                       capacity_growth=0.03, capacity_ramp_delay=12),
        CapabilityArea(name="naval", budget_share=0.16, lead_time=24,
                       wear_rate=0.01, learning_rate=0.85, initial_standards=10,
                       capacity_growth=0.03, capacity_ramp_delay=12),
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
        lambda: PathwayParams(attractiveness=-2.4, decision_delay=4, sovereignty_cost=0.5),
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
        20, "Quarters during which members of a pooled programme place orders (hubs have "
        "no fixed end: they last while their members fund them).", unit="quarters",
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
        0.1, "Shortfall against the promise still counted as on time.", ge=0, le=1,
    )
    milestone_grace: int = param(
        4, "Quarters a late milestone may take before it counts as missed.", unit="quarters",
        ge=0, le=40,
    )
    planning_optimism: float = param(
        0.1, "Mean share by which programme offices over-promise the deliveries their plan "
        "gives (drawn per programme, uniform between 0 and twice this); it biases the "
        "promise, not production.", ge=0, le=0.5,
        source="weak: chronic schedule slips of major programmes",
    )
    hub_hosts: int = param(
        3, "Most host nations whose industrial nodes serve one hub.", ge=1, le=50,
    )
    programme_hosts: int = param(
        3, "Most nations whose nodes build a pooled programme: the owner of its standard "
        "and the members with the most capacity in the area (work share by capacity).",
        ge=1, le=50,
    )
    hub_leave_threshold: float = param(
        0.03, "Share of its area budget a hub member wants to put into hubs below which it "
        "leaves the hub (a hub with fewer than two members closes).", ge=0, le=1,
    )


class Pledge(Section):
    """A spending pledge of the alliance (Wales 2014: 2 % by 2024; The Hague 2025: 3.5 %
    core defence and 1.5 % resilience by 2035)."""

    name: str = param(..., "Name, for outputs (e.g. Wales, Hague).")
    core_pct_gdp: float = param(
        ..., "Defence spending pledged.", unit="% of GDP", ge=0, le=20,
    )
    resilience_pct_gdp: float | None = param(
        None, "Resilience spending pledged beside it (civil preparedness, infrastructure, "
        "protection of industry); empty: none.", unit="% of GDP", ge=0, le=20,
    )
    announced_step: int = param(
        0, "Quarter in which the pledge is made (0: already made at the start).",
        unit="quarters", ge=0,
    )
    due_step: int = param(
        ..., "Quarter by which the pledge is to be met (0: already due at the start).",
        unit="quarters", ge=0,
    )
    compliance: float = param(
        1.0, "Share of the gap between a nation's spending when the pledge is made and the "
        "pledge that nations intend to close by the due quarter.", ge=0, le=1,
    )
    exempt: list[str] = param(
        list, "Nation codes that declined the pledge (Spain declined the Hague's 5 %); codes "
        "of nations the scenario leaves out are ignored.",
    )

    @field_validator("exempt")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        return [code.upper() for code in codes]

    @model_validator(mode="after")
    def _dates(self) -> Pledge:
        if self.due_step < self.announced_step:
            raise FieldError(("due_step",), "must not come before announced_step "
                             f"({self.announced_step})")
        return self


class Spending(Section):
    """How defence spending (% of GDP) moves (see docs/MODEL.md, Budgets)."""

    adjustment_rate: float = param(
        0.15, "Share of the gap between actual and desired spending closed per quarter "
        "(budgets are planned years ahead: fiscal and political drag).", unit="1/quarter",
        gt=0, le=1,
    )
    overdue_catch_up: int = param(
        4, "Quarters in which a nation short of an overdue pledge it has not declined closes "
        "the shortfall it had when the pledge fell due, in equal steps (allied pressure at "
        "summits), unless its usual adjustment is faster.", unit="quarters", ge=1, le=40,
        source="fitted: NATO's 2025 estimates put every ally at 2 % or more, from 23 of 32 "
        "in 2024",
    )
    reference_threat: float = param(
        0.6, "Threat level of the world in which the starting shares were observed (the "
        "desired share responds to perceived threat above or below it).", ge=0, le=1,
    )
    reference_us_commitment: float = param(
        0.7, "US commitment to Europe in the world in which the starting shares were "
        "observed (burden shifting responds to commitment below or above it).", ge=0,
        le=1,
    )
    threat_response: float = param(
        6.0, "Desired spending added per unit of perceived threat (threat x exposure) above "
        "the reference level.", unit="% of GDP", ge=0, le=20,
        source="fitted to the 2014-2024 hindcast (per-ally error of the 2024 shares; "
        "docs/MODEL.md, Budgets)",
    )
    burden_shifting: float = param(
        1.5, "Desired spending added by non-US allies per unit of US commitment to Europe "
        "below the reference level.", unit="% of GDP", ge=0, le=20,
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
        True, "Back out intrinsic demand so that the initial spending is an equilibrium in "
        "the reference world.",
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
        "share of the value of its stock in the area (qualification, training, logistics, "
        "spares); the fleet already in service stays on its old standard.",
        unit="share of stock value", gt=0, le=10,
    )
    retrofit_cost: float = param(
        0.25, "Cost of converting a unit of legacy fleet to the nation's new standard, as a "
        "share of the unit's reference price (harmonisation money left after a switch "
        "retrofits the fleet).", unit="share of unit value", gt=0, le=5,
    )
    industry_preference: float = param(
        0.5, "In choosing a programme's standard, the weight a member gives to a standard "
        "its own industry owns (relative to the share of its fleet on it).", ge=0, le=10,
    )
    european_preference: float = param(
        0.1, "Weight a European ally gives to a standard owned in Europe when US commitment "
        "is full (strategic autonomy): in choosing a programme's standard, and as utility "
        "of harmonising from a non-European standard toward a European one.", ge=0, le=10,
    )
    autonomy_from_us_doubt: float = param(
        1.0, "Added weight a European ally gives to a European-owned standard per unit fall "
        "of US commitment below 1.", ge=0, le=10,
        source="seed article: \"reduce strategic dependencies\"; a \"European NATO\"",
    )


class Industry(Section):
    """Industrial nodes and their production lines, sustainment and readiness."""

    producer_share: float = param(
        0.5, "Share of nations (by defence-industrial weight) that can own standards and "
        "produce.", gt=0, le=1,
    )
    lines_per_node: int = param(
        4, "Production lines of each production node (a nation's production in an area); "
        "an attack disables one line.", ge=1, le=100,
    )
    spare_capacity: float = param(
        0.15, "Capacity above initial demand at the start.", ge=0, le=5,
    )
    national_order_certainty: float = param(
        0.2, "Share of the gap between the capacity a node's national order book needs and "
        "its capacity that industry commits to closing each quarter: orders placed year by "
        "year are not certain enough to build for at once (a programme's multi-year orders "
        "build its line at the full growth rate).", unit="1/quarter", ge=0, le=1,
        source="seed article and EDIS (2024): joint multi-year orders give industry demand "
        "certainty",
    )
    capacity_realisation: float = param(
        0.9, "Share of planned capacity growth that industry actually realises (skills, "
        "explosives, components); programme offices plan on full growth.", ge=0, le=1,
        source="weak: ASAP's target of 2 million shells a year by end-2025 was not fully met",
    )
    programme_line_start: float = param(
        0.6, "Output of a pooled programme's new production line when its first orders are "
        "ready, as a share of the planned order rate; the line then grows at the area's "
        "capacity growth while orders wait.", ge=0.01, le=1,
        source="weak: ramp-up of new lines (ASAP)",
    )
    capacity_decay: float = param(
        0.01, "Share of idle capacity (beyond what the order book needs) closed per quarter.",
        unit="1/quarter", ge=0, le=1,
    )
    surge_premium: float = param(
        0.5, "Price premium per unit of order book beyond what a node can deliver within a "
        "lead time: money buys fewer units while capacity is short.", ge=0, le=5,
        source="weak: European 155 mm shell prices rose two- to fourfold in 2022-2024",
    )
    surge_premium_cap: float = param(
        1.0, "Largest surge premium (1 = double the price).", ge=0, le=10,
    )
    base_readiness: float = param(
        0.55, "Readiness of equipment with national sustainment only.", ge=0, le=1,
    )
    hub_readiness: float = param(
        0.65, "Readiness ceiling with full hub coverage.", ge=0, le=1,
    )
    readiness_adjustment: float = param(
        0.3, "Share of the gap to target readiness closed per quarter.", unit="1/quarter",
        gt=0, le=1,
    )
    disruption_sensitivity: float = param(
        0.3, "Share of readiness lost when all of a nation's sustainment lines are down.",
        ge=0, le=1,
    )
    hub_cost: float = param(
        0.005, "Hub spending per quarter needed per unit of capability stock for full "
        "coverage (the joint increment over national sustainment); money beyond full "
        "coverage goes back to national procurement.",
        unit="USD bn per unit per quarter", gt=0, le=1,
    )
    hub_surge: float = param(
        0.5, "Spare service capacity of a hub's hosts: with a host down, the others take "
        "on up to this share more work.", ge=0, le=10,
    )
    attack_duration: int = param(
        3, "Quarters an attacked production line stays disabled.", unit="quarters", ge=1,
        le=40,
    )
    attack_focus: float = param(
        2.0, "How strongly hybrid attackers concentrate on exposed allies: a line's chance "
        "of being targeted is proportional to its nation's threat exposure to this power.",
        ge=0, le=10, source="attacks reported 2022-2024 concentrate on Europe's eastern "
        "flank and Germany (weak)",
    )
    interoperability_floor: float = param(
        0.7, "Share of combined capability usable when no two nations share a standard.",
        ge=0, le=1,
    )


class Resilience(Section):
    """Protection of industry bought by resilience spending (the 1.5 % of GDP of the Hague
    pledge beside 3.5 % core defence)."""

    protection_max: float = param(
        0.6, "Largest share of hybrid attacks on a nation's lines that protection foils.",
        ge=0, le=1,
    )
    protection_scale: float = param(
        1.0, "Resilience spending at which protection reaches 63 % of its maximum.",
        unit="% of GDP", gt=0, le=20,
    )


class Aid(Section):
    """Military aid to Ukraine (seed article: more than thirty partners coordinating aid and
    sanctions)."""

    from_stocks: float = param(
        0.4, "Share of aid delivered from stocks in service (then re-ordered); the rest is "
        "bought new from industry for Ukraine.", ge=0, le=1,
        source="weak: early aid came largely from stocks (Kiel Ukraine Support Tracker)",
    )
    area_weights: dict[str, float] = param(
        lambda: {"artillery_ammunition": 0.6, "air_missile_defence": 0.4},
        "Capability areas aid draws on, with their weights (artillery, ammunition and air "
        "defence first).",
    )
    budget_top_up: float = param(
        0.5, "Share of its aid a nation finances by raising its defence budget (supplementary "
        "budgets, special funds) rather than from its own forces' equipment budget "
        "(behavioural policy).", ge=0, le=1,
        source="modeller's judgement: aid was financed partly by special funds and "
        "supplementary budgets, partly from existing procurement",
    )
    trust_gain_coordination: float = param(
        0.01, "Share of the distance to full trust a giving ally gains per quarter, times "
        "the share of allies giving: coordinated aid builds trust among the givers.", ge=0,
        le=1,
    )


class Exercises(Section):
    """Joint exercises and intelligence-sharing: a cheap cooperative activity that raises
    the ability to operate together beyond shared standards, and trust."""

    share_of_spending: float = param(
        0.005, "Share of defence spending a nation puts into multinational exercises and "
        "intelligence-sharing (behavioural policy).", ge=0, le=0.2,
    )
    full_share: float = param(
        0.02, "Share of defence spending at which a nation's forces are fully practised "
        "with allies.", gt=0, le=0.5,
    )
    practice_adjustment: float = param(
        0.2, "Share of the gap to the practice level its spending sustains closed per "
        "quarter.", unit="1/quarter", gt=0, le=1,
    )
    interoperability_weight: float = param(
        0.3, "Largest share of the interoperability gap left by differing standards that "
        "practice together closes.", ge=0, le=1,
    )
    trust_gain: float = param(
        0.01, "Share of the distance to full trust gained per quarter at full practice.",
        ge=0, le=1,
    )


class USAttention(Section):
    """US attention split between Europe and the Indo-Pacific."""

    stock_pull: float = param(
        0.5, "Share of US air-and-missile-defence and ammunition stocks withheld from "
        "Europe per unit of attention pulled to the Indo-Pacific.", ge=0, le=1,
    )
    pulled_areas: list[str] = param(
        lambda: ["air_missile_defence", "artillery_ammunition"],
        "Areas whose US stocks the Indo-Pacific pulls.",
    )


class Cohesion(Section):
    """Trust, satisfaction and the alliance cohesion index, and what low cohesion does."""

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
    weight_common_threat: float = param(
        1.0, "Weight of the common threat: a threat felt by all binds.", ge=0,
        source="Walt (1987), balance of threat",
    )
    weight_threat_alignment: float = param(1.0, "Weight of aligned threat perception.", ge=0)
    weight_political_alignment: float = param(
        2.0, "Weight of aligned domestic politics (twice the others: the seed article's "
        "\"domestic politics are pulling them in different directions\").", ge=0,
    )
    weight_solidarity: float = param(
        1.0, "Weight of solidarity: one minus the mean domestic pressure against defence "
        "and pooling.", ge=0,
    )
    weight_fairness: float = param(1.0, "Weight of fair burden sharing (1 - Gini).", ge=0)
    weight_trust: float = param(1.0, "Weight of mean trust in allies.", ge=0)
    weight_inclusion: float = param(1.0, "Weight of nations not left out of coalitions.", ge=0)
    weight_transatlantic: float = param(
        1.0, "Weight of transatlantic trust (allies' trust in the US, which follows US "
        "commitment to Europe).", ge=0,
    )
    reference_cohesion: float = param(
        0.7, "Cohesion at which nothing is slowed or sped up.", ge=0, le=1,
    )
    agreement_sensitivity: float = param(
        2.0, "Elasticity of the chance of agreeing a venture to cohesion: below the "
        "reference, agreements take longer.", ge=0, le=20,
    )
    pooling_weight: float = param(
        2.0, "Utility of cooperative pathways per unit of cohesion above the reference.",
        ge=0, le=20,
    )
    blocking_pressure: float = param(
        0.75, "Domestic pressure above which an ally may block an alliance-wide proposal.",
        ge=0, le=1, source="Tsebelis (2002); single allies holding up NATO and EU decisions",
    )
    blocking_chance: float = param(
        0.3, "Chance per quarter that an ally under that pressure blocks an alliance-wide "
        "proposal.", ge=0, le=1,
    )
    leave_pressure: float = param(
        0.8, "Domestic pressure above which a member leaves its coalition's programme.",
        ge=0, le=1,
    )

    @model_validator(mode="after")
    def _some_weight(self) -> Cohesion:
        weights = (self.weight_common_threat, self.weight_threat_alignment,
                   self.weight_political_alignment, self.weight_solidarity,
                   self.weight_fairness, self.weight_trust, self.weight_inclusion,
                   self.weight_transatlantic)
        if sum(weights) <= 0:
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
    resilience: Resilience = param(Resilience, "Resilience spending and the protection "
                                   "of industry.")
    pledges: list[Pledge] = param(list, "Spending pledges (Wales 2014, The Hague 2025).")
    aid: Aid = param(Aid, "Military aid to Ukraine.")
    exercises: Exercises = param(Exercises, "Joint exercises and intelligence-sharing.")
    us_attention: USAttention = param(USAttention, "US attention between Europe and the "
                                      "Indo-Pacific.")
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
