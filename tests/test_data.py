"""The dataset loaders: online path through Keras, offline import, and every failure's message."""

import shutil

import numpy as np
import pytest

from course_lib import data
from tests.helpers import ROOT, SHARED_DATASETS, run_python

pytestmark = pytest.mark.skipif(not SHARED_DATASETS.is_dir(),
                                reason=f"the offline datasets are not at {SHARED_DATASETS}")


def test_offline_without_data_says_what_to_do(tmp_path):
    result = run_python("from course_lib import data\ndata.load_mnist()", keras_home=tmp_path)
    assert result.returncode != 0
    assert "DatasetError" in result.stderr
    assert "could not be downloaded" in result.stderr
    assert "python -m course_lib data import DIR" in result.stderr
    assert "COURSE_DATA_DIR" in result.stderr


def test_data_dir_variable_imports_offline_and_loads(tmp_path):
    code = ("from course_lib import data\n"
            "(x, y), (xt, yt) = data.load_mnist(flatten=True, one_hot=True)\n"
            "print(x.shape, y.shape, xt.shape, x.dtype, float(x.min()), float(x.max()), y[0].argmax())\n"
            "(x, y), _ = data.load_fashion_mnist(scale='-1..1')\n"
            "print(x.shape, float(x.min()), float(x.max()), y[:3].tolist())\n")
    result = run_python(code, keras_home=tmp_path, data_dir=SHARED_DATASETS)
    assert result.returncode == 0, result.stderr
    imported, shapes = [], []
    for line in result.stdout.splitlines():
        (imported if line.startswith("imported ") else shapes).append(line)
    assert len(imported) == 5, "COURSE_DATA_DIR imports each file once, when first needed"
    mnist_line, fashion_line = shapes
    assert mnist_line == "(60000, 784) (60000, 10) (10000, 784) float32 0.0 1.0 5"
    assert fashion_line == "(60000, 28, 28) -1.0 1.0 [9, 0, 0]"
    assert (tmp_path / "datasets" / "mnist.npz").is_file()


def test_cli_import_then_damaged_cache_is_reported_not_deleted(tmp_path):
    imported = run_python("import sys\nfrom course_lib.__main__ import main\n"
                          f"sys.exit(main(['data', 'import', {str(SHARED_DATASETS)!r}]))",
                          keras_home=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "5 file(s) imported" in imported.stdout
    cached = tmp_path / "datasets" / "mnist.npz"
    cached.write_bytes(b"not an npz file")
    result = run_python("from course_lib import data\ndata.load_mnist()", keras_home=tmp_path)
    assert result.returncode != 0
    assert "is damaged" in result.stderr and "left in place" in result.stderr
    assert cached.read_bytes() == b"not an npz file"


def test_import_refuses_a_corrupt_source_file(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SHARED_DATASETS, source)
    damaged = source / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    damaged.chmod(0o644)
    damaged.write_bytes(damaged.read_bytes()[:-10])
    result = run_python("import sys\nfrom course_lib.__main__ import main\n"
                        f"sys.exit(main(['data', 'import', {str(source)!r}]))",
                        keras_home=tmp_path / "keras")
    assert result.returncode == 1
    assert "t10k-labels-idx1-ubyte.gz is damaged or not the expected file" in result.stderr
    assert not (tmp_path / "keras" / "datasets" / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").exists()


def test_import_keeps_a_wrong_cached_file_aside(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "keras_cache_dir", lambda: tmp_path)
    wrong = tmp_path / "mnist.npz"
    wrong.write_bytes(b"old")
    copied = data.import_datasets(SHARED_DATASETS, ["mnist"])
    assert copied == [wrong]
    assert (tmp_path / "mnist.npz.corrupt").read_bytes() == b"old"
    assert data.sha256(wrong) == data.DATASET_FILES["mnist"][0][1]
    assert "kept it as" in capsys.readouterr().out
    assert data.import_datasets(SHARED_DATASETS, ["mnist"], verbose=False) == []


def test_import_rejects_unknown_names_and_missing_folders(tmp_path):
    with pytest.raises(ValueError, match="dataset must be one of"):
        data.import_datasets(SHARED_DATASETS, ["cifar10"])
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


def test_readme_lists_every_dataset_file_with_its_sha256():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for files in data.DATASET_FILES.values():
        for path, digest in files:
            assert f"| `{path}` |" in readme and f"`{digest}`" in readme, path
