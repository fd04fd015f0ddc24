"""The fitted models of lab runs as joblib files under LAB_MODELS_DIR: saved once by the worker, loaded once
per process by whoever applies them (allocation help)."""

import functools
import io
from pathlib import Path

from django.conf import settings

from camhs_pbr.lib.files import write_bytes_atomically
from lab.methods import FittedModel


def path_of(model_file: str) -> Path:
    return Path(settings.LAB_MODELS_DIR) / model_file


def save(run_id: int, fingerprint: str, model: FittedModel) -> str:
    """Write the model (atomically, never a partial file) and return its name relative to LAB_MODELS_DIR."""
    import joblib  # here: the web processes load this module, and only a model's first use needs joblib

    name = f"run-{run_id}-{fingerprint[:12]}.joblib"
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    directory = Path(settings.LAB_MODELS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(directory / name, buffer.getvalue())
    return name


def load(model_file: str) -> FittedModel:
    """The model saved as `model_file`, read from disk the first time this process asks for it (a run's
    file is written once and never changed, so its path is the cache key); OSError when it is missing."""
    return _load(path_of(model_file))


@functools.lru_cache(maxsize=16)
def _load(path: Path) -> FittedModel:
    import joblib

    model = joblib.load(path)
    if not isinstance(model, FittedModel):
        raise TypeError(f"{path.name} does not hold a fitted lab model")
    return model


cache_clear = _load.cache_clear
cache_info = _load.cache_info
