"""The roles an API key can have, and which of them may do what (DESIGN.md, ``api/``)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a key may do.

    ``people_ops`` and ``employee_rep`` read exactly the same aggregates;
    ``employee_rep`` (with ``admin``) can also read the audit log, which records
    every request people-ops makes. ``ingestor`` can only send posts.
    """

    admin = "admin"
    people_ops = "people_ops"
    employee_rep = "employee_rep"
    ingestor = "ingestor"


READERS = (Role.admin, Role.people_ops, Role.employee_rep)  # the aggregates and model cards
AUDITORS = (Role.admin, Role.employee_rep)  # the audit log
INGESTORS = (Role.ingestor,)  # POST /v1/posts
