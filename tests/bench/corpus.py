"""A deterministic, realistic corpus for the vault benchmark: councils and intelligence notes.

Seeded ``random.Random`` only, so every run (and both sides of a comparison) sees the same text.
Bodies are about 1 KB of UK local-government intelligence prose built from templates:

* ``EVERY_NOTE_WORD`` ("council") is in every note, the worst case for ranking;
* the theme vocabulary (budget, Ofsted, SEND, scrutiny...) gives common words at 5-60%;
* ``officer`` surnames (a pool of a few hundred) give mid-frequency words;
* ``rare`` words (a pool of thousands of invented tokens) appear in a handful of notes each;
* fixed phrases ("section 114", "adult social care", "improvement board") for phrase queries.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sli_desktop.domain import (
    ConcernLevel,
    Contact,
    Council,
    CouncilType,
    Marking,
    Note,
    NoteSource,
    Region,
    council_id,
)

EVERY_NOTE_WORD = "council"
VOCABULARY_SEED = 20250101

# A sample of English councils (public GSS codes): enough for realistic spread, none needed
# from ../shared so the benchmark runs in any clone.
COUNCILS: list[tuple[str, str, CouncilType, Region]] = [
    ("E06000015", "Derby", CouncilType.UNITARY, Region.EAST_MIDLANDS),
    ("E06000018", "Nottingham", CouncilType.UNITARY, Region.EAST_MIDLANDS),
    ("E06000026", "Plymouth", CouncilType.UNITARY, Region.SOUTH_WEST),
    ("E06000033", "Southend-on-Sea", CouncilType.UNITARY, Region.EAST),
    ("E06000034", "Thurrock", CouncilType.UNITARY, Region.EAST),
    ("E06000039", "Slough", CouncilType.UNITARY, Region.SOUTH_EAST),
    ("E06000040", "Windsor and Maidenhead", CouncilType.UNITARY, Region.SOUTH_EAST),
    ("E06000043", "Brighton and Hove", CouncilType.UNITARY, Region.SOUTH_EAST),
    ("E06000044", "Portsmouth", CouncilType.UNITARY, Region.SOUTH_EAST),
    ("E06000047", "County Durham", CouncilType.UNITARY, Region.NORTH_EAST),
    ("E06000064", "Westmorland and Furness", CouncilType.UNITARY, Region.NORTH_WEST),
    ("E07000066", "Basildon", CouncilType.NON_METROPOLITAN_DISTRICT, Region.EAST),
    ("E07000070", "Chelmsford", CouncilType.NON_METROPOLITAN_DISTRICT, Region.EAST),
    ("E07000086", "Eastleigh", CouncilType.NON_METROPOLITAN_DISTRICT, Region.SOUTH_EAST),
    ("E07000110", "Maidstone", CouncilType.NON_METROPOLITAN_DISTRICT, Region.SOUTH_EAST),
    ("E07000123", "Preston", CouncilType.NON_METROPOLITAN_DISTRICT, Region.NORTH_WEST),
    ("E07000171", "Bassetlaw", CouncilType.NON_METROPOLITAN_DISTRICT, Region.EAST_MIDLANDS),
    ("E07000192", "Cannock Chase", CouncilType.NON_METROPOLITAN_DISTRICT, Region.WEST_MIDLANDS),
    ("E07000202", "Ipswich", CouncilType.NON_METROPOLITAN_DISTRICT, Region.EAST),
    ("E07000212", "Runnymede", CouncilType.NON_METROPOLITAN_DISTRICT, Region.SOUTH_EAST),
    ("E07000213", "Spelthorne", CouncilType.NON_METROPOLITAN_DISTRICT, Region.SOUTH_EAST),
    ("E07000217", "Woking", CouncilType.NON_METROPOLITAN_DISTRICT, Region.SOUTH_EAST),
    (
        "E07000219",
        "Nuneaton and Bedworth",
        CouncilType.NON_METROPOLITAN_DISTRICT,
        Region.WEST_MIDLANDS,
    ),
    ("E07000240", "St Albans", CouncilType.NON_METROPOLITAN_DISTRICT, Region.EAST),
    ("E08000005", "Rochdale", CouncilType.METROPOLITAN_DISTRICT, Region.NORTH_WEST),
    ("E08000025", "Birmingham", CouncilType.METROPOLITAN_DISTRICT, Region.WEST_MIDLANDS),
    ("E08000026", "Coventry", CouncilType.METROPOLITAN_DISTRICT, Region.WEST_MIDLANDS),
    ("E08000031", "Wolverhampton", CouncilType.METROPOLITAN_DISTRICT, Region.WEST_MIDLANDS),
    ("E08000035", "Leeds", CouncilType.METROPOLITAN_DISTRICT, Region.YORKSHIRE),
    ("E08000036", "Wakefield", CouncilType.METROPOLITAN_DISTRICT, Region.YORKSHIRE),
    ("E08000037", "Gateshead", CouncilType.METROPOLITAN_DISTRICT, Region.NORTH_EAST),
    ("E09000004", "Bexley", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000008", "Croydon", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000013", "Hammersmith and Fulham", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000017", "Hillingdon", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000022", "Lambeth", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000028", "Southwark", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000030", "Tower Hamlets", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E09000033", "Westminster", CouncilType.LONDON_BOROUGH, Region.LONDON),
    ("E10000007", "Derbyshire", CouncilType.COUNTY, Region.EAST_MIDLANDS),
    ("E10000008", "Devon", CouncilType.COUNTY, Region.SOUTH_WEST),
    ("E10000016", "Kent", CouncilType.COUNTY, Region.SOUTH_EAST),
    ("E10000028", "Staffordshire", CouncilType.COUNTY, Region.WEST_MIDLANDS),
    ("E10000029", "Suffolk", CouncilType.COUNTY, Region.EAST),
    ("E10000031", "Warwickshire", CouncilType.COUNTY, Region.WEST_MIDLANDS),
    ("E10000034", "Worcestershire", CouncilType.COUNTY, Region.WEST_MIDLANDS),
]

CONTROL = ["Labour", "Conservative", "Liberal Democrat", "no overall control", "Independent"]
ROLES = [
    "chief executive",
    "leader",
    "section 151 officer",
    "monitoring officer",
    "director of children's services",
    "director of adult social services",
    "chair of audit committee",
    "chair of scrutiny",
    "portfolio holder for finance",
    "deputy leader",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

#: theme label -> sentences. Slots: {c} council name, {m} £m amount, {p} percentage,
#: {q} quarter, {o} officer surname, {r} rare word, {mo} month, {y} year, {role}.
THEMES: dict[str, list[str]] = {
    "finance": [
        "Q{q} budget monitoring shows a forecast overspend of £{m}m, {p}% of the net revenue "
        "budget.",
        "The section 151 officer, {o}, warned that reserves would be exhausted by {y} without "
        "action.",
        "The medium term financial strategy assumes savings of £{m}m that are not yet identified.",
        "Members discussed whether a section 114 notice might be needed before the year end.",
        "Exceptional financial support of £{m}m has been requested through a capitalisation "
        "direction.",
        "Borrowing for commercial property, including the {r} scheme, drives the debt position.",
        "External audit has not yet signed off the {y} accounts; the backlog is now two years.",
        "Council tax collection is {p}% against target and business rates income is falling.",
    ],
    "children's services": [
        "Ofsted judged children's services as requires improvement to be good at the last ILACS "
        "visit.",
        "Placement costs for children in care rose by {p}% with {m} high-cost residential "
        "placements.",
        "The director of children's services, {o}, expects a focused visit before {mo}.",
        "Caseloads in the assessment teams average {p} children per social worker.",
        "Agency social worker use is {p}% of the workforce, well above the regional average.",
        "The dedicated schools grant deficit has reached £{m}m under the statutory override.",
        "The safeguarding partnership raised concerns about the {r} referral pathway.",
    ],
    "send": [
        "SEND demand continues to grow with EHCP requests up {p}% on last year.",
        "The joint SEND area inspection by Ofsted and CQC found widespread systemic failings.",
        "Home to school transport for pupils with SEND is overspent by £{m}m.",
        "Only {p}% of education, health and care plans were issued within twenty weeks.",
        "Parents raised the {r} tribunal decision at the scrutiny committee in {mo}.",
    ],
    "adult social care": [
        "Adult social care spend is £{m}m over budget, mainly in home care and residential care.",
        "The CQC assessment of adult social care rated the council as requires improvement.",
        "Hospital discharge delays are rising and the integrated care board is seeking support.",
        "The director of adult social services, {o}, is reviewing the {r} commissioning model.",
        "Waiting lists for care act assessments have grown to {p} weeks.",
        "Provider market fragility was flagged after the closure of {r} care home.",
    ],
    "leadership": [
        "The chief executive, {o}, has announced departure and an interim is being recruited.",
        "Relationships between the leader and the chief executive are described as strained.",
        "There have been {p} changes of senior leadership in the last two years.",
        "Officers reported a culture where challenge is not welcomed by senior members.",
        "The leader, Cllr {o}, wants the LGA to provide mentoring for the cabinet.",
    ],
    "governance": [
        "The annual governance statement identifies significant weaknesses in decision making.",
        "The monitoring officer, {o}, issued a report on the {r} procurement.",
        "The audit committee chair is independent and meetings are now better focused.",
        "Standards complaints against members have increased, with {p} open investigations.",
        "A whistleblowing allegation about the {r} contract is being investigated.",
        "The constitution is being reviewed following the external auditor's statutory "
        "recommendations.",
    ],
    "scrutiny": [
        "Overview and scrutiny is under-resourced and work programmes lack focus.",
        "The scrutiny committee called in the cabinet decision on the {r} regeneration scheme.",
        "Scrutiny members asked for training from the Centre for Governance and Scrutiny.",
        "Budget scrutiny in {mo} was described as thorough and constructive.",
    ],
    "peer challenge": [
        "A corporate peer challenge is booked for {mo} {y} with a team led by {o}.",
        "The peer challenge progress review found good progress on {p} of the recommendations.",
        "The council has not had a corporate peer challenge since {y} and was encouraged to book "
        "one.",
        "Feedback from the peer team highlighted capacity in the corporate centre.",
        "The peer challenge action plan was published and is monitored by cabinet.",
    ],
    "improvement board": [
        "The improvement and assurance board met in {mo}; its chair, {o}, reported steady "
        "progress.",
        "Government commissioners were appointed following the best value inspection.",
        "The improvement board asked for clearer milestones in the recovery plan.",
        "Ministers are considering whether to extend the intervention beyond {y}.",
        "An improvement board has been established with LGA support and an independent chair.",
    ],
    "political control": [
        "Political control changed at the May {y} elections and the council is now under {ctl} "
        "control.",
        "The administration has a majority of {p} seats and a by-election is due in {mo}.",
        "Group leaders agreed a cross-party approach to the budget gap.",
        "The new leader, Cllr {o}, has set out priorities for the first hundred days.",
    ],
    "housing": [
        "Temporary accommodation costs rose to £{m}m with {p} households in bed and breakfast.",
        "The regulator of social housing found damp and mould problems across the {r} estate.",
        "Homelessness presentations are up {p}% and the housing revenue account is under pressure.",
    ],
    "workforce": [
        "Vacancy rates in planning and legal services are above {p}%.",
        "Staff survey results show low confidence in senior management.",
        "The council is recruiting an interim section 151 officer through {r} Associates.",
    ],
}

OPENERS = [
    "Call with the {role} of the council on {d}.",
    "Meeting with the {role} at the council offices on {d}.",
    "Regional lead's note of a conversation with the council's {role}, {d}.",
    "Notes from the council's cabinet meeting of {d}.",
    "Briefing from the {role} ahead of the council's budget setting, {d}.",
]
CLOSERS = [
    "Agreed to follow up with the council within a month.",
    "The council is aware of these concerns and welcomed the offer of support.",
    "No further action for now; keep under review at the next regional meeting.",
    "To be discussed with the principal adviser and shared with the council's leadership.",
]
HEADLINES = {
    "finance": ["Budget gap widening", "Section 114 risk", "Reserves running low", "Audit delays"],
    "children's services": ["Ofsted focused visit", "Placement costs rising", "ILACS outcome"],
    "send": ["SEND inspection findings", "DSG deficit", "EHCP timeliness"],
    "adult social care": ["CQC assessment", "Care market fragility", "Discharge delays"],
    "leadership": ["Chief executive departure", "Leadership churn", "Member-officer relations"],
    "governance": ["Governance concerns", "Whistleblowing allegation", "Audit committee"],
    "scrutiny": ["Scrutiny call-in", "Scrutiny capacity"],
    "peer challenge": ["Corporate peer challenge", "Progress review"],
    "improvement board": ["Improvement board update", "Commissioners' report"],
    "political control": ["Change of control", "New leader"],
    "housing": ["Temporary accommodation pressure", "Housing regulator findings"],
    "workforce": ["Recruitment difficulties", "Staff morale"],
}
EVIDENCE = [
    "Q{q} budget monitoring report, cabinet {d}",
    "Ofsted ILACS report published {d}",
    "CQC local authority assessment {y}",
    "External auditor's annual report {y}, ref EA/{y}/{n}",
    "Section 151 officer's statement, full council {d}",
    "Best value inspection report {y}",
    "Peer challenge feedback report {y}",
    "Meeting notes, ref SLI-{y}-{n}",
    "FOI response FOI-{y}-{n}",
]

_SYLLABLES = [
    "ab", "ar", "bel", "bor", "cal", "dun", "el", "far", "gar", "hal", "ith", "kel", "lan",
    "mor", "nab", "oth", "pel", "quin", "ros", "sel", "tam", "ul", "ven", "wick", "yar", "zen",
]  # fmt: skip


def _words(rng: random.Random, count: int, syllables: int, suffixes: list[str]) -> list[str]:
    """``count`` distinct invented words (surnames, place and scheme names)."""
    found: dict[str, None] = {}
    while len(found) < count:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(syllables))
        found.setdefault((stem + rng.choice(suffixes)).capitalize(), None)
    return list(found)


@dataclass(frozen=True)
class Vocabulary:
    officers: list[str]  # ~400 surnames: each in a few hundred notes
    rare: list[str]  # ~8,000 invented words: each in a handful of notes

    @classmethod
    def build(cls, seed: int) -> Vocabulary:
        rng = random.Random(seed)
        officers = _words(rng, 400, 2, ["ton", "ley", "ford", "ham", "son", "well"])
        taken = {w.lower() for w in officers}
        rare = [
            w
            for w in _words(rng, 8400, 3, ["", "e", "ock", "ax", "urst", "ine"])
            if w.lower() not in taken
        ][:8000]
        return cls(officers, rare)


def councils() -> list[Council]:
    rng = random.Random(7)
    return [
        Council.build(
            id=council_id(gss),
            gss_code=gss,
            name=f"{name} Council",
            short_name=name,
            type=kind,
            region=region,
            political_control=rng.choice(CONTROL),
        )
        for gss, name, kind, region in COUNCILS
    ]


_START = dt.date(2019, 1, 1)
_DAYS = (dt.date(2025, 12, 31) - _START).days


def notes(count: int, seed: int = 20250101, vocabulary: Vocabulary | None = None) -> Iterator[Note]:
    """``count`` notes, oldest first (so seq order is roughly date order, as in real use)."""
    vocab = vocabulary or Vocabulary.build(VOCABULARY_SEED)
    rng = random.Random(seed)
    theme_names = list(THEMES)
    theme_weights = [10, 6, 5, 6, 4, 4, 2, 3, 2, 2, 3, 2]
    concerns = list(ConcernLevel)
    sources = list(NoteSource)
    for i in range(count):
        day = _START + dt.timedelta(days=min(_DAYS, int(i * _DAYS / count) + rng.randint(0, 20)))
        gss, name, _, _ = COUNCILS[int(rng.paretovariate(1.2) * 3) % len(COUNCILS)]
        themes = list(dict.fromkeys(rng.choices(theme_names, theme_weights, k=rng.randint(1, 3))))
        target = rng.randint(760, 1060)

        def fill(template: str, name: str = name, day: dt.date = day) -> str:
            return template.format(
                c=name,
                m=rng.randint(2, 180),
                p=rng.randint(3, 60),
                q=rng.randint(1, 4),
                o=rng.choice(vocab.officers),
                r=rng.choice(vocab.rare),
                mo=rng.choice(MONTHS),
                y=rng.randint(2019, 2026),
                d=f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                n=rng.randint(100, 99999),
                role=rng.choice(ROLES),
                ctl=rng.choice(CONTROL),
            )

        parts = [fill(rng.choice(OPENERS))]
        size = len(parts[0])
        used: set[str] = set()
        while size < target:
            pool = [t for theme in themes for t in THEMES[theme] if t not in used]
            template = rng.choice(pool or [t for theme in themes for t in THEMES[theme]])
            used.add(template)
            sentence = fill(template)
            parts.append(sentence)
            size += len(sentence) + 1
        parts.append(fill(rng.choice(CLOSERS)))
        concern = rng.choices(concerns, [30, 25, 25, 15, 5])[0]
        n_evidence = rng.randint(1 if concern.needs_evidence else 0, 3)
        yield Note.build(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            council=gss,
            date=day,
            title=f"{name}: {rng.choice(HEADLINES[themes[0]])}",
            body=" ".join(parts),
            themes=themes,
            source=rng.choice(sources),
            evidence=[fill(rng.choice(EVIDENCE)) for _ in range(n_evidence)],
            concern=concern,
            council_aware=rng.random() < 0.6,
            marking=Marking.OFFICIAL_SENSITIVE if rng.random() < 0.3 else Marking.OFFICIAL,
            private=rng.random() < 0.05,
        )


FIRST_NAMES = [
    "Sarah", "James", "Priya", "David", "Helen", "Mohammed", "Claire", "Andrew", "Fiona",
    "Tom", "Aisha", "Gareth", "Rachel", "Simon", "Joanne", "Kwame", "Louise", "Mark",
]  # fmt: skip
ORGANISATIONS = ["", "", "DLUHC", "CIPFA", "Ofsted", "CQC", "Local Government Association"]


def contacts(
    count: int, seed: int = 20250102, vocabulary: Vocabulary | None = None
) -> list[Contact]:
    """Council officers and members, named from the same surname pool as the notes."""
    vocab = vocabulary or Vocabulary.build(VOCABULARY_SEED)
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(vocab.officers)
        gss, name, _, _ = rng.choice(COUNCILS)
        found.append(
            Contact.build(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                name=f"{first} {last}",
                role=rng.choice(ROLES),
                council=gss,
                organisation=rng.choice(ORGANISATIONS) or f"{name} Council",
                emails=[f"{first}.{last}@{name.lower().replace(' ', '')}.gov.uk".lower()],
            )
        )
    return found


# -- the query mix -------------------------------------------------------------------------
COMMON_WORDS = [
    "budget", "ofsted", "scrutiny", "send", "cqc", "reserves", "improvement", "leadership",
    "governance", "placement", "audit", "housing", "overspend", "commissioners", "inspection",
    "safeguarding", "homelessness", "capitalisation", "whistleblowing", "recruitment",
    "Birmingham", "Croydon", "Thurrock", "Woking", "Slough", "Nottingham", "Kent", "Devon",
    "monitoring", "cabinet", "social", "officer", "section", "report", "support",
]  # fmt: skip
PHRASES = [
    "section 114", "adult social care", "children's services", "improvement board",
    "peer challenge", "budget monitoring", "temporary accommodation", "chief executive",
    "medium term financial strategy", "dedicated schools grant", "best value inspection",
    "requires improvement", "exceptional financial support", "monitoring officer",
    "capitalisation direction", "home to school transport", "political control",
]  # fmt: skip
PAIRS = [
    "ofsted focused", "croydon section 114", "birmingham budget", "send tribunal",
    "cqc assessment", "interim chief executive", "placement costs", "scrutiny call",
    "reserves exhausted", "audit backlog", "damp mould", "agency social workers",
    "leader mentoring", "commissioners appointed", "ehcp requests",
]  # fmt: skip
#: query class -> how many of every 1,000 queries
MIX = {"rare": 150, "common": 200, "prefix": 250, "phrase": 150, "multi": 150, "every": 100}


@dataclass(frozen=True)
class Query:
    cls: str
    text: str


def queries(count: int, seed: int, vocabulary: Vocabulary | None = None) -> list[Query]:
    """A realistic mix, shuffled. Text is what a user types: a word without a trailing space
    is still being typed (so ``fts_query`` makes it a prefix), quotes make a phrase."""
    vocab = vocabulary or Vocabulary.build(VOCABULARY_SEED)
    rng = random.Random(seed)
    officers = list(vocab.officers)
    found: list[Query] = []
    total = sum(MIX.values())
    for cls, share in MIX.items():
        for _ in range(round(count * share / total)):
            found.append(Query(cls, _query(cls, rng, vocab.rare, officers)))
    rng.shuffle(found)
    return found[:count]


def _query(cls: str, rng: random.Random, rare: list[str], officers: list[str]) -> str:
    done = " " if rng.random() < 0.5 else ""  # finished the word, or still typing it
    if cls == "rare":
        return rng.choice(rare).lower() + done
    if cls == "common":
        word = rng.choice(COMMON_WORDS) if rng.random() < 0.8 else rng.choice(officers)
        return word.lower() + " "  # a whole word: typing it is the "prefix" class
    if cls == "prefix":
        word = rng.choice(COMMON_WORDS + PHRASES + officers[:50]).lower()
        return word[: rng.randint(2, max(2, len(word) - 1))]
    if cls == "phrase":
        return f'"{rng.choice(PHRASES)}"'
    if cls == "multi":
        return rng.choice(PAIRS) + done
    # every: the word in every note, finished or as typed, alone or with a common word
    word = EVERY_NOTE_WORD
    roll = rng.random()
    if roll < 0.4:
        return word + " "
    if roll < 0.8:
        return word
    return f"{word} {rng.choice(COMMON_WORDS).lower()}{done}"
