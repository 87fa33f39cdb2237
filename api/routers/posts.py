"""``POST /v1/posts``: ingest up to 1,000 records, exactly as ``barometer ingest`` would.

Each record is validated, anonymized and stored once by (source, source_id);
a bad one is quarantined with its reason and the rest land. The answer gives
every record's outcome and never echoes a record's content.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.deps import ServiceDep, require
from api.roles import INGESTORS
from api.schemas import PostOutcomeOut, PostsIn, PostsOut
from ingest.pipeline import ingest_records
from ingest.pseudonym import Pseudonymizer

router = APIRouter(tags=["posts"], dependencies=[Depends(require(*INGESTORS))])


@router.post("/posts", response_model=PostsOut)
def post_records(body: PostsIn, request: Request, service: ServiceDep) -> PostsOut:
    """Store forum records; answers per record: stored, updated, duplicate or quarantined."""
    request.state.audit_parameters = {"source": body.source, "records": len(body.records)}
    result, outcomes = ingest_records(
        body.records,
        engine=service.engine,
        redactor=service.anonymizer(),
        pseudonymize=Pseudonymizer(service.pseudonym_key),
        min_group_size=service.privacy.k,
        source=body.source,
    )
    return PostsOut(
        batch_id=result.batch_id,
        read=result.read,
        stored=result.stored,
        updated=result.updated,
        duplicates=result.duplicates,
        quarantined=result.quarantined,
        records=[
            PostOutcomeOut.model_validate(outcome, from_attributes=True) for outcome in outcomes
        ],
    )
