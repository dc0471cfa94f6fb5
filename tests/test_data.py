import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

from nnlib.data import (
    default_data_dir,
    load_mnist,
    minibatches,
    one_hot,
    parse_idx,
    read_digits_csv,
    train_val_split,
)

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_shipped_mnist_matches_its_published_figures(mnist):
    X_train, y_train, X_test, y_test = mnist
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_images_can_stay_square():
    X, _ = load_mnist("test", flatten=False)
    assert X.shape == (10000, 28, 28)


def copy_mnist(tmp_path):
    folder = tmp_path / "mnist"
    shutil.copytree(default_data_dir(), folder)
    return folder


def test_missing_file_says_how_to_restore(tmp_path):
    folder = copy_mnist(tmp_path)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(
        FileNotFoundError, match="t10k-labels.*git checkout -- data/mnist"
    ):
        load_mnist("test", data_dir=folder)


def test_tampered_file_fails_its_checksum(tmp_path):
    folder = copy_mnist(tmp_path)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(gzip.decompress(path.read_bytes()))
    content[100] = (content[100] + 1) % 10
    path.write_bytes(gzip.compress(bytes(content)))
    with pytest.raises(ValueError, match="corrupt or has been changed: its SHA-256"):
        load_mnist("test", data_dir=folder)
    # Without the checksum the header still parses, so the change is only
    # caught by verify=True, which is the default.
    _, y = load_mnist("test", data_dir=folder, verify=False)
    assert len(y) == 10000


def test_truncated_and_non_gzip_files(tmp_path):
    folder = copy_mnist(tmp_path)
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())[:5000]))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_mnist("test", data_dir=folder, verify=False)
    path.write_bytes(b"not a gzip file at all")
    with pytest.raises(ValueError, match="not a valid gzip file"):
        load_mnist("test", data_dir=folder, verify=False)


def test_swapped_files_fail_the_header_check(tmp_path):
    folder = copy_mnist(tmp_path)
    images = folder / "t10k-images-idx3-ubyte.gz"
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    images_bytes = images.read_bytes()
    images.write_bytes(labels.read_bytes())
    labels.write_bytes(images_bytes)
    with pytest.raises(ValueError, match="magic number 2049, expected 2051"):
        load_mnist("test", data_dir=folder, verify=False)


def test_parse_idx_header_checks():
    header = np.array([2049, 3], dtype=">u4").tobytes()
    assert parse_idx(header + bytes([1, 2, 3]), 2049).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="shorter than its 8-byte header"):
        parse_idx(header[:5], 2049)
    with pytest.raises(ValueError, match=r"header \(3,\) calls for 11"):
        parse_idx(header + bytes([1, 2]), 2049)


def test_data_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    with pytest.raises(FileNotFoundError, match="NNLIB_DATA_DIR"):
        load_mnist("train")


def test_unknown_split():
    with pytest.raises(ValueError, match="split 'train' or 'test', got 'validation'"):
        load_mnist("validation")


def write_csv(path, n_rows, with_label=True, rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    pixels = rng.integers(0, 256, size=(n_rows, 784))
    frame = pd.DataFrame(pixels, columns=[f"pixel{i}" for i in range(784)])
    labels = rng.integers(0, 10, size=n_rows)
    if with_label:
        frame.insert(0, "label", labels)
    frame.to_csv(path, index=False)
    return pixels, labels


def test_read_digits_csv(tmp_path):
    pixels, labels = write_csv(tmp_path / "train.csv", 7)
    X, y = read_digits_csv(tmp_path / "train.csv")
    assert X.shape == (7, 784) and X.dtype == np.float32
    np.testing.assert_allclose(X * 255, pixels, atol=1e-4)
    assert y.tolist() == labels.tolist()
    X_first, _ = read_digits_csv(tmp_path / "train.csv", n_rows=3)
    assert X_first.shape == (3, 784)


def test_read_digits_csv_without_labels(tmp_path):
    write_csv(tmp_path / "test.csv", 4, with_label=False)
    X, y = read_digits_csv(tmp_path / "test.csv")
    assert X.shape == (4, 784) and y is None


def test_read_digits_csv_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at"):
        read_digits_csv(tmp_path / "absent.csv")
    pd.DataFrame({"label": [1], "pixel0": [3]}).to_csv(
        tmp_path / "short.csv", index=False
    )
    with pytest.raises(ValueError, match="lacks 783 pixel columns.*'pixel1'"):
        read_digits_csv(tmp_path / "short.csv")
    pixels, _ = write_csv(tmp_path / "bad.csv", 2)
    frame = pd.read_csv(tmp_path / "bad.csv")
    frame.loc[0, "pixel5"] = 300
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="outside 0..255"):
        read_digits_csv(tmp_path / "bad.csv")


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([1, 3])).shape == (2, 4)
    with pytest.raises(ValueError, match=r"labels in 0\.\.2, got values from 0 to 5"):
        one_hot(np.array([0, 5]), 3)
    with pytest.raises(ValueError, match="integer labels"):
        one_hot(np.array([0.5, 1.0]))


def test_train_val_split(rng):
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    X_train, X_val, y_train, y_val = train_val_split(X, y, val_size=0.3, rng=rng)
    assert len(X_train) == 7 and len(X_val) == 3
    np.testing.assert_array_equal(X_train[:, 0] // 2, y_train)
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == list(range(10))
    _, X_val, _, _ = train_val_split(X, y, val_size=4, shuffle=False)
    np.testing.assert_array_equal(X_val, X[:4])
    with pytest.raises(ValueError, match="leave both parts non-empty"):
        train_val_split(X, y, val_size=10)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        train_val_split(X, y[:9])


def test_minibatches_cover_every_sample_once(rng):
    X = np.arange(23, dtype=np.float32).reshape(23, 1)
    y = np.arange(23)
    batches = list(minibatches(X, y, 5, rng=rng))
    assert [len(b[1]) for b in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([b[1] for b in batches])
    assert sorted(seen.tolist()) == list(range(23))
    assert seen.tolist() != list(range(23))
    for X_batch, y_batch in batches:
        np.testing.assert_array_equal(X_batch[:, 0], y_batch)
    with pytest.raises(ValueError, match="positive integer batch_size"):
        list(minibatches(X, y, 0))
