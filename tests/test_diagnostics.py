import functools
import math

import numpy as np
import pytest

from nnlib import (
    Adam,
    CrossEntropy,
    Dense,
    Dropout,
    GradientDescent,
    LeakyReLU,
    Momentum,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    backend,
)
from nnlib.diagnostics import (
    activation_statistics,
    dead_unit_fraction,
    gradient_norms,
    layer_outputs,
    learning_rate_range_test,
    parameter_names,
    update_ratios,
)


def small_model(rng, activation=ReLU, dtype=np.float32):
    return Sequential(
        Dense(4, 6, rng=rng, dtype=dtype),
        activation(),
        Dense(6, 5, rng=rng, dtype=dtype),
        activation(),
        Dense(5, 3, rng=rng, dtype=dtype),
    )


def blobs(rng, n_samples=300):
    """Three separable clusters in four dimensions."""
    y = rng.integers(0, 3, size=n_samples)
    centres = 3.0 * np.eye(3, 4)
    X = centres[y] + rng.standard_normal((n_samples, 4))
    return X.astype(np.float32), y


def test_parameter_names_number_the_layers_with_parameters(rng):
    model = Sequential(Dense(4, 6, rng=rng), ReLU(), Dropout(0.5), Dense(6, 3, rng=rng))
    assert parameter_names(model) == ["W1", "b1", "W2", "b2"]
    with pytest.raises(TypeError, match="expected model as a Sequential, got Dense"):
        parameter_names(Dense(4, 6))


def test_layer_outputs_shapes_and_dropout_switched_off(rng):
    model = Sequential(Dense(4, 6, rng=rng), ReLU(), Dropout(0.5, rng=rng))
    X = rng.standard_normal((10, 4)).astype(np.float32)
    outputs = layer_outputs(model, X)
    assert [A.shape for A in outputs] == [(10, 6)] * 3
    np.testing.assert_array_equal(outputs[2], outputs[1])  # no dropout
    np.testing.assert_allclose(outputs[0], X @ model.layers[0].W + model.layers[0].b)
    assert model.training  # the mode is restored


def test_layer_outputs_rejects_transposed_input(rng):
    model = small_model(rng)
    with pytest.raises(ValueError, match=r"layer_outputs: expected X of shape"):
        layer_outputs(model, np.zeros((4, 10), np.float32))


def test_activation_statistics_mean_std_and_saturation(rng):
    model = Sequential(Dense(2, 3, rng=rng, dtype=np.float64), Sigmoid())
    model.layers[0].W[...] = [[100.0, 0.0, -100.0], [0.0, 0.0, 0.0]]
    model.layers[0].b[...] = 0.0
    X = np.array([[1.0, 0.0], [2.0, 0.0]])
    table = activation_statistics(model, X)
    assert table["layer"].tolist() == ["Dense", "Sigmoid"]
    dense, sigmoid = table.iloc[0], table.iloc[1]
    Z = X @ model.layers[0].W
    assert dense["mean"] == pytest.approx(Z.mean())
    assert dense["std"] == pytest.approx(Z.std())
    assert math.isnan(dense["fraction_saturated"])
    # Units 1 and 3 sit at 1 and 0; unit 2 at 0.5, where the slope is largest.
    assert sigmoid["fraction_saturated"] == pytest.approx(2 / 3)


def test_activation_statistics_batches_agree_with_one_pass(rng):
    model = small_model(rng, activation=Tanh, dtype=np.float64)
    X = rng.standard_normal((50, 4))
    whole = activation_statistics(model, X)
    batched = activation_statistics(model, X, batch_size=7)
    np.testing.assert_allclose(batched[["mean", "std"]], whole[["mean", "std"]])
    np.testing.assert_allclose(
        batched["fraction_saturated"], whole["fraction_saturated"]
    )


def test_activation_statistics_relu_and_leaky_relu_saturation(rng):
    X = rng.standard_normal((40, 4)).astype(np.float32)
    relu_model = small_model(rng, activation=ReLU)
    table = activation_statistics(relu_model, X)
    A1 = layer_outputs(relu_model, X)[1]
    assert table.loc[1, "fraction_saturated"] == pytest.approx((A1 == 0).mean())
    leaky_model = small_model(rng, activation=LeakyReLU)
    assert activation_statistics(leaky_model, X).loc[1, "fraction_saturated"] == 0


def test_activation_statistics_rejects_bad_arguments(rng):
    model = small_model(rng)
    X = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match="expected 0 < threshold < 1, got 5"):
        activation_statistics(model, X, threshold=5)
    with pytest.raises(ValueError, match="expected batch_size as a positive integer"):
        activation_statistics(model, X, batch_size=0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        activation_statistics(model, np.full((3, 4), np.nan, np.float32))
    with pytest.raises(TypeError, match="floating-point"):
        activation_statistics(model, np.zeros((3, 4), np.int64))


def test_dead_unit_fraction_counts_units_silent_on_every_sample(rng):
    model = small_model(rng)
    first = model.layers[0]
    first.b[:2] = -1000.0  # units 0 and 1 can never fire on this data
    X = rng.standard_normal((200, 4)).astype(np.float32)
    table = dead_unit_fraction(model, X, batch_size=16)
    assert table["position"].tolist() == [1, 3]
    assert table.loc[0, "n_units"] == 6 and table.loc[0, "n_dead"] == 2
    assert table.loc[0, "dead_fraction"] == pytest.approx(2 / 6)

    model.layers[2].W[...] = 0.0
    model.layers[2].b[...] = -1.0  # the second hidden layer is all dead
    assert dead_unit_fraction(model, X).loc[1, "dead_fraction"] == 1.0


def test_dead_unit_fraction_needs_a_relu_layer(rng):
    model = small_model(rng, activation=Sigmoid)
    with pytest.raises(ValueError, match="no ReLU or LeakyReLU layer.*help"):
        dead_unit_fraction(model, np.zeros((3, 4), np.float32))


def test_gradient_norms_match_the_gradients(rng):
    model = small_model(rng, dtype=np.float64)
    X, y = blobs(rng, 20)
    table = gradient_norms(model, X.astype(np.float64), y)
    assert table["parameter"].tolist() == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert table["shape"].tolist()[:2] == [(4, 6), (6,)]
    expected = [np.linalg.norm(dP) for dP in model.gradients()]
    np.testing.assert_allclose(table["norm"], expected)

    # Without data, the gradients of the last backward pass are reported.
    loss = CrossEntropy()
    loss(model.forward(X[:5].astype(np.float64)), y[:5])
    model.backward(loss.backward())
    np.testing.assert_allclose(
        gradient_norms(model)["norm"], [np.linalg.norm(g) for g in model.gradients()]
    )


def test_gradient_norms_rejects_bad_arguments(rng):
    model = small_model(rng)
    X, y = blobs(rng, 10)
    with pytest.raises(ValueError, match="pass both X and y"):
        gradient_norms(model, X)
    with pytest.raises(TypeError, match="pass an instance, not the class"):
        gradient_norms(model, X, y, loss=CrossEntropy)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        gradient_norms(model, X, y[:9])
    with_softmax = Sequential(Dense(4, 3, rng=rng), Softmax())
    with pytest.raises(ValueError, match="remove the final Softmax"):
        gradient_norms(with_softmax, X, y)


def test_update_ratios(rng):
    before = [np.full((2, 2), 3.0), np.zeros(2), np.ones((3, 1)), np.zeros(1)]
    after = [np.full((2, 2), 3.3), np.full(2, 0.5), np.ones((3, 1)), np.zeros(1)]
    table = update_ratios(before, after)
    assert table["parameter"].tolist() == ["W1", "b1", "W2", "b2"]
    np.testing.assert_allclose(table["weight_norm"][:3], [6.0, 0.0, np.sqrt(3)])
    np.testing.assert_allclose(table["update_norm"][:2], [0.6, np.sqrt(0.5)])
    assert table.loc[0, "ratio"] == pytest.approx(0.1)
    assert table.loc[1, "ratio"] == math.inf  # zero weights that moved
    assert table.loc[2, "ratio"] == 0.0
    assert math.isnan(table.loc[3, "ratio"])  # zero weights that stayed
    named = update_ratios(before[:2], after[:2], names=["weights", "biases"])
    assert named["parameter"].tolist() == ["weights", "biases"]


def test_update_ratios_of_a_gradient_descent_step(rng):
    model = small_model(rng, dtype=np.float64)
    X, y = blobs(rng, 20)
    gradient_norms(model, X.astype(np.float64), y)
    before = [P.copy() for P in model.parameters()]
    GradientDescent(learning_rate=0.5).step(model.parameters(), model.gradients())
    table = update_ratios(before, model.parameters())
    assert table["parameter"].tolist() == parameter_names(model)
    expected = 0.5 * np.linalg.norm(model.gradients()[0]) / np.linalg.norm(before[0])
    assert table.loc[0, "ratio"] == pytest.approx(expected)


def test_update_ratios_rejects_bad_arguments(rng):
    model = small_model(rng)
    parameters = model.parameters()
    with pytest.raises(ValueError, match=r"same array before and after.*P.copy\(\)"):
        update_ratios(parameters, model.parameters())
    with pytest.raises(TypeError, match="expected parameters_before as a list"):
        update_ratios(parameters[0], parameters[0].copy())
    with pytest.raises(ValueError, match="6 parameters before and 5 after"):
        update_ratios([P.copy() for P in parameters], parameters[:5])
    with pytest.raises(ValueError, match=r"shape \(4, 6\) before and \(6, 4\) after"):
        update_ratios([parameters[0].copy()], [parameters[0].T.copy()])
    with pytest.raises(ValueError, match="got 1 names for 2 parameters"):
        update_ratios([P.copy() for P in parameters[:2]], parameters[:2], names=["a"])


def test_learning_rate_range_test_sweeps_and_stops_when_the_loss_blows_up(rng):
    X, y = blobs(rng)

    def factory():
        return small_model(np.random.default_rng(0))

    table = learning_rate_range_test(
        factory,
        X,
        y,
        min_learning_rate=1e-4,
        max_learning_rate=1e3,
        n_steps=120,
        batch_size=32,
        rng=rng,
    )
    assert list(table.columns) == ["step", "learning_rate", "loss", "smoothed_loss"]
    rates = table["learning_rate"].to_numpy()
    assert rates[0] == pytest.approx(1e-4)
    assert np.allclose(rates[1:] / rates[:-1], (1e7) ** (1 / 119))
    assert np.isfinite(table["loss"]).all()
    # The loss falls at useful rates and the test stops once it blows up.
    assert table["smoothed_loss"].min() < 0.5 * table["smoothed_loss"].iloc[0]
    assert len(table) < 120
    assert rates[-1] < 1e3


def test_learning_rate_range_test_takes_optimiser_classes(rng):
    X, y = blobs(rng, 100)
    model = small_model(np.random.default_rng(0))
    start = [P.copy() for P in model.parameters()]
    for optimizer_class in (Adam, functools.partial(Momentum, momentum=0.5)):
        table = learning_rate_range_test(
            lambda: model, X, y, optimizer_class=optimizer_class, n_steps=5, rng=rng
        )
        assert len(table) == 5 and table["step"].tolist() == [1, 2, 3, 4, 5]
    # The test trains the model the factory returns, which is why the
    # factory should build a new one each time.
    assert any(not np.array_equal(P, Q) for P, Q in zip(start, model.parameters()))


def test_learning_rate_range_test_rejects_bad_arguments(rng):
    X, y = blobs(rng, 30)

    def factory():
        return small_model(np.random.default_rng(0))

    with pytest.raises(TypeError, match="expected model_factory as a function"):
        learning_rate_range_test(factory(), X, y)
    with pytest.raises(ValueError, match="0 < min_learning_rate < max_learning_rate"):
        learning_rate_range_test(
            factory, X, y, min_learning_rate=1.0, max_learning_rate=0.1
        )
    with pytest.raises(ValueError, match="expected n_steps >= 2, got 1"):
        learning_rate_range_test(factory, X, y, n_steps=1)
    with pytest.raises(ValueError, match="expected 0 <= smoothing < 1"):
        learning_rate_range_test(factory, X, y, smoothing=1.0)
    with pytest.raises(ValueError, match="expected stop_factor > 1"):
        learning_rate_range_test(factory, X, y, stop_factor=0.5)
    with pytest.raises(TypeError, match="not an Optimizer.*not an instance"):
        learning_rate_range_test(
            factory, X, y, optimizer_class=lambda learning_rate: "adam"
        )
    with pytest.raises(TypeError, match=r"model_factory\): expected model as a Seq"):
        learning_rate_range_test(lambda: Dense(4, 3), X, y)
    with pytest.raises(ValueError, match="X has 30 samples but y has 29"):
        learning_rate_range_test(factory, X, y[:29])
    with pytest.raises(TypeError, match="unexpected keyword"):
        learning_rate_range_test(factory, X, y, lr_min=1e-3)


def test_gradient_norms_picks_binary_cross_entropy_for_one_output(rng):
    model = Sequential(Dense(4, 3, rng=rng), ReLU(), Dense(3, 1, rng=rng))
    X = rng.standard_normal((8, 4)).astype(np.float32)
    y = np.array([0, 1] * 4)
    assert (gradient_norms(model, X, y)["norm"] > 0).any()


@pytest.mark.gpu
def test_diagnostics_agree_on_cpu_and_gpu():
    if not backend.gpu_available():
        pytest.skip(f"needs a working NVIDIA GPU: {backend.describe_gpu_status()}")
    X, y = blobs(np.random.default_rng(0), 64)
    X = X.astype(np.float64)
    tables = {}
    for device in ("cpu", "cuda"):
        backend.use_device(device)
        try:
            model = small_model(np.random.default_rng(1), dtype=np.float64)
            statistics = activation_statistics(model, X, batch_size=20)
            dead = dead_unit_fraction(model, X)
            norms = gradient_norms(model, X, y)
            before = [P.copy() for P in model.parameters()]
            GradientDescent(learning_rate=0.1).step(
                model.parameters(), model.gradients()
            )
            ratios = update_ratios(before, model.parameters())
            sweep = learning_rate_range_test(
                lambda: small_model(np.random.default_rng(1), dtype=np.float64),
                X,
                y,
                n_steps=10,
                batch_size=16,
                rng=np.random.default_rng(2),
            )
            tables[device] = (statistics, dead, norms, ratios, sweep)
        finally:
            backend.use_device("cpu")
    for on_cpu, on_gpu in zip(tables["cpu"], tables["cuda"]):
        assert list(on_cpu.columns) == list(on_gpu.columns)
        numeric = on_cpu.select_dtypes("number").columns
        np.testing.assert_allclose(
            on_gpu[numeric].to_numpy(float),
            on_cpu[numeric].to_numpy(float),
            rtol=1e-9,
            atol=1e-12,
        )
