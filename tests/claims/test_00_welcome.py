"""Chapter 00's claims about where Keras keeps the datasets, run on the installed versions."""

import inspect
import os

import keras
import sklearn.datasets

from tests.claims import claim

CHAPTER = "00_welcome"


@claim(CHAPTER, "## Datasets (数据集)",
       "Keras downloads MNIST and Fashion-MNIST the first time a chapter loads them and keeps them under "
       "`~/.keras/datasets`.")
def test_keras_caches_the_datasets_under_keras_home():
    """keras/src/backend/config.py: the Keras home is ``$KERAS_HOME``, else ``~/.keras``;
    keras/src/utils/file_utils.py ``get_file`` stores into its ``cache_subdir``, "datasets" by default,
    which ``keras.datasets.mnist.load_data`` and ``fashion_mnist.load_data`` keep."""
    from keras.src.backend import config

    assert inspect.signature(keras.utils.get_file).parameters["cache_subdir"].default == "datasets"
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    assert config.keras_home() == home
    assert "cache_subdir" not in inspect.getsource(keras.datasets.mnist.load_data)  # the default, "datasets"
    assert 'os.path.join("datasets", "fashion-mnist")' in inspect.getsource(keras.datasets.fashion_mnist.load_data)


@claim(CHAPTER, "## Datasets (数据集)", "Iris ships with scikit-learn.")
def test_iris_ships_with_scikit_learn():
    iris = sklearn.datasets.load_iris()  # read from the package's own files, no download
    assert iris.data.shape == (150, 4)
