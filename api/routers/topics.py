"""``/v1/topics``: the taxonomy, with which topics are protected and their k."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import ServiceDep, require
from api.roles import READERS
from api.schemas import TopicOut
from models.taxonomy import TOPICS

router = APIRouter(tags=["topics"], dependencies=[Depends(require(*READERS))])


@router.get("/topics", response_model=list[TopicOut])
def topics(service: ServiceDep) -> list[TopicOut]:
    """Every topic the classifiers assign, as the trends and breakdowns name them."""
    privacy = service.privacy
    return [
        TopicOut(
            id=topic,
            description=description,
            protected=topic in privacy.protected,
            k=privacy.k_for(topic),
        )
        for topic, description in TOPICS.items()
    ]
