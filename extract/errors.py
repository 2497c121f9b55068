"""Errors raised when a source file is not what its publisher's format promises."""

from __future__ import annotations


class SourceFormatError(ValueError):
    """A source file that cannot be read as its declared format.

    The message always names the source, the file, where in the file, and the problem, so that
    an operator can act on a nightly failure without opening a debugger.
    """

    def __init__(self, source_id: str, filename: str, location: str, problem: str) -> None:
        self.source_id = source_id
        self.filename = filename
        self.location = location
        self.problem = problem
        where = f" at {location}" if location else ""
        super().__init__(f"source {source_id!r}, file {filename!r}{where}: {problem}")
