"""Documents attached to other records (terms of engagement, self-assessments), held encrypted.

A document is two kinds of record: ``Document`` (what it is: name, type, size, SHA-256) and its
``DocumentPart`` records, each carrying up to ``PART_BYTES`` of the content as base64. Parts
keep every sync request under the server's body limit however large the document (up to
``MAX_DOCUMENT_BYTES``), and a part is written once and never edited, so it never conflicts.
Both carry the owner's council so the server routes them to whoever can see that council.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from .errors import ValidationError
from .fields import GssCode, Text
from .records import Record

#: The largest document the app accepts (the sync server's limits are per part, not per file).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
#: Content per part record: small enough that a push of several parts fits one request.
PART_BYTES = 1024 * 1024
#: The most parts a document can have: a count from elsewhere (a synced record) is bounded,
#: so nothing sized by it (a list of part numbers) can exhaust memory.
MAX_PARTS = -(-MAX_DOCUMENT_BYTES // PART_BYTES)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Document(Record):
    kind: ClassVar[str] = "document"

    owner_kind: str = Field(min_length=1, max_length=40)
    owner_id: str = Field(min_length=1, max_length=64)
    #: The owner's council (GSS code): what the sync server routes the document by.
    council: GssCode | None = None
    filename: Text
    media_type: str = Field(default="application/octet-stream", min_length=1, max_length=200)
    size: int = Field(ge=0, le=MAX_DOCUMENT_BYTES)
    sha256: str
    #: How many ``DocumentPart`` records hold the content (0 for an empty file).
    parts: int = Field(default=0, ge=0, le=MAX_PARTS)

    @field_validator("sha256")
    @classmethod
    def _digest(cls, value: str) -> str:
        if not _SHA256.match(value):
            raise ValueError("must be a SHA-256 digest in lower-case hex")
        return value

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        """Only the file's own name is kept: never a folder path from the attaching machine."""
        name = value.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not name or name in (".", ".."):
            raise ValueError("must be a file name")
        return name

    @model_validator(mode="after")
    def _parts_fit_size(self) -> Document:
        """Content is cut into PART_BYTES pieces: any other count is a broken record."""
        if self.parts != -(-self.size // PART_BYTES):
            raise ValidationError("parts", f"{self.parts} parts cannot hold {self.size} bytes")
        return self


class DocumentPart(Record):
    kind: ClassVar[str] = "document-part"

    document_id: str = Field(min_length=1, max_length=64)
    council: GssCode | None = None
    number: int = Field(ge=0, lt=MAX_PARTS)
    #: base64 of up to PART_BYTES of content; emptied when the document is deleted.
    data: str = Field(default="", max_length=(PART_BYTES * 4) // 3 + 4)

    @field_validator("data")
    @classmethod
    def _base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("must be base64") from None
        return value

    def content(self) -> bytes:
        return base64.b64decode(self.data)
