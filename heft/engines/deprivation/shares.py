"""How many of a practice's patients live in the most deprived areas, from patients-by-LSOA and the IoD."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from heft.engines.deprivation.sources import PatientCount

# LSOAs in England in each release: the denominator for "the most deprived 15% of areas".
AREAS_IN_ENGLAND = {"IoD2019": 32_844, "IoD2025": 33_755}


@dataclass(frozen=True)
class Area:
    rank: int  # 1 is the most deprived area in England
    decile: int


@dataclass
class PracticeShares:
    patients: int = 0
    in_10: int = 0  # living in the most deprived 10% of areas
    in_15: int = 0
    in_20: int = 0
    unplaced: int = 0  # living in an area outside England or not known

    def share(self, count: int) -> float | None:
        return count / self.patients if self.patients else None

    @property
    def share_10(self) -> float | None:
        return self.share(self.in_10)

    @property
    def share_15(self) -> float | None:
        return self.share(self.in_15)

    @property
    def share_20(self) -> float | None:
        return self.share(self.in_20)


def practice_shares(
    counts: Iterable[PatientCount], areas: Mapping[str, Area], areas_in_england: int
) -> dict[str, PracticeShares]:
    """Each practice's patients and how many live in the most deprived 10, 15 and 20% of areas.

    Uses the ALL rows when the file has them, else adds MALE and FEMALE. Patients in areas the IoD does not
    hold (Wales, unknown) count in the total but in no deprived group.
    """
    counts = list(counts)
    wanted = {"ALL"} if any(c.sex == "ALL" for c in counts) else {"MALE", "FEMALE"}
    result: dict[str, PracticeShares] = defaultdict(PracticeShares)
    for count in counts:
        if count.sex not in wanted:
            continue
        shares = result[count.ods_code]
        shares.patients += count.patients
        area = areas.get(count.lsoa_code)
        if area is None:
            shares.unplaced += count.patients
            continue
        shares.in_10 += count.patients if area.decile == 1 else 0
        shares.in_15 += count.patients if area.rank * 100 <= 15 * areas_in_england else 0
        shares.in_20 += count.patients if area.decile <= 2 else 0
    return dict(result)
