"""CouncilMatcher remembers its answers within one import: asked again, it answers as a fresh
matcher would, for a found council, an ambiguous name and no match alike."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.importers.councilmatch import CouncilMatcher


def _council(gss: str, name: str, short: str, alt: tuple[str, ...] = ()) -> Council:
    return Council.build(
        id=council_id(gss),
        gss_code=gss,
        name=name,
        short_name=short,
        alt_names=list(alt),
        type=CouncilType.NON_METROPOLITAN_DISTRICT,
        region=Region.WEST_MIDLANDS,
    )


COUNCILS = [
    _council("E07000001", "Benchtown District Council", "Benchtown"),
    _council("E07000002", "Newport Borough Council", "Newport"),
    _council("E07000003", "Newport City Council", "Newport City", ("Newport",)),  # ambiguous
    _council("E06000047", "Durham County Council", "County Durham", ("Durham",)),
]
NAMES = [
    "Benchtown District Council",
    "benchtown",
    "BENCHTOWN DC",
    "Newport",
    "Newport City Council",
    "Durham County Council",
    "County Durham",
    "Durham",
    "Local Government Association",
    "",
    "The Council",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NAMES), max_size=30))
def test_repeated_lookups_answer_as_a_fresh_matcher(names: list[str]) -> None:
    matcher = CouncilMatcher(COUNCILS)
    for name in names:
        assert matcher.by_name(name) == CouncilMatcher(COUNCILS).by_name(name), name


def test_answers() -> None:
    matcher = CouncilMatcher(COUNCILS)
    for _ in range(2):
        found = matcher.by_name("Benchtown District Council")
        assert found is not None and found.gss_code == "E07000001"
        assert matcher.by_name("Newport") is None  # two councils answer to it: neither
        assert matcher.by_name("Local Government Association") is None
        durham = matcher.by_name("Durham")
        assert durham is not None and durham.gss_code == "E06000047"
