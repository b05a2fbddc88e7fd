"""Notebook 08's checks beyond what tests/test_grader.py asks of every check: init_network judged layer by
layer (each weight matrix against its own n_in), the cache's parts named in messages, the output layer's
missing ReLU, and what only the hidden cases catch."""

import numpy as np
import pytest

from autograde_tests import nb08
from course_lib import layers, network
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb08


def _mistake(function_name, mistake_name):
    return next(m for m in nb08.NOTEBOOK.exercise(function_name).mistakes if m.name == mistake_name)


def test_init_network_names_the_layer_whose_spread_is_off():
    message = assert_fails(nb08.check_init_network, _mistake("init_network", "output layer scaled differently").fn,
                           hidden=False)
    assert "W3 with standard deviation" in message
    assert "sqrt(2 / 160)" in message and "n_in = 160" in message


def test_init_network_drawn_in_another_order_passes():
    """The exercise fixes the distribution of every layer, not the order of the draws."""

    def last_layer_first(layer_sizes, rng, scheme="he"):
        pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
        params = {}
        for layer in range(len(pairs), 0, -1):
            params[f"W{layer}"], params[f"b{layer}"] = layers.init_dense(int(pairs[layer - 1][0]),
                                                                         int(pairs[layer - 1][1]), rng, scheme)
        return params

    assert_passes(nb08.check_init_network, last_layer_first)


def test_init_network_with_one_generator_per_call_but_not_reproducible_fails():
    def clock_seeded(layer_sizes, rng, scheme="he"):
        rng.random()  # touches rng, but the weights come from elsewhere
        return network.init_network(layer_sizes, np.random.default_rng(np.random.SeedSequence().entropy), scheme)

    assert_fails(nb08.check_init_network, clock_seeded, must_mention=["same weights for the same seed"],
                 hidden=False)


def test_mlp_forward_messages_name_the_cache_part():
    message = assert_fails(nb08.check_mlp_forward, _mistake("mlp_forward", "cache pairs in the wrong order").fn,
                           hidden=False)
    assert "cache[0][0] (A_in): got      what cache[0][1] (Z) should hold" in message


def test_mlp_forward_cache_as_tuples_of_lists_or_a_tuple_of_pairs_passes():
    def tuple_cache(X, params):
        scores, cache = network.mlp_forward(X, params)
        return scores, tuple([A_in, Z] for A_in, Z in cache)

    assert_passes(nb08.check_mlp_forward, tuple_cache)


def test_mlp_backward_that_masks_the_output_layer_is_caught_where_scores_are_negative():
    message = assert_fails(nb08.check_mlp_backward,
                           _mistake("mlp_backward", "ReLU's derivative applied to the output layer").fn, hidden=False)
    assert 'grads["W3"]: first difference at index' in message


def test_mlp_backward_does_not_change_the_cache():
    def zeroes_the_cache_in_place(dscores, cache, params):
        grads = network.mlp_backward(dscores, cache, params)
        for _, Z in cache:
            Z[Z < 0] = 0.0
        return grads

    assert_fails(nb08.check_mlp_backward, zeroes_the_cache_in_place, must_mention=["changed its argument `cache`"],
                 hidden=False)


@pytest.mark.parametrize(("check", "fn", "phrase"), [
    (nb08.check_init_network,  # assumes at most a few layers
     lambda layer_sizes, rng, scheme="he": network.init_network(list(layer_sizes)[:6], rng, scheme),
     "[2, 16, 16, 16"),
    (nb08.check_mlp_forward,
     lambda X, params: network.mlp_forward(X, params) if X.dtype == np.float64 else (X, []), "as float32"),
    (nb08.check_mlp_backward,  # a hard-coded number of layers
     lambda dscores, cache, params: network.mlp_backward(dscores, cache, params) if len(cache) < 4
     else {k: np.zeros_like(v) for k, v in params.items()}, "4 → 8 → 8 → 8 → 8 → 3"),
], ids=["init many layers", "forward float32", "backward deep"])
def test_hidden_cases_catch_what_visible_cases_miss(check, fn, phrase):
    assert_passes(check, fn, hidden=False)
    assert_fails(check, fn, must_mention=[phrase])
