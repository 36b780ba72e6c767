"""Self-assessments (children's services) and local accounts (adult social care), by year.

One record per council, kind and year (its id derives from them), so recording the same year
again edits it. A document is held encrypted in the vault by ``Documents`` and syncs with the
record to whoever can see the council.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import Assessment, AssessmentKind
from ..domain.document import Document
from ..domain.improvement import programme_year
from .councils import Councils
from .documents import Documents
from .errors import NotFound
from .store import Vault


@dataclass(frozen=True)
class AssessmentView:
    """An assessment with the document it points to (if it has arrived on this device)."""

    assessment: Assessment
    document: Document | None

    def to_json(self) -> dict[str, Any]:
        doc = self.document
        return {
            **self.assessment.to_json(),
            "document": None
            if doc is None
            else {"id": doc.id, "filename": doc.filename, "size": doc.size},
        }


class Assessments:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def record(
        self,
        council: str,
        type: AssessmentKind | str,
        *,
        date: dt.date,
        year: int | None = None,
        link: str | None = None,
        summary: str | None = None,
        document: Path | None = None,
    ) -> Assessment:
        """Add or update the council's assessment of this kind for ``year`` (by default the
        financial year of ``date``). Fields not given are kept; a new document replaces the
        old one, and the record, its document and the old one's removal are one transaction."""
        gss = Councils(self.vault).require(council)
        kind = type if isinstance(type, AssessmentKind) else AssessmentKind.parse(type)
        year = programme_year(date) if year is None else year
        record_id = Assessment.id_for(gss, kind, year)
        current = self.vault.get(Assessment, record_id)
        changes: dict[str, Any] = {"date": date}
        if link is not None:
            changes["link"] = link
        if summary is not None:
            changes["summary"] = summary
        with self.vault.transaction():
            if current is None or current.deleted:
                saved = self.vault.save(
                    Assessment.build(
                        id=record_id,
                        council=gss,
                        type=kind,
                        year=year,
                        document_id=None,
                        **{"link": "", "summary": "", **changes},
                    )
                )
            else:
                wanted = current.evolve(**changes)
                saved = (
                    current
                    if wanted == current
                    else self.vault.save(wanted, audit_detail={"fields": sorted(changes)})
                )
            if document is not None:
                saved = self.attach(saved.id, document)
        return saved

    def attach(self, assessment_id: str, source: Path) -> Assessment:
        """Hold ``source`` encrypted in the vault as the assessment's document, replacing any
        document it had."""
        current = self.get(assessment_id)
        documents = Documents(self.vault)
        with self.vault.transaction():
            attached = documents.attach(current.kind, current.id, source)
            if current.document_id:
                with contextlib.suppress(NotFound):  # never arrived here, or already gone
                    documents.delete(current.document_id)
            return self.vault.save(
                current.evolve(document_id=attached.id), audit_detail={"fields": ["document_id"]}
            )

    def detach(self, assessment_id: str) -> Assessment:
        current = self.get(assessment_id)
        if not current.document_id:
            return current
        with self.vault.transaction():
            with contextlib.suppress(NotFound):
                Documents(self.vault).delete(current.document_id)
            return self.vault.save(current.evolve(document_id=None))

    def delete(self, assessment_id: str) -> Assessment:
        current = self.get(assessment_id)
        with self.vault.transaction():
            Documents(self.vault).delete_for_owner(current.kind, current.id)
            return self.vault.delete(current)

    def get(self, assessment_id: str) -> Assessment:
        """By full id or an unambiguous prefix of at least 8 characters."""
        text = assessment_id.strip().lower()
        found = self.vault.matching_id(Assessment, text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFound(f"no self-assessment or local account {assessment_id!r} in the vault")
        raise NotFound(f"{assessment_id!r} matches more than one record; give more of its id")

    def list(
        self, council: str | None = None, type: AssessmentKind | None = None
    ) -> list[Assessment]:
        """Newest year first."""
        where, params = "deleted = 0", []
        if council:
            where += " AND council = ?"
            params.append(Councils(self.vault).require(council))
        if type is not None:
            where += " AND type = ?"
            params.append(type.value)
        return self.vault.records(
            Assessment, where, params, order="year DESC, date DESC, council, type"
        )

    def latest(self, council: str) -> dict[AssessmentKind, Assessment]:
        """The council's most recent self-assessment and local account (where recorded)."""
        found: dict[AssessmentKind, Assessment] = {}
        for assessment in self.list(council):
            found.setdefault(assessment.type, assessment)
        return found

    def view(self, assessment: Assessment) -> AssessmentView:
        document = None
        if assessment.document_id:
            try:
                document = Documents(self.vault).get(assessment.document_id)
            except NotFound:
                document = None
        return AssessmentView(assessment, document)

    def content(self, assessment_id: str) -> tuple[Document, bytes]:
        current = self.get(assessment_id)
        if not current.document_id:
            raise NotFound(f"the {current.type.value} {current.year} has no document attached")
        documents = Documents(self.vault)
        return documents.get(current.document_id), documents.content(current.document_id)

    def save_copy(self, assessment_id: str, target: Path) -> Path:
        current = self.get(assessment_id)
        if not current.document_id:
            raise NotFound(f"the {current.type.value} {current.year} has no document attached")
        return Documents(self.vault).save_copy(current.document_id, target)
