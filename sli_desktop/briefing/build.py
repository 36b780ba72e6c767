"""Gather, lay out, render, optionally encrypt, and audit: one call per kind of briefing.

Each ``brief_*`` is ``prepare_*`` (reads the vault and lays out; on the vault's thread), then
``render_draft`` (no vault: the slow part, safe on a worker thread), then ``record`` (audits it;
on the vault's thread again). The app runs the three apart; the command line runs them in one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypeVar

from reportlab.platypus import Flowable

from ..domain import Marking, Note, Record, Region
from ..vault.assessments import Assessments
from ..vault.boards import Boards
from ..vault.briefings import BriefingSources
from ..vault.challenges import Challenges
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from ..vault.coverage import Assignments
from ..vault.identity import identity
from ..vault.overview import CONCERN_WINDOW, KEY_ROLES
from ..vault.peer_contacts import peer_contacts
from ..vault.reads import Reads
from ..vault.store import Vault
from . import challenge, council, region, sections, typeset
from .document import PageInfo, render
from .options import Briefing, BriefingOptions
from .protect import encrypt
from .styles import sheet

#: A team pack looks back this far before the on-site start unless --since says otherwise.
TEAM_PACK_LOOKBACK = timedelta(days=2 * 365)


R = TypeVar("R", bound=Record)


def unique(records: Sequence[R]) -> list[R]:
    seen: set[str] = set()
    out = []
    for r in records:
        if r.id not in seen:
            seen.add(r.id)
            out.append(r)
    return out


@dataclass(frozen=True)
class Draft:
    """A laid-out briefing not yet rendered. Its story renders once."""

    kind: str
    scope: str
    title: str
    subject: str
    marking: Marking
    options: BriefingOptions
    info: PageInfo
    story: list[Flowable]
    contents: list[Record]
    informed: list[Note]
    withheld: int


def _draft(
    today: date,
    options: BriefingOptions,
    *,
    kind: str,
    kind_label: str,
    scope: str,
    heading: str,
    subheading: str,
    facts: list[tuple[str, str]],
    body: list[Flowable],
    contents: Sequence[Record],
    informed: Sequence[Note],
    withheld: int,
) -> Draft:
    """``contents``: every record the briefing prints. ``informed``: notes it does not print
    but that set a concern level it shows; the marking covers them and the audit names them."""
    s = sheet(options.large_print)
    contents = unique(contents)
    informed = [n for n in unique(informed) if n.id not in {r.id for r in contents}]
    printed_notes = [r for r in contents if isinstance(r, Note)]
    marking = options.marking or council.highest_marking([*printed_notes, *informed])
    title = f"{kind_label}: {heading}"
    recipient = options.recipient.strip()
    subject = f"{marking.value} {kind_label.lower()}" + (
        f" prepared for {recipient}" if recipient else ""
    )
    info = PageInfo(
        title=title,
        running_head=heading,
        subject=subject,
        marking=marking.value,
        prepared_for=recipient,
        prepared_by=options.signature,
        author=options.prepared_by,
        prepared_on=today,
        furniture_size=s.body_size if options.large_print else 8.5,
    )
    cover_facts = [
        *([("Prepared for", sections.text(recipient))] if recipient else []),
        ("Prepared by", sections.text(options.signature)),
        ("Date", typeset.whole(sections.long_date(today))),
        *facts,
    ]
    # No cover page: page one opens with the summary, as a chief executive is handed it.
    story = [
        *sections.title_block(s, kind_label, heading, subheading, marking.value, cover_facts),
        *body,
    ]
    return Draft(
        kind=kind,
        scope=scope,
        title=title,
        subject=subject,
        marking=marking,
        options=options,
        info=info,
        story=story,
        contents=contents,
        informed=informed,
        withheld=withheld,
    )


def render_draft(draft: Draft, passphrase: str | None = None) -> tuple[bytes, int]:
    """The finished PDF (encrypted when a passphrase is given) and its page count. Touches
    no vault, so it may run on a worker thread."""
    pdf, pages = render(draft.story, draft.info)
    return (encrypt(pdf, passphrase) if passphrase is not None else pdf), pages


def record(vault: Vault, draft: Draft, pdf: bytes, pages: int, *, encrypted: bool) -> Briefing:
    """Audit the briefing (ids and versions of all it contained) and hand it back."""
    options = draft.options
    with vault.transaction():
        audit_id = BriefingSources(vault).record(
            draft.kind,
            draft.scope,
            draft.contents,
            draft.informed,
            {
                "marking": draft.marking.value,
                "recipient": draft.info.prepared_for,
                "since": options.since.isoformat() if options.since else None,
                "large_print": options.large_print,
                "encrypted": encrypted,
                "pages": pages,
                "withheld": draft.withheld,
            },
        )
        # Every note printed counts as read (vault/reads.py), queued for the server.
        printed = unique([r for r in draft.contents if isinstance(r, Note)])
        Reads(vault).record_many(printed, via="briefing", briefing=audit_id)
    return Briefing(
        kind=draft.kind,
        title=draft.title,
        subject=draft.subject,
        marking=draft.marking,
        pdf=pdf,
        pages=pages,
        created=vault.now(),
        contents=draft.contents,
        withheld=draft.withheld,
        audit_id=audit_id,
    )


def complete(vault: Vault, draft: Draft, passphrase: str | None = None) -> Briefing:
    pdf, pages = render_draft(draft, passphrase)
    return record(vault, draft, pdf, pages, encrypted=passphrase is not None)


def brief_council(
    vault: Vault, gss: str, options: BriefingOptions, *, passphrase: str | None = None
) -> Briefing:
    return complete(vault, prepare_council(vault, gss, options), passphrase)


def _signed(vault: Vault, options: BriefingOptions) -> BriefingOptions:
    """Options naming the vault's adviser, with their role, when the caller named nobody or
    named the adviser by the vault's actor (the window does) without a role."""
    who = identity(vault)
    named = options.prepared_by.strip()
    if not named:
        return replace(options, prepared_by=who.name, prepared_by_role=who.role)
    if named == who.name and not options.prepared_by_role:
        return replace(options, prepared_by_role=who.role)
    return options


def prepare_council(vault: Vault, gss: str, options: BriefingOptions) -> Draft:
    options = _signed(vault, options)
    today = options.today or vault.now().date()
    f = council.gather(vault, Councils(vault).get(gss), today, options.since, options.marking)
    s = sheet(options.large_print)
    return _draft(
        today,
        options,
        kind="council",
        kind_label="Council briefing",
        scope=f.council.gss_code,
        heading=f.council.name,
        subheading=council.profile(f.council),
        facts=[("Concern level", sections.concern_mark(f.concern))],
        body=council.story(s, f, today, options.since),
        contents=f.records(),
        informed=f.concern_notes,
        withheld=f.withheld,
    )


def brief_region(
    vault: Vault, which: Region, options: BriefingOptions, *, passphrase: str | None = None
) -> Briefing:
    return complete(vault, prepare_region(vault, which, options), passphrase)


def prepare_region(vault: Vault, which: Region, options: BriefingOptions) -> Draft:
    options = _signed(vault, options)
    today = options.today or vault.now().date()
    since = options.since
    sources = BriefingSources(vault)
    councils = Councils(vault).list(which)
    codes = [c.gss_code for c in councils]
    window = today - CONCERN_WINDOW
    notes = sources.notes(codes, min(since, window) if since else None, options.marking)
    engagements = Challenges(vault).list(region=which)
    hidden = sources.hidden_note_ids(codes, options.marking)
    actions = [a for a in sources.open_actions_in(codes) if a.note_id not in hidden]
    boards = sources.boards_in(codes)
    changes = sources.control_changes_in(codes, today - region.CONTROL_WINDOW)
    rows = region.lines(
        councils,
        notes,
        engagements,
        today,
        actions,
        boards,
        frozenset(c.council for c, _ in changes),
    )
    facts = [
        council.gather(
            vault,
            r.council,
            today,
            since,
            options.marking,
            with_metrics=False,
            notes=r.notes,
            engagements=r.engagements,
            min_concern=region.SECTION_MIN_CONCERN,
            most=region.NOTES_PER_COUNCIL,
        )
        for r in rows
        if r.to_report
    ]
    assignments = Assignments(vault)
    summary = region.RegionFacts(
        boards=[b for b in boards if b.is_active(today)],
        changes=changes,
        cover=assignments.for_region(which, today),
        gaps=assignments.gaps(today, [which]).get(which, []),
    )
    s = sheet(options.large_print)
    contents: list[Record] = [*councils, *engagements, *summary.boards]
    contents += [c for c, _ in changes] + [o for _, o in changes if o is not None]
    informed: list[Note] = []
    for r in rows:
        informed += r.concern_notes
    for f in facts:
        contents += f.records()
    contents += [n for _, n in region.serious_and_high(rows, today)]
    contents += region.unaware_notes(rows)
    contents += [a for r in rows for a in r.overdue]
    of_concern = sum(1 for r in rows if r.of_concern)
    return _draft(
        today,
        options,
        kind="region",
        kind_label="Regional briefing",
        scope=which.value,
        heading=which.value,
        subheading=(
            f"{sections.plural(len(councils), 'council')}; {of_concern} with serious or high "
            "concerns"
        ),
        facts=[("Period", f"since {sections.long_date(since)}" if since else "All recorded")],
        body=region.story(s, which, rows, summary, engagements, facts, today, since),
        contents=contents,
        informed=informed,
        withheld=sources.withheld(codes, since, options.marking),
    )


def brief_challenge(
    vault: Vault, engagement_id: str, options: BriefingOptions, *, passphrase: str | None = None
) -> Briefing:
    return complete(vault, prepare_challenge(vault, engagement_id, options), passphrase)


def prepare_challenge(vault: Vault, engagement_id: str, options: BriefingOptions) -> Draft:
    options = _signed(vault, options)
    today = options.today or vault.now().date()
    e = Challenges(vault).get(engagement_id)
    c = Councils(vault).get(e.council)
    since = options.since or ((e.start or today) - TEAM_PACK_LOOKBACK)
    # Peers come from other councils: OFFICIAL unless OFFICIAL-SENSITIVE is chosen.
    ceiling = options.marking or Marking.OFFICIAL
    notes = challenge.team_notes(
        council.by_concern(BriefingSources(vault).notes([c.gss_code], since, ceiling))
    )
    everyone = Contacts(vault).list(c.gss_code)
    contacts = [p for p in everyone if any(r in p.role.lower() for r in KEY_ROLES)] or everyone[:3]
    history = challenge.past(Challenges(vault).list(council=c.gss_code), e, today)
    team = peer_contacts(vault, e.team)
    boards = Boards(vault)
    sitting = [b for b in boards.list(c.gss_code) if b.is_active(today)]
    assessments = list(Assessments(vault).latest(c.gss_code).values())
    documents = challenge.key_documents(assessments, [(b, boards.documents(b.id)) for b in sitting])
    s = sheet(options.large_print)
    when = sections.long_date(e.start) if e.start else "dates to be agreed"
    return _draft(
        today,
        replace(options, marking=ceiling),
        kind="challenge",
        kind_label="Peer challenge team pack",
        scope=e.id,
        heading=c.name,
        subheading=f"{sections.text(e.type.label)}, {when}",
        facts=[("On site", when)],
        body=challenge.story(s, e, c, contacts, team, history, documents, notes, today, since),
        contents=[c, e, *contacts, *team.values(), *history, *assessments, *sitting, *notes],
        informed=[],
        withheld=0,
    )
