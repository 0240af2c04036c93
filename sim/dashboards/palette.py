"""Colour-blind-safe colours (Okabe & Ito, 2008), in a fixed order so a scenario or
pathway keeps its colour on every chart."""

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")

PATHWAY_COLOURS = {"national": "#0072B2", "standards": "#009E73", "pooled": "#E69F00",
                   "hubs": "#CC79A7"}


def colour(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def with_alpha(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
