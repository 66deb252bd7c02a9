"""The synthetic adult population: true identities, stored column-wise so a million people stay small.

A person is an index into arrays. The true values (``truth/people.csv``) live here; how each source system
records them (a nickname, a typo, day and month of birth swapped) is derived from the person's noise seed and
the system, so it is stable within a system and costs no memory.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass
from datetime import date

from . import codes
from .names import (
    ACCENT_FREE,
    BACKGROUND_NAMES,
    FEMALE_BY_COHORT,
    MALE_BY_COHORT,
    NICKNAMES,
    SURNAMES_TEXT,
    TAIL_SHARE,
    TAIL_SURNAMES,
    zipf_cum_weights,
)
from .rng import Weighted, mix

LOCALITIES: tuple[str, ...] = tuple(row[0] for row in codes.LOCALITY)
ADULT_POPULATION: dict[str, int] = {row[0]: int(row[4]) for row in codes.LOCALITY}
MH_LOCALITY: dict[str, str] = {row[0]: row[2] for row in codes.LOCALITY}

# outward codes of each district (approximate: several straddle district boundaries)
OUTWARD_CODES: dict[str, tuple[str, ...]] = {
    "Cheltenham": ("GL50", "GL51", "GL52", "GL53"),
    "Cotswold": ("GL7", "GL8", "GL54", "GL55", "GL56"),
    "Forest of Dean": ("GL14", "GL15", "GL16", "GL17", "GL18"),
    "Gloucester": ("GL1", "GL2", "GL3", "GL4"),
    "Stroud": ("GL5", "GL6", "GL10", "GL11", "GL12"),
    "Tewkesbury": ("GL19", "GL20"),
}
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Release 2 ethnicity -> share of Gloucestershire's population (2021 Census; minorities excluding white
# minorities 6.9%, other white 4.5%) and the background its names are drawn from
ETHNICITIES: tuple[tuple[str, float, str], ...] = (
    ("White: English, Welsh, Scottish, Northern Irish or British", 88.6, "british"),
    ("White: Irish", 0.6, "other_white"),
    ("White: Gypsy or Irish Traveller", 0.1, "british"),
    ("White: Roma", 0.1, "other_white"),
    ("White: Any other White background", 3.7, "other_white"),
    ("Mixed or multiple ethnic groups: White and Black Caribbean", 0.9, "british"),
    ("Mixed or multiple ethnic groups: White and Black African", 0.2, "black"),
    ("Mixed or multiple ethnic groups: White and Asian", 0.6, "british"),
    ("Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background", 0.7, "british"),
    ("Asian or Asian British: Indian", 0.9, "south_asian"),
    ("Asian or Asian British: Pakistani", 0.3, "south_asian"),
    ("Asian or Asian British: Bangladeshi", 0.2, "south_asian"),
    ("Asian or Asian British: Chinese", 0.3, "chinese"),
    ("Asian or Asian British: Any other Asian background", 0.7, "south_asian"),
    ("Black, Black British, Caribbean or African: African", 0.6, "black"),
    ("Black, Black British, Caribbean or African: Caribbean", 0.3, "black"),
    (
        "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
        0.1,
        "black",
    ),
    ("Other ethnic group: Arab", 0.2, "arab_other"),
    ("Other ethnic group: Any other ethnic group", 0.9, "arab_other"),
)
ETHNICITY_LABELS: tuple[str, ...] = tuple(label for label, _, _ in ETHNICITIES)
_ETHNICITY = Weighted([(index, share) for index, (_, share, _) in enumerate(ETHNICITIES)])


@dataclass(frozen=True)
class NoiseRates:
    """How often a system records a person differently from the truth (sticky per person and system)."""

    typo: float = 0.0
    swapped: float = 0.0
    nickname: float = 0.0
    upper: float = 0.0
    accent_dropped: float = 0.0
    dob_swapped: float = 0.0


class _NamePool:
    """Names of one sex and background, weighted by frequency."""

    def __init__(self, names: list[str], index: dict[str, int]) -> None:
        self.ids = [index.setdefault(name, len(index)) for name in names]
        self.cum = zipf_cum_weights(len(names))

    def draw(self, rng: random.Random) -> int:
        return rng.choices(self.ids, cum_weights=self.cum)[0]


def _nhs_number(index: int) -> int:
    """A unique NHS number, valid by modulus 11 (the body is a permutation of the person's index)."""
    body = (index * 48_271 + 12_345_679) % 100_000_000
    for prefix in (4, 6, 7, 9):
        digits = f"{prefix}{body:08d}"
        total = sum(int(digit) * weight for digit, weight in zip(digits, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return int(f"{digits}{check}")
    raise AssertionError("every body has a valid prefix")  # pragma: no cover


def _slice(h: int, index: int) -> float:
    """The index-th of six uniform numbers (10 bits each) packed in a 64-bit hash."""
    return (h >> (10 * index) & 1023) / 1024


def _age_band(age_bands: Weighted[tuple[int, int]], rng: random.Random) -> float:
    low, high = age_bands(rng)
    return low + rng.random() * (high + 1 - low)


class Population:
    """Everyone the source systems ever record, one index per person."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(mix(seed, 11))
        self.first_names: dict[str, int] = {}
        self.surnames: dict[str, int] = {}
        self._first_pools = {
            (sex, cohort): _NamePool(text.split(), self.first_names)
            for sex, table in ((0, FEMALE_BY_COHORT), (1, MALE_BY_COHORT))
            for cohort, text in table.items()
        }
        self._background_pools = {
            background: (
                _NamePool(female.split(), self.first_names),
                _NamePool(male.split(), self.first_names),
                _NamePool(surnames.split(), self.surnames),
            )
            for background, (female, male, surnames) in BACKGROUND_NAMES.items()
        }
        self._british_surnames = _NamePool(SURNAMES_TEXT.split(), self.surnames)
        self._tail_surnames = [self.surnames.setdefault(name, len(self.surnames)) for name in TAIL_SURNAMES]
        self.first_list = list(self.first_names)
        self.surname_list = list(self.surnames)
        self._population_locality = Weighted([(index, ADULT_POPULATION[name]) for index, name in enumerate(LOCALITIES)])
        self.first = array("H")
        self.last = array("H")
        self.sex = array("B")  # 0 female, 1 male
        self.dob = array("i")
        self.ethnicity = array("B")
        self.locality = array("B")
        self.postcode = array("i")  # postcode code before any move
        self.new_postcode = array("i")  # postcode code after moving (0: never moves)
        self.move_day = array("i")
        self.death_day = array("i")  # 0: alive throughout
        self.noise = array("Q")
        self.nhs = array("q")
        self.council_id = array("i")  # 0: not known to that system
        self.trust_id = array("i")
        self.carer_ref = array("i")

    def __len__(self) -> int:
        return len(self.dob)

    # ---- creation -------------------------------------------------------------------------------------

    def add(
        self,
        day: int,
        age_bands: Weighted[tuple[int, int]],
        *,
        female: float = 0.5,
        locality: int | None = None,
        move_rate: float = 0.04,
    ) -> int:
        """A new person aged from ``age_bands`` on ``day``; returns their index."""
        rng = self.rng
        sex = 0 if rng.random() < female else 1
        dob = day - int(_age_band(age_bands, rng) * 365.25)
        ethnicity = _ETHNICITY(rng)
        background = ETHNICITIES[ethnicity][2]
        if background == "british":
            cohort = max(c for c in FEMALE_BY_COHORT if c <= date.fromordinal(dob).year)
            first = self._first_pools[sex, cohort].draw(rng)
            if rng.random() < TAIL_SHARE:
                last = self._tail_surnames[rng.randrange(len(self._tail_surnames))]
            else:
                last = self._british_surnames.draw(rng)
        else:
            female_pool, male_pool, surname_pool = self._background_pools[background]
            first = (male_pool if sex else female_pool).draw(rng)
            last = surname_pool.draw(rng)
        where = self._population_locality(rng) if locality is None else locality
        self.first.append(first)
        self.last.append(last)
        self.sex.append(sex)
        self.dob.append(dob)
        self.ethnicity.append(ethnicity)
        self.locality.append(where)
        self.postcode.append(self._new_postcode_code(where))
        if rng.random() < move_rate:
            self.new_postcode.append(self._new_postcode_code(where))
            self.move_day.append(day + rng.randrange(30, 1100))
        else:
            self.new_postcode.append(0)
            self.move_day.append(0)
        self.death_day.append(0)
        self.noise.append(rng.getrandbits(64))
        self.nhs.append(_nhs_number(len(self.dob) - 1))
        self.council_id.append(0)
        self.trust_id.append(0)
        self.carer_ref.append(0)
        return len(self.dob) - 1

    def _new_postcode_code(self, locality: int) -> int:
        rng = self.rng
        outward = rng.randrange(len(OUTWARD_CODES[LOCALITIES[locality]]))
        return 1 + ((outward * 10 + rng.randrange(10)) * 20 + rng.randrange(20)) * 20 + rng.randrange(20)

    def postcode_at(self, person: int, day: int) -> str:
        """The person's postcode on ``day`` (canonical form, ``GL1 2AB``)."""
        moved = self.move_day[person]
        code = self.new_postcode[person] if moved and day >= moved else self.postcode[person]
        code -= 1
        code, second = divmod(code, 20)
        code, first = divmod(code, 20)
        outward, sector = divmod(code, 10)
        district = OUTWARD_CODES[LOCALITIES[self.locality[person]]][outward]
        return f"{district} {sector}{_UNIT_LETTERS[first]}{_UNIT_LETTERS[second]}"

    def nhs_number(self, person: int) -> str:
        return str(self.nhs[person])

    def name(self, person: int) -> tuple[str, str]:
        return self.first_list[self.first[person]], self.surname_list[self.last[person]]

    def age(self, person: int, day: int) -> int:
        return int((day - self.dob[person]) / 365.25)

    def alive(self, person: int, day: int) -> bool:
        death = self.death_day[person]
        return not death or day < death

    # ---- as recorded by a system ----------------------------------------------------------------------

    def recorded(self, person: int, system: int, rates: NoiseRates) -> tuple[str, str, date]:
        """Name and date of birth as a system holds them (first, last, born), with that system's sticky
        identity noise: nickname, typo, accents dropped, upper case, names swapped, day and month swapped."""
        first, last = self.first_list[self.first[person]], self.surname_list[self.last[person]]
        h = mix(self.noise[person], system)
        if _slice(h, 0) < rates.nickname:
            first = NICKNAMES.get(first, first)
        if _slice(h, 1) < rates.typo and len(last) > 3:
            at = 1 + (h >> 60) % (len(last) - 2)
            last = last[:at] + last[at + 1] + last[at] + last[at + 2 :]
        if _slice(h, 2) < rates.accent_dropped:
            first, last = first.translate(ACCENT_FREE), last.translate(ACCENT_FREE)
        if _slice(h, 3) < rates.upper:
            first, last = first.upper(), last.upper()
        if _slice(h, 4) < rates.swapped:
            first, last = last, first
        born = date.fromordinal(self.dob[person])
        if born.day <= 12 and born.day != born.month and _slice(h, 5) < rates.dob_swapped:
            born = born.replace(month=born.day, day=born.month)
        return first, last, born
