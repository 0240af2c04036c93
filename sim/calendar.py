"""Calendar time: which period each step of a run stands for.

A scenario starts in a quarter (``simulation.start``, e.g. ``2025Q1``). Step 1 is that
first period and step t the t-th; step 0 is the starting state, at the end of the period
before (2024 Q4 for a 2025 Q1 start: the state NATO's 2024 figures describe). A step lasts
``12 / steps_per_year`` months when that divides a year into whole months (quarters,
months, half-years, years), else ``365.25 / steps_per_year`` days.

Periods are labelled as analysts write them: ``2025Q1`` for quarterly steps, ``2025-03``
for months, ``2025H1`` for half-years, ``2025`` for years, an ISO date otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

START_PATTERN = re.compile(r"^\s*(?P<year>\d{4})\s*-?\s*Q(?P<quarter>[1-4])\s*$", re.IGNORECASE)
# Years a start may name: wide enough for hindcasts and long horizons, narrow enough that a
# typo (20250Q1) is caught.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def parse_start(text: str) -> tuple[int, int]:
    """``"2025Q1"`` (also ``2025-Q1``, ``2025 q1``) -> ``(2025, 1)``; ValueError otherwise."""
    match = START_PATTERN.match(str(text))
    if not match:
        raise ValueError("expected a year and quarter such as 2025Q1")
    year, quarter = int(match["year"]), int(match["quarter"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"expected a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year, quarter


def format_start(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


@dataclass(frozen=True)
class Calendar:
    """Dates of the steps of a run that starts in ``start`` (``2025Q1``) with
    ``steps_per_year`` steps a year."""

    start: str = "2025Q1"
    steps_per_year: int = 4

    @property
    def _first_month(self) -> tuple[int, int]:
        year, quarter = parse_start(self.start)
        return year, 3 * (quarter - 1) + 1

    @property
    def _months_per_step(self) -> int | None:
        return 12 // self.steps_per_year if 12 % self.steps_per_year == 0 else None

    def date(self, step: int) -> date:
        """The first day of the period step ``step`` stands for (step 0: the period
        before the first)."""
        year, month = self._first_month
        months = self._months_per_step
        if months is None:
            return date(year, month, 1) + timedelta(days=round((step - 1) * 365.25
                                                               / self.steps_per_year))
        index = year * 12 + (month - 1) + (step - 1) * months
        return date(index // 12, index % 12 + 1, 1)

    def period(self, step: int) -> str:
        """The period's label: ``2025Q1``, ``2025-03``, ``2025H1``, ``2025`` or a date."""
        return _period_label(self, step)

    def _label(self, step: int) -> str:
        day = self.date(step)
        months = self._months_per_step
        if months == 3:
            return f"{day.year}Q{(day.month - 1) // 3 + 1}"
        if months == 1:
            return f"{day.year}-{day.month:02d}"
        if months == 6:
            return f"{day.year}H{(day.month - 1) // 6 + 1}"
        if months == 12:
            return f"{day.year}"
        return day.isoformat()

    def readable(self, step: int) -> str:
        """The period as a reader would say it: ``2025 Q1`` (labels elsewhere unchanged)."""
        label = self.period(step)
        return f"{label[:4]} {label[4:]}" if self._months_per_step in (3, 6) else label

    def periods(self, steps: list[int] | range) -> list[str]:
        return [self.period(step) for step in steps]

    def dates(self, steps: list[int] | range) -> list[date]:
        return [self.date(step) for step in steps]


def calendar_of(simulation: dict) -> Calendar:
    """The calendar of a scenario's ``simulation`` section as stored in a manifest (run
    folders written before ``start`` existed began in 2025 Q1, the schema's default)."""
    return Calendar(str(simulation.get("start", Calendar.start)),
                    int(simulation.get("steps_per_year", Calendar.steps_per_year)))


@lru_cache(maxsize=16_384)
def _period_label(calendar: Calendar, step: int) -> str:
    """Labels are asked for again for every row of every table of every replication:
    worked out once per calendar and step."""
    return calendar._label(step)
