import zipfile

import numpy as np
import pytest

from nnlib import io
from nnlib.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from nnlib.layers import Dense, Dropout
from nnlib.network import Sequential


def model(rng):
    return Sequential(
        Dense(6, 8, rng=rng),
        LeakyReLU(alpha=0.2),
        Dropout(0.3),
        Dense(8, 5, rng=rng),
        Tanh(),
        Dense(5, 4, init="uniform", rng=rng),
        ReLU(),
        Dense(4, 3, rng=rng),
        Sigmoid(),
        Dense(3, 3, rng=rng),
        Softmax(),
    )


def test_round_trip_gives_identical_predictions(tmp_path, rng):
    original = model(rng)
    X = rng.random((20, 6), dtype=np.float32)
    path = io.save(original, tmp_path / "model.npz", metadata={"accuracy": 0.5})
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), original.predict(X))
    assert [repr(a) for a in loaded.layers] == [repr(b) for b in original.layers]
    assert loaded.metadata == {"accuracy": 0.5}
    assert loaded.training is False


def test_suffix_is_added_and_no_temporary_file_is_left(tmp_path, rng):
    path = io.save(model(rng), tmp_path / "sub" / "net")
    assert path.name == "net.npz" and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["net.npz"]


def test_file_is_plain_npz_without_pickles(tmp_path, rng):
    path = io.save(model(rng), tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        assert "__header__" in archive.files
        assert archive["0.W"].shape == (6, 8)


def test_float64_models_keep_their_dtype(tmp_path, rng):
    original = Sequential(Dense(3, 2, rng=rng, dtype=np.float64))
    loaded = io.load(io.save(original, tmp_path / "m.npz"))
    assert loaded.parameters()[0].dtype == np.float64


def test_truncated_file_gives_a_clear_error(tmp_path, rng):
    path = io.save(model(rng), tmp_path / "m.npz")
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(ValueError, match="not a readable nnlib model file"):
        io.load(path)


def test_foreign_files_are_refused(tmp_path):
    plain = tmp_path / "plain.npz"
    np.savez(plain, weights=np.zeros(3))
    with pytest.raises(ValueError, match="not an nnlib model"):
        io.load(plain)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a readable nnlib model"):
        io.load(text)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, __header__=np.array([{"format": "nnlib-model"}], dtype=object))
    with pytest.raises(ValueError):
        io.load(pickled)
    with pytest.raises(FileNotFoundError, match="no model file"):
        io.load(tmp_path / "absent.npz")


def test_tampered_archive_is_refused(tmp_path, rng):
    path = io.save(model(rng), tmp_path / "m.npz")
    with np.load(path) as archive:
        contents = dict(archive)
    contents["0.W"] = np.zeros((5, 8), np.float32)
    np.savez(path, **contents)
    with pytest.raises(ValueError, match=r"0.W of shape \(5, 8\).*needs \(6, 8\)"):
        io.load(path)
    del contents["0.W"]
    np.savez(path, **contents)
    with pytest.raises(ValueError, match="lacks the array '0.W'"):
        io.load(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("junk.txt", "x")
    with pytest.raises(ValueError):
        io.load(path)


def test_save_rejects_what_it_cannot_write(tmp_path, rng):
    with pytest.raises(TypeError, match="expected a Sequential"):
        io.save(Dense(2, 2), tmp_path / "m.npz")
    with pytest.raises(TypeError, match="JSON-serialisable"):
        io.save(model(rng), tmp_path / "m.npz", metadata={"rng": rng})
    assert not (tmp_path / "m.npz").exists()
