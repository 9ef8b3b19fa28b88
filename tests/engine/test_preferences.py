"""The Preferences the app and the CLI share (engine/preferences.py): saved defaults reach the engine's
options; values of the wrong kind in a hand-edited settings.json are ignored (and logged), never passed on;
the administrator's locks win."""

from __future__ import annotations

import json
import logging

from engine.config import Policy, Settings
from engine.host.protocol import LoadOptions, SamplingOptions
from engine.preferences import default_load, default_sampling


def settings_with(tmp_path, **values) -> Settings:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    return Settings(path)


def test_saved_defaults_reach_the_options(tmp_path):
    s = settings_with(tmp_path, sampling={"temperature": 0.2, "top_k": 10, "max_tokens": 64, "seed": 7},
                      load={"n_ctx": 2048, "gpu_layers": "all", "n_threads": 3})
    samp = default_sampling(s)
    assert (samp.temperature, samp.top_k, samp.max_tokens, samp.seed) == (0.2, 10, 64, 7)
    load = default_load(s)
    assert (load.n_ctx, load.gpu_layers, load.n_threads) == (2048, "all", 3)


def test_values_of_the_wrong_kind_are_ignored_and_logged(tmp_path, caplog):
    s = settings_with(tmp_path, sampling={"temperature": "hot", "top_k": 2.5, "max_tokens": True, "min_p": -1,
                                          "top_p": "0.9", "seed": "42"},
                      load={"n_ctx": "big", "gpu_layers": "most", "n_threads": -2})
    with caplog.at_level(logging.WARNING, logger="engine.preferences"):
        samp, load = default_sampling(s), default_load(s)
    d = SamplingOptions()
    assert (samp.temperature, samp.top_k, samp.max_tokens, samp.min_p, samp.top_p, samp.seed) == \
        (d.temperature, d.top_k, d.max_tokens, d.min_p, d.top_p, d.seed)
    dl = LoadOptions()
    assert (load.n_ctx, load.gpu_layers, load.n_threads) == (dl.n_ctx, dl.gpu_layers, dl.n_threads)
    logged = caplog.text
    for name in ("temperature", "top_k", "max_tokens", "min_p", "top_p", "seed", "n_ctx", "gpu_layers",
                 "n_threads"):
        assert f"{name} = " in logged, name


def test_integral_floats_and_numeric_layers_are_accepted(tmp_path):
    s = settings_with(tmp_path, sampling={"top_k": 20.0, "temperature": 1}, load={"gpu_layers": "12", "n_ctx": 4096.0})
    assert default_sampling(s).top_k == 20 and default_sampling(s).temperature == 1.0
    load = default_load(s)
    assert load.gpu_layers == 12 and load.n_ctx == 4096 and isinstance(load.n_ctx, int)


def test_the_administrators_locks_win(tmp_path):
    s = settings_with(tmp_path, sampling={"temperature": 1.5}, load={"n_ctx": 8192})
    pol = Policy(locked_settings={"temperature": 0.1, "n_ctx": 1024})
    assert default_sampling(s, pol).temperature == 0.1
    assert default_load(s, pol).n_ctx == 1024
