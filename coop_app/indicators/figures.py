"""A figure: one indicator of one cooperative in one cut, as a numerator and a denominator.

Every computation (`capital.py`, `people.py`, `enterprise.py`, ...) returns Figures; the
month-end stores them as snapshots (`IndicatorSnapshot`), and every level above a
cooperative (kecamatan, kabupaten, province, programme, a cohort, a type) is the sum of its
cooperatives' numerators over the sum of their denominators, never a mean of ratios.
"""
from typing import NamedTuple

ALL = "all"


def cut(dimension, *values):
    """A cut's key: cut("category", "family") -> "category:family"; no dimension: "all"."""
    return ":".join((dimension, *values)) if dimension else ALL


class Figure(NamedTuple):
    """Immutable, and a tuple: a programme page reads tens of thousands of them."""
    cooperative_id: int
    indicator: str
    cut: str
    numerator: int  # sen for money, a count otherwise
    denominator: int | None = None

    @property
    def key(self):
        return (self.indicator, self.cut)
