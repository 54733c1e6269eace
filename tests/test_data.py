"""The dataset loaders: online path through Keras, offline import, and every failure's message."""

import hashlib
import os
import shutil
import subprocess

import numpy as np
import pytest

from course_lib import data
from tests.helpers import ROOT, run_python


@pytest.mark.slow
def test_offline_without_data_says_what_to_do(tmp_path):
    result = run_python("from course_lib import data\ndata.load_mnist()", keras_home=tmp_path)
    assert result.returncode != 0
    assert "DatasetError" in result.stderr
    assert "could not be downloaded" in result.stderr
    assert "python -m course_lib data import DIR" in result.stderr
    assert "COURSE_DATA_DIR" in result.stderr
    assert "README.zh-CN.md" in result.stderr  # the way for a reader in mainland China, in Chinese


@pytest.mark.needs_data
@pytest.mark.slow
def test_data_dir_variable_imports_offline_and_loads(tmp_path, dataset_source):
    code = ("from course_lib import data\n"
            "(x, y), (xt, yt) = data.load_mnist(flatten=True, one_hot=True)\n"
            "print(x.shape, y.shape, xt.shape, x.dtype, float(x.min()), float(x.max()), y[0].argmax())\n"
            "(x, y), _ = data.load_fashion_mnist(scale='-1..1')\n"
            "print(x.shape, float(x.min()), float(x.max()), y[:3].tolist())\n")
    result = run_python(code, keras_home=tmp_path, data_dir=dataset_source)
    assert result.returncode == 0, result.stderr
    imported, shapes = [], []
    for line in result.stdout.splitlines():
        (imported if line.startswith("imported ") else shapes).append(line)
    assert len(imported) == 5, "COURSE_DATA_DIR imports each file once, when first needed"
    mnist_line, fashion_line = shapes
    assert mnist_line == "(60000, 784) (60000, 10) (10000, 784) float32 0.0 1.0 5"
    assert fashion_line == "(60000, 28, 28) -1.0 1.0 [9, 0, 0]"
    assert (tmp_path / "datasets" / "mnist.npz").is_file()


@pytest.mark.needs_data
@pytest.mark.slow
def test_cli_import_then_damaged_cache_is_reported_not_deleted(tmp_path, dataset_source):
    imported = run_python("import sys\nfrom course_lib.__main__ import main\n"
                          f"sys.exit(main(['data', 'import', {str(dataset_source)!r}]))",
                          keras_home=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "5 file(s) imported" in imported.stdout
    cached = tmp_path / "datasets" / "mnist.npz"
    cached.write_bytes(b"not an npz file")
    result = run_python("from course_lib import data\ndata.load_mnist()", keras_home=tmp_path)
    assert result.returncode != 0
    assert "is damaged" in result.stderr and "left in place" in result.stderr
    assert cached.read_bytes() == b"not an npz file"


@pytest.mark.needs_data
@pytest.mark.slow
def test_import_refuses_a_corrupt_source_file(tmp_path, dataset_source):
    source = tmp_path / "source"
    shutil.copytree(dataset_source, source)
    damaged = source / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    damaged.chmod(0o644)
    damaged.write_bytes(damaged.read_bytes()[:-10])
    result = run_python("import sys\nfrom course_lib.__main__ import main\n"
                        f"sys.exit(main(['data', 'import', {str(source)!r}]))",
                        keras_home=tmp_path / "keras")
    assert result.returncode == 1
    assert "t10k-labels-idx1-ubyte.gz is damaged or not the expected file" in result.stderr
    assert not (tmp_path / "keras" / "datasets" / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").exists()


@pytest.mark.needs_data
def test_import_keeps_a_wrong_cached_file_aside(tmp_path, monkeypatch, capsys, dataset_source):
    monkeypatch.setattr(data, "keras_cache_dir", lambda: tmp_path)
    wrong = tmp_path / "mnist.npz"
    wrong.write_bytes(b"old")
    copied = data.import_datasets(dataset_source, ["mnist"])
    assert copied == [wrong]
    assert (tmp_path / "mnist.npz.corrupt").read_bytes() == b"old"
    assert data.sha256(wrong) == data.DATASET_FILES["mnist"][0][1]
    assert "kept it as" in capsys.readouterr().out
    assert data.import_datasets(dataset_source, ["mnist"], verbose=False) == []


def test_import_rejects_unknown_names_and_missing_folders(tmp_path):
    with pytest.raises(ValueError, match="dataset must be one of"):
        data.import_datasets(tmp_path, ["cifar10"])
    with pytest.raises(data.DatasetError, match="is not a folder"):
        data.import_datasets(tmp_path / "nowhere")


def test_iris_shuffle_matches_the_source_course():
    x, y = data.load_iris(shuffle_seed=116)
    reference_x, reference_y = data.load_iris()
    np.random.seed(116)
    np.random.shuffle(reference_x)
    np.random.seed(116)
    np.random.shuffle(reference_y)
    np.testing.assert_array_equal(x, reference_x)
    np.testing.assert_array_equal(y, reference_y)
    assert x.shape == (150, 4) and x.dtype == np.float32 and set(y) == {0, 1, 2}


def test_image_options_are_validated():
    with pytest.raises(ValueError, match="scale must be one of"):
        data._prepare_images(np.zeros((1, 28, 28), np.uint8), "0..255", False)


def test_class_names_come_in_both_languages():
    assert len(data.FASHION_CLASS_NAMES) == len(data.FASHION_CLASS_NAMES_ZH) == 10
    assert data.FASHION_CLASS_NAMES_ZH[9] == "靴子"


# ---------------------------------------------------------------- atomic import, on a small file of known hash


@pytest.fixture
def tiny_dataset(tmp_path, monkeypatch):
    """A one-file dataset "tiny" in ``tmp_path/source`` and an empty cache at ``tmp_path/cache``."""
    source, cache = tmp_path / "source", tmp_path / "cache"
    (source / "tiny").mkdir(parents=True)
    contents = bytes(range(256)) * 8192  # 2 MiB: more than one block of the copy
    (source / "tiny" / "a.bin").write_bytes(contents)
    monkeypatch.setattr(data, "DATASET_FILES", {"tiny": [("tiny/a.bin", hashlib.sha256(contents).hexdigest())]})
    monkeypatch.setattr(data, "keras_cache_dir", lambda: cache)
    return source, cache / "tiny" / "a.bin", contents


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_an_interrupted_copy_leaves_no_partial_file(tiny_dataset, monkeypatch):
    source, target, contents = tiny_dataset
    real_copy = shutil.copyfileobj

    def interrupted(origin, stream, length=0):
        stream.write(origin.read(1000))
        raise KeyboardInterrupt  # Ctrl-C in the middle of the copy

    monkeypatch.setattr(shutil, "copyfileobj", interrupted)
    with pytest.raises(KeyboardInterrupt):
        data.import_datasets(source, verbose=False)
    assert leftovers(target.parent) == [], "neither a half file nor its temporary copy stays in the cache"
    monkeypatch.setattr(shutil, "copyfileobj", real_copy)
    assert data.import_datasets(source, verbose=False) == [target]
    assert target.read_bytes() == contents and leftovers(target.parent) == ["a.bin"]


def test_a_copy_that_comes_out_wrong_replaces_nothing(tiny_dataset, monkeypatch):
    source, target, contents = tiny_dataset
    target.parent.mkdir(parents=True)
    target.write_bytes(b"an old wrong file")
    monkeypatch.setattr(shutil, "copyfileobj", lambda origin, stream, length=0: stream.write(origin.read()[:-1]))
    with pytest.raises(data.DatasetError, match=r"gave a file with sha256 .* was not changed"):
        data.import_datasets(source, verbose=False)
    assert target.read_bytes() == b"an old wrong file" and leftovers(target.parent) == ["a.bin"]


@pytest.fixture
def read_only(tmp_path):
    """Make a folder read-only, even for root (chmod binds other users; root needs the immutable flag)."""
    made = []

    def make(folder):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        made.append(folder)
        if os.access(folder, os.W_OK) and subprocess.run(["chattr", "+i", str(folder)],
                                                         capture_output=True).returncode != 0:
            pytest.skip("cannot make a folder read-only here (root without chattr)")
        return folder

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)


def test_a_read_only_cache_is_reported_with_what_to_do(tiny_dataset, read_only):
    source, target, _ = tiny_dataset
    read_only(target.parent)
    with pytest.raises(data.DatasetError, match=r"cannot write into the Keras cache .*tiny.* KERAS_HOME"):
        data.import_datasets(source, verbose=False)
    assert leftovers(target.parent) == []


def test_check_cache_names_the_known_datasets():
    with pytest.raises(ValueError, match=r"dataset must be one of 'mnist', 'fashion_mnist'; got 'cifar10'"):
        data.check_cache("cifar10")


def test_readme_lists_every_dataset_file_with_its_sha256():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for files in data.DATASET_FILES.values():
        for path, digest in files:
            assert f"| `{path}` |" in readme and f"`{digest}`" in readme, path


def test_importing_over_a_corrupt_cache_twice_keeps_both_kept_copies(tiny_dataset, capsys):
    """A second import over a wrong file keeps the first ``.corrupt`` copy: a user's file is never discarded."""
    source, target, contents = tiny_dataset
    target.parent.mkdir(parents=True)
    for damaged in (b"first wrong file", b"second wrong file"):
        target.write_bytes(damaged)
        assert data.import_datasets(source, verbose=False) == [target]
    assert (target.parent / "a.bin.corrupt").read_bytes() == b"first wrong file"
    assert (target.parent / "a.bin.corrupt.1").read_bytes() == b"second wrong file"
    assert target.read_bytes() == contents
    assert "kept it as" in capsys.readouterr().out and "a.bin.corrupt.1" in leftovers(target.parent)


def test_a_data_dir_variable_that_is_not_a_folder_is_named(tiny_dataset, monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path / "no such folder"))
    with pytest.raises(data.DatasetError, match=r"The environment variable COURSE_DATA_DIR is '.*no such folder'"):
        data.check_cache("tiny")
