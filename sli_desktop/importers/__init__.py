"""Reading outside files into domain records. No Qt, no SQL: callers hand them to the vault."""

from .problems import ImportProblem

__all__ = ["ImportProblem"]
