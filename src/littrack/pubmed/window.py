"""Date windows for ESearch, and how to split one that holds too many hits."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

DateType = Literal["edat", "mdat", "pdat"]
DATE_TYPES: tuple[str, ...] = ("edat", "mdat", "pdat")


@dataclass(frozen=True)
class DateWindow:
    """Records whose `datetype` date falls between `start` and `end`, both days included."""

    datetype: DateType
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.datetype not in DATE_TYPES:
            raise ValueError(f"datetype must be one of {', '.join(DATE_TYPES)}, not {self.datetype!r}")
        if self.start > self.end:
            raise ValueError(f"date window starts after it ends: {self.start} > {self.end}")

    def params(self) -> dict[str, str]:
        """The ESearch parameters that select this window."""
        return {
            "datetype": self.datetype,
            "mindate": self.start.strftime("%Y/%m/%d"),
            "maxdate": self.end.strftime("%Y/%m/%d"),
        }

    def split(self) -> list[DateWindow]:
        """Smaller windows covering exactly this one: halves at a year boundary while it spans
        several years, then months, then days; `[]` once it is a single day."""
        if self.start.year != self.end.year:
            middle_year = (self.start.year + self.end.year + 1) // 2
            return [
                self._part(self.start, date(middle_year - 1, 12, 31)),
                self._part(date(middle_year, 1, 1), self.end),
            ]
        if self.start.month != self.end.month:
            return [
                self._part(max(self.start, date(self.start.year, month, 1)),
                           min(self.end, _month_end(self.start.year, month)))
                for month in range(self.start.month, self.end.month + 1)
            ]
        if self.start == self.end:
            return []
        days = (self.end - self.start).days + 1
        return [self._part(day, day) for day in (self.start + timedelta(n) for n in range(days))]

    def _part(self, start: date, end: date) -> DateWindow:
        return DateWindow(self.datetype, start, end)

    def __str__(self) -> str:
        return f"{self.datetype} {self.start}..{self.end}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
