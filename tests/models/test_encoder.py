"""The encoder: the packaged model offline, any folder through the same code, ONNX backends."""

import os
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from models.encoder import Encoder, packaged_model_path

TEXTS = [
    "They moved my whole team to another org.",
    "ok",
    "Is the screen recorder on for contractors?",
]


def test_packaged_model_loads_offline_and_gives_unit_vectors(encoder) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_model_folder_given_by_path_goes_through_the_same_code(encoder) -> None:
    by_path = Encoder(str(packaged_model_path())).encode(TEXTS)
    assert np.allclose(by_path, encoder.encode(TEXTS), atol=1e-5)


def test_a_name_not_in_the_offline_cache_fails_clearly() -> None:
    with pytest.raises(ConfigError, match="cannot be loaded"):
        Encoder("no-such-org/no-such-model").encode(["x"])


def test_an_unknown_backend_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="torch, onnx, onnx-int8"):
        Encoder(backend="tensorrt")


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.9999), ("onnx-int8", 0.97)])
def test_onnx_backends_agree_with_pytorch(encoder, onnx_cache: Path, backend, floor) -> None:
    exported = Encoder(backend=backend, cache_dir=onnx_cache).encode(TEXTS)
    cosine = (exported * encoder.encode(TEXTS)).sum(axis=1)
    assert cosine.mean() >= floor  # the measure: mean cosine to the PyTorch vectors


def test_the_onnx_export_is_cached(onnx_cache: Path) -> None:
    Encoder(backend="onnx", cache_dir=onnx_cache).encode(["warm"])
    exports = list((onnx_cache / "onnx").iterdir())
    Encoder(backend="onnx-int8", cache_dir=onnx_cache).encode(["again"])
    assert list((onnx_cache / "onnx").iterdir()) == exports
    assert (exports[0] / "model.int8.onnx").exists()
