"""The registry: shipped champions, promotion, and the not-worse rule."""

from pathlib import Path

import pytest

from core.errors import ModelError
from models.dataset import project_split
from models.promotion import promote_if_better
from models.registry import Registry
from models.sentiment import SentimentClassifier


@pytest.fixture
def registry(engine, tmp_path: Path) -> Registry:
    return Registry(engine, tmp_path / "models")


def test_a_fresh_store_gets_the_shipped_champions(registry: Registry) -> None:
    champions = registry.ensure_champions()
    assert {kind: v.status for kind, v in champions.items()} == {
        "sentiment": "champion",
        "topics": "champion",
    }
    assert (registry.model_dir / champions["topics"].path / "card.md").exists()
    assert registry.ensure_champions() == champions  # installing twice changes nothing


def _register(registry: Registry, model: SentimentClassifier, version: str):
    model.save(registry.folder("sentiment", version))
    return registry.register("sentiment", version, {}, "test encoder", "test")


def test_promotion_retires_the_old_champion(registry: Registry, fitted_sentiment) -> None:
    old = registry.ensure_champions()["sentiment"]
    new = _register(registry, fitted_sentiment, "v-new")
    registry.promote("sentiment", "v-new")
    assert registry.champion("sentiment").version == new.version
    assert registry.get("sentiment", old.version).status == "retired"


def test_a_worse_candidate_does_not_replace_the_champion(registry, encoder, train_posts) -> None:
    champion = registry.ensure_champions()["sentiment"]
    few = train_posts[:12]  # a dozen posts: a clearly worse model
    weak = SentimentClassifier(encoder).fit([p.text for p in few], [p.sentiment for p in few])
    candidate = _register(registry, weak, "v-weak")
    decision = promote_if_better(registry, candidate, project_split("test"), encoder)
    assert not decision.promoted
    assert decision.candidate_score < decision.champion_score
    assert registry.champion("sentiment").version == champion.version


def test_a_candidate_as_good_as_the_champion_is_promoted(registry, encoder) -> None:
    champion = registry.ensure_champions()["sentiment"]
    twin = registry.load(champion, encoder)
    candidate = _register(registry, twin, "v-twin")
    decision = promote_if_better(registry, candidate, project_split("test"), encoder)
    assert decision.promoted and decision.candidate_score == decision.champion_score
    assert registry.champion("sentiment").version == "v-twin"


def test_an_unknown_version_says_where_to_look(registry: Registry) -> None:
    with pytest.raises(ModelError, match="barometer models list"):
        registry.promote("sentiment", "nope")
