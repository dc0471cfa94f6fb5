import numpy as np
import pytest

from nnlib.optim import Adam, GradientDescent, Momentum


def quadratic_gradient(P, target):
    # f(P) = 0.5 * ||P - target||^2 has gradient P - target
    return P - target


def test_gradient_descent_update_is_exact():
    P = np.array([1.0, -2.0])
    GradientDescent(learning_rate=0.5).step([P], [np.array([2.0, 4.0])])
    np.testing.assert_allclose(P, [0.0, -4.0])


def test_momentum_accumulates_velocity():
    P = np.zeros(1)
    optimizer = Momentum(learning_rate=1.0, momentum=0.5)
    for _ in range(3):
        optimizer.step([P], [np.ones(1)])
    # velocities 1, 1.5, 1.75 -> P = -(1 + 1.5 + 1.75)
    np.testing.assert_allclose(P, [-4.25])


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    P = np.array([1.0, 1.0, 1.0])
    Adam(learning_rate=0.1).step([P], [np.array([1e-3, 5.0, -300.0])])
    # eps (1e-8) is negligible next to every |g| here
    np.testing.assert_allclose(P, [0.9, 0.9, 1.1], rtol=1e-4)


def test_adam_matches_the_textbook_form(rng):
    P = rng.standard_normal(5)
    reference = P.copy()
    M = np.zeros(5)
    S = np.zeros(5)
    optimizer = Adam(learning_rate=0.01, beta1=0.8, beta2=0.9, eps=1e-3)
    for t in range(1, 6):
        g = rng.standard_normal(5)
        optimizer.step([P], [g])
        M = 0.8 * M + 0.2 * g
        S = 0.9 * S + 0.1 * g * g
        M_hat, S_hat = M / (1 - 0.8**t), S / (1 - 0.9**t)
        reference -= 0.01 * M_hat / (np.sqrt(S_hat) + 1e-3)
    np.testing.assert_allclose(P, reference, rtol=1e-10)


@pytest.mark.parametrize(
    "optimizer",
    [
        GradientDescent(learning_rate=0.1),
        Momentum(learning_rate=0.05),
        Adam(learning_rate=0.05),
    ],
    ids=["gd", "momentum", "adam"],
)
def test_optimisers_minimise_a_quadratic(optimizer, rng):
    target = rng.standard_normal((3, 2))
    W, b = np.zeros((3, 2)), np.zeros(2)
    for _ in range(500):
        optimizer.step([W, b], [quadratic_gradient(W, target), b - 1.0])
    np.testing.assert_allclose(W, target, atol=1e-2)
    np.testing.assert_allclose(b, 1.0, atol=1e-2)


def test_updates_are_in_place_and_keep_float32():
    W = np.ones((2, 2), np.float32)
    same = W
    Adam(learning_rate=0.1).step([W], [np.ones((2, 2), np.float32)])
    assert W is same and W.dtype == np.float32


def test_weight_decay_shrinks_weights_but_not_biases():
    W, b = np.ones((2, 2)), np.ones(2)
    GradientDescent(learning_rate=0.1, weight_decay=0.5).step(
        [W, b], [np.zeros((2, 2)), np.zeros(2)]
    )
    np.testing.assert_allclose(W, 0.95)
    np.testing.assert_allclose(b, 1.0)


def test_learning_rate_can_change_between_steps():
    P = np.zeros(1)
    optimizer = GradientDescent(learning_rate=1.0)
    optimizer.step([P], [np.ones(1)])
    optimizer.learning_rate = 0.5
    optimizer.step([P], [np.ones(1)])
    np.testing.assert_allclose(P, [-1.5])


def test_optimiser_errors():
    with pytest.raises(ValueError, match="positive learning_rate, got -0.1"):
        GradientDescent(learning_rate=-0.1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'lr'"):
        Adam(lr=0.1)
    with pytest.raises(TypeError):
        GradientDescent(0.1)  # keyword only, so a misplaced value raises
    with pytest.raises(ValueError, match="momentum < 1"):
        Momentum(learning_rate=0.1, momentum=1.2)
    with pytest.raises(ValueError, match="weight_decay >= 0"):
        Adam(weight_decay=-1)
    optimizer = GradientDescent(learning_rate=0.1)
    with pytest.raises(ValueError, match=r"gradient 0 has shape \(3,\)"):
        optimizer.step([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="one gradient per parameter"):
        GradientDescent(learning_rate=0.1).step([np.zeros(2)], [])
    optimizer = Adam()
    optimizer.step([np.zeros(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="changed shape"):
        optimizer.step([np.zeros(3)], [np.zeros(3)])
