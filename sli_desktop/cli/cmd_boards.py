"""sli board add|list|show|edit|sign-off|attach|save-document|detach|delete

Improvement Boards: members, dates, the terms of engagement document (held encrypted in the
vault) and the three adult social care sign-off elements, with whether the board is ready to
present (domain/board.py defines when the elements align).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ..domain import ImprovementBoard, SignOffElement, SignOffStatus
from ..vault.boards import Boards, members_from
from ..vault.councils import Councils
from ..vault.documents import Documents
from .args import Commands, Parser, date_arg
from .context import Context, UsageError
from .output import emit_json, say, table


def _status(text: str) -> SignOffStatus:
    try:
        return SignOffStatus.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _element(text: str) -> SignOffElement:
    try:
        return SignOffElement.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("board", parents=[common], help="Improvement Boards and their sign-off")
    bsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    c = bsub.add_parser("add", parents=[common], help="record an Improvement Board")
    c.add_argument("--council", required=True, metavar="GSS")
    _board_options(c)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)

    c = bsub.add_parser("list", parents=[common], help="boards, with whether each is ready")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_boards)

    c = bsub.add_parser("show", parents=[common], help="one board in full")
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=show)

    c = bsub.add_parser("edit", parents=[common], help="change a board's members or dates")
    c.add_argument("id", metavar="ID")
    _board_options(c)
    c.add_argument("--remove-member", action="append", default=[], metavar="NAME")
    c.add_argument("--remove-meeting", action="append", default=[], type=date_arg, metavar="D")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=edit)

    c = bsub.add_parser(
        "sign-off",
        parents=[common],
        help="set a sign-off element: progress-report, peer-challenge or endorsement",
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("element", type=_element, metavar="ELEMENT")
    c.add_argument("status", type=_status, metavar="STATUS", help="pending|in-progress|signed-off")
    c.add_argument("--on", type=date_arg, metavar="DATE", help="default: today when signed off")
    c.add_argument("--engagement", metavar="ID", help="the peer challenge (peer-challenge)")
    c.add_argument("--peer-director", metavar="NAME", help="who endorsed (endorsement)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=sign_off)

    c = bsub.add_parser(
        "attach", parents=[common], help="attach the terms of engagement (kept encrypted)"
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--agreed", type=date_arg, metavar="DATE", help="the terms were agreed on")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=attach)

    c = bsub.add_parser(
        "save-document", parents=[common], help="write a copy of an attached document"
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("document", metavar="DOCUMENT_ID")
    c.add_argument("-o", "--output", required=True, type=Path, metavar="PATH")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=save_document)

    c = bsub.add_parser("detach", parents=[common], help="delete an attached document")
    c.add_argument("id", metavar="ID")
    c.add_argument("document", metavar="DOCUMENT_ID")
    c.set_defaults(func=detach)

    c = bsub.add_parser("delete", parents=[common], help="delete a board and its documents")
    c.add_argument("id", metavar="ID")
    c.set_defaults(func=delete)


def _board_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--start", type=date_arg, metavar="DATE")
    c.add_argument("--end", type=date_arg, metavar="DATE")
    c.add_argument(
        "--member", action="append", default=[], metavar="NAME|ROLE|ORGANISATION", dest="members"
    )
    c.add_argument("--meeting", action="append", default=[], type=date_arg, metavar="DATE")
    c.add_argument("--terms-agreed", type=date_arg, metavar="DATE")


def board_json(vault: Any, board: ImprovementBoard, today: date) -> dict[str, Any]:
    readiness = board.readiness(today)
    return {
        **board.to_json(),
        "ready_to_present": readiness.ready,
        "not_ready_because": list(readiness.missing),
        "documents": [d.to_json() for d in Boards(vault).documents(board.id)],
    }


def _emit(ctx: Context, board: ImprovementBoard, said: str) -> None:
    vault = ctx.vault()
    if ctx.args.json:
        emit_json(board_json(vault, board, vault.now().date()))
    else:
        say(said)


def add(ctx: Context) -> None:
    a = ctx.args
    fields: dict[str, Any] = {
        "council": a.council,
        "start": a.start,
        "end": a.end,
        "members": members_from(a.members),
        "meetings": a.meeting,
        "terms_agreed_on": a.terms_agreed,
    }
    board = Boards(ctx.vault()).add(**fields)
    _emit(ctx, board, f"Recorded Improvement Board {board.id[:8]} for {board.council}.")


def edit(ctx: Context) -> None:
    a = ctx.args
    boards = Boards(ctx.vault())
    board = boards.get(a.id)
    changes: dict[str, Any] = {
        k: v
        for k, v in (("start", a.start), ("end", a.end), ("terms_agreed_on", a.terms_agreed))
        if v is not None
    }
    if a.members or a.remove_member:
        gone = {" ".join(n.split()).lower() for n in a.remove_member}
        missing = gone - {m.name.lower() for m in board.members}
        if missing:
            raise UsageError(f"no member called {sorted(missing)[0]!r} on this board")
        kept = [m.model_dump() for m in board.members if m.name.lower() not in gone]
        changes["members"] = kept + members_from(a.members)
    if a.meeting or a.remove_meeting:
        missing_dates = set(a.remove_meeting) - set(board.meetings)
        if missing_dates:
            raise UsageError(f"the board has no meeting on {min(missing_dates)}")
        changes["meetings"] = [d for d in board.meetings if d not in a.remove_meeting] + a.meeting
    if not changes:
        raise UsageError("nothing to change: give at least one option")
    board = boards.edit(board.id, **changes)
    _emit(ctx, board, f"Updated Improvement Board {board.id[:8]} (version {board.version}).")


def sign_off(ctx: Context) -> None:
    a = ctx.args
    more: dict[str, Any] = {}
    if a.engagement:
        if a.element is not SignOffElement.PEER_CHALLENGE:
            raise UsageError("--engagement goes with the peer-challenge element")
        more["engagement_id"] = a.engagement
    if a.peer_director is not None:
        if a.element is not SignOffElement.ENDORSEMENT:
            raise UsageError("--peer-director goes with the endorsement element")
        more["peer_director"] = a.peer_director
    board = Boards(ctx.vault()).sign_off(a.id, a.element, a.status, a.on, **more)
    ready = board.readiness(ctx.vault().now().date())
    state = "ready to present" if ready.ready else "not ready to present"
    _emit(ctx, board, f"{a.element.label}: {a.status.value}. The board is {state}.")


def attach(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    boards = Boards(vault)
    with vault.transaction():
        document = boards.attach_terms(a.id, a.file)
        if a.agreed is not None:
            boards.edit(a.id, terms_agreed_on=a.agreed)
    if a.json:
        emit_json(document.to_json())
    else:
        say(
            f"Attached {document.filename} ({document.size:,} bytes) as document "
            f"{document.id[:8]}; it is kept encrypted in the vault."
        )


def save_document(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    document = Boards(vault).document(a.id, a.document)
    written = Documents(vault).save_copy(document.id, a.output)
    if a.json:
        emit_json({"document": document.id, "path": str(written), "size": document.size})
    else:
        say(f"Wrote {written} ({document.size:,} bytes).")


def detach(ctx: Context) -> None:
    vault = ctx.vault()
    document = Boards(vault).document(ctx.args.id, ctx.args.document)
    Documents(vault).delete(document.id)
    say(f"Deleted {document.filename}; the deletion reaches other devices at the next sync.")


def delete(ctx: Context) -> None:
    board = Boards(ctx.vault()).delete(ctx.args.id)
    say(f"Deleted Improvement Board {board.id[:8]} and its documents.")


def list_boards(ctx: Context) -> None:
    vault = ctx.vault()
    today = vault.now().date()
    boards = Boards(vault).list(ctx.args.council)
    if ctx.args.json:
        emit_json([board_json(vault, b, today) for b in boards])
        return
    names = Councils(vault).names()
    table(
        ["id", "council", "start", "end", "members", "next meeting", "ready"],
        [
            (
                b.id[:8],
                names.get(b.council, b.council),
                b.start,
                b.end,
                len(b.members),
                b.next_meeting(today),
                "ready to present" if b.readiness(today).ready else "not yet",
            )
            for b in boards
        ],
        empty="no Improvement Boards recorded",
    )


def show(ctx: Context) -> None:
    vault = ctx.vault()
    today = vault.now().date()
    board = Boards(vault).get(ctx.args.id)
    data = board_json(vault, board, today)
    if ctx.args.json:
        emit_json(data)
        return
    name = Councils(vault).names().get(board.council, board.council)
    say(f"Improvement Board — {name}")
    say(f"From {board.start or 'not set'} to {board.end or 'not set'}")
    say(f"Meetings: {', '.join(str(d) for d in board.meetings) or 'none recorded'}")
    for member in board.members:
        extra = ", ".join(x for x in (member.role, member.organisation) if x)
        say(f"Member: {member.name}" + (f" ({extra})" if extra else ""))
    say(f"Terms of engagement agreed: {board.terms_agreed_on or 'not yet'}")
    for document in data["documents"]:
        say(f"Document {document['id'][:8]}: {document['filename']} ({document['size']:,} bytes)")
    for element in SignOffElement:
        on = board.signed_on(element)
        say(f"{element.label}: {board.status(element).value}" + (f" ({on})" if on else ""))
    if board.peer_director:
        say(f"Independent peer director: {board.peer_director}")
    if data["ready_to_present"]:
        say("Ready to present: yes — all three sign-off elements align.")
    else:
        say("Ready to present: not yet — " + "; ".join(data["not_ready_because"]) + ".")
