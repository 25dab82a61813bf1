"""The periods indicators are shown for: a month, a quarter or a calendar year, ending at t."""
from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = (MONTH, QUARTER, YEAR)


def month_end(year, month):
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def add_months(day, months):
    """The last day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return month_end(index // 12, index % 12 + 1)


@dataclass(frozen=True, order=True)
class Period:
    """A period P = [start, end]; `end` is t, the date stock figures are taken at."""
    kind: str
    start: date
    end: date

    @classmethod
    def month(cls, year, month):
        return cls(MONTH, date(year, month, 1), month_end(year, month))

    @classmethod
    def quarter(cls, year, quarter):
        return cls(QUARTER, date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter))

    @classmethod
    def year(cls, year):
        return cls(YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def ending(cls, kind, end):
        """The period of `kind` that ends on the month-end `end`."""
        if kind == MONTH:
            return cls.month(end.year, end.month)
        if kind == QUARTER:
            return cls.quarter(end.year, (end.month + 2) // 3)
        return cls.year(end.year)

    @classmethod
    def containing(cls, kind, day):
        """The period of `kind` that contains `day` (the current one, computed live)."""
        if kind == MONTH:
            return cls.month(day.year, day.month)
        if kind == QUARTER:
            return cls.quarter(day.year, (day.month + 2) // 3)
        return cls.year(day.year)

    @property
    def key(self):
        """As written in a URL: 2026-11, 2026-Q4, 2026."""
        if self.kind == MONTH:
            return f"{self.end.year}-{self.end.month:02d}"
        if self.kind == QUARTER:
            return f"{self.end.year}-Q{(self.end.month + 2) // 3}"
        return str(self.end.year)

    @classmethod
    def parse(cls, text):
        """The period a key names, or ValueError."""
        text = (text or "").strip()
        if len(text) == 4 and text.isdigit():
            return cls.year(int(text))
        year, _, rest = text.partition("-")
        if not year.isdigit() or len(year) != 4:
            raise ValueError(text)
        if rest[:1] in ("Q", "q") and rest[1:] in ("1", "2", "3", "4"):
            return cls.quarter(int(year), int(rest[1:]))
        if rest.isdigit() and 1 <= int(rest) <= 12:
            return cls.month(int(year), int(rest))
        raise ValueError(text)

    def year_before(self):
        """The same period a year earlier (the "a year ago" column and the growth)."""
        return Period.ending(self.kind, add_months(self.end, -12))

    def previous(self):
        """The period of the same kind just before this one."""
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        return Period.ending(self.kind, add_months(self.end, -months))

    @property
    def closes_for(self):
        """The period kinds a month-end at `end` stores: the month, and the quarter or the
        year that ends with it."""
        kinds = [MONTH]
        if self.end.month % 3 == 0:
            kinds.append(QUARTER)
        if self.end.month == 12:
            kinds.append(YEAR)
        return kinds
