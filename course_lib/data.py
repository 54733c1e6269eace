"""The course's datasets: MNIST, Fashion-MNIST and iris, as NumPy arrays.

Keras' own loaders (``keras.datasets``) are the online path: they download once
and cache under ``$KERAS_HOME/datasets`` (``~/.keras/datasets`` by default).
A machine without internet fills that cache with :func:`import_datasets`
(``python -m course_lib data import DIR``) from a folder of the same files, or
lets the loaders import by themselves from the folder named in the
``COURSE_DATA_DIR`` environment variable. Every file is checked against its
published hash first, and a damaged file is reported, never deleted. A file is
copied into the cache under a temporary name, checked again and only then
renamed into place, so an interrupted copy never leaves a half file where Keras
looks.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from course_lib import language, validate

#: Where ``COURSE_DATA_DIR`` points the loaders when the Keras cache is empty.
DATA_DIR_VARIABLE = "COURSE_DATA_DIR"

#: The files each dataset needs, as (path inside ``$KERAS_HOME/datasets``, sha256).
DATASET_FILES = {
    "mnist": [
        ("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    ],
    "fashion_mnist": [
        ("fashion-mnist/train-labels-idx1-ubyte.gz",
         "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
        ("fashion-mnist/train-images-idx3-ubyte.gz",
         "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
        ("fashion-mnist/t10k-labels-idx1-ubyte.gz",
         "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        ("fashion-mnist/t10k-images-idx3-ubyte.gz",
         "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    ],
}

#: Fashion-MNIST labels in English and in the Chinese of the source course.
FASHION_CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
FASHION_CLASS_NAMES_ZH = [
    "T恤", "裤子", "套头衫", "连衣裙", "外套",
    "凉鞋", "衬衫", "运动鞋", "包", "靴子",
]
MNIST_CLASS_NAMES = [str(digit) for digit in range(10)]
IRIS_CLASS_NAMES = ["setosa", "versicolor", "virginica"]
IRIS_CLASS_NAMES_ZH = ["狗尾草鸢尾", "杂色鸢尾", "弗吉尼亚鸢尾"]
IRIS_FEATURE_NAMES = ["sepal length", "sepal width", "petal length", "petal width"]

SCALES = ("none", "0..1", "-1..1")


class DatasetError(RuntimeError):
    """A dataset is missing or damaged; the message says what to do about it, in the student's language."""

    def __init__(self, message):
        super().__init__(language.say(message))


def keras_cache_dir():
    """The folder Keras downloads datasets into (``$KERAS_HOME/datasets``)."""
    from keras.src.backend import config

    return Path(os.path.expanduser(config.keras_home())) / "datasets"


def sha256(path):
    """The sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_datasets(source_dir, names=None, *, verbose=True):
    """Copy dataset files from ``source_dir`` into the Keras cache after checking their hashes.

    ``source_dir`` has the cache's layout (``mnist.npz``, ``fashion-mnist/*.gz``).
    Files already cached with the right hash are left alone. A cached file with
    a wrong hash is kept beside, renamed ``*.corrupt``, and reported. Returns the
    list of files copied.
    """
    source_dir = Path(source_dir).expanduser()
    if not source_dir.is_dir():
        raise DatasetError(f"{source_dir} is not a folder. Name the folder that holds "
                           "mnist.npz and fashion-mnist/*.gz (a copy of a Keras cache, ~/.keras/datasets).")
    names = list(DATASET_FILES) if names is None else list(names)
    for name in names:
        validate.one_of("dataset", name, list(DATASET_FILES))
    cache = keras_cache_dir()
    copied = []
    for name in names:
        for relative, expected in DATASET_FILES[name]:
            source = source_dir / relative
            target = cache / relative
            if target.exists() and sha256(target) == expected:
                continue
            if not source.exists():
                raise DatasetError(f"{source} is missing: {name} needs it. Put the file there, "
                                   f"with the layout of {cache}, and import again.")
            actual = sha256(source)
            if actual != expected:
                raise DatasetError(f"{source} is damaged or not the expected file: sha256 {actual}, "
                                   f"expected {expected}. Copy it again from a good source; "
                                   "nothing was imported from it.")
            _copy_verified(source, target, expected)
            copied.append(target)
            if verbose:
                print(f"imported {relative} -> {target}")
    return copied


def _free_name(path):
    """``path``, or ``path.1``, ``path.2``... the first that does not exist: a kept file is never overwritten."""
    candidate, number = path, 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}")
    return candidate


def _copy_verified(source, target, expected):
    """Copy ``source`` to ``target`` atomically: into a temporary file beside it, check, rename.

    The temporary file is in the target's folder, so the final :func:`os.replace` is a
    rename within one file system, which is atomic: ``target`` is either the old file or
    the complete new one, never a partial copy. A wrong ``target`` already there is kept
    beside it as ``*.corrupt`` (``*.corrupt.1``... when an earlier one is there: a user's
    file is never discarded). A folder that cannot be written raises :class:`DatasetError`.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise DatasetError(f"cannot write into the Keras cache {target.parent} ({error.strerror}). "
                           "Make it writable, or set KERAS_HOME to a writable folder before "
                           "starting Jupyter, and import again.") from None
    try:
        with os.fdopen(handle, "wb") as stream, open(source, "rb") as origin:
            shutil.copyfileobj(origin, stream, 1 << 20)
            stream.flush()
            os.fsync(stream.fileno())
        actual = sha256(temporary)
        if actual != expected:
            raise DatasetError(f"copying {source} to {target} gave a file with sha256 {actual}, expected "
                               f"{expected} (a full disk or a failing drive?). {target} was not changed.")
        if target.exists():
            kept = _free_name(target.with_name(target.name + ".corrupt"))
            target.replace(kept)
            print(f"! {target} had the wrong contents; kept it as {kept}")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def check_cache(name):
    """Make sure the Keras cache holds dataset ``name`` intact, importing it if it can.

    ``name`` is ``"mnist"`` or ``"fashion_mnist"`` (anything else: ``ValueError``).
    Raises :class:`DatasetError` for a damaged cached file (Keras would delete it
    and try to download it again). Returns True when every file is cached, False
    when some are missing and no ``COURSE_DATA_DIR`` can supply them, so that the
    online Keras loader should try to download them.
    """
    validate.one_of("dataset", name, list(DATASET_FILES))
    cache = keras_cache_dir()
    missing = []
    for relative, expected in DATASET_FILES[name]:
        path = cache / relative
        if not path.exists():
            missing.append(relative)
        elif sha256(path) != expected:
            raise DatasetError(
                f"The cached file {path} is damaged (its sha256 is not {expected}). "
                "It was left in place. Move it aside or delete it, then run the notebook again "
                f"(online), or `python -m course_lib data import DIR` (offline).")
    if not missing:
        return True
    source = os.environ.get(DATA_DIR_VARIABLE)
    if source:
        if not Path(source).expanduser().is_dir():
            raise DatasetError(f"The environment variable {DATA_DIR_VARIABLE} is {source!r}, which is not a folder. "
                               f"Set {DATA_DIR_VARIABLE} to the folder that holds mnist.npz and fashion-mnist/*.gz, "
                               "or unset it, and start Jupyter again.")
        import_datasets(source, [name])
        return True
    return False


def _load_with_keras(name):
    """Run Keras' own loader, turning a failed download into a message saying what to do."""
    import keras

    loader = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist}[name]
    if check_cache(name):
        return loader.load_data()
    try:
        return loader.load_data()
    except Exception as error:  # Keras raises a bare Exception for a failed download
        if "URL fetch failure" not in str(error):
            raise
        raise DatasetError(
            f"{name} is not in the Keras cache ({keras_cache_dir()}) and could not be "
            f"downloaded ({error}). On a machine without internet, copy "
            f"{', '.join(path for path, _ in DATASET_FILES[name])} from the Keras cache "
            "(~/.keras/datasets) of a machine that has them, or download each from "
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/ + its file name, "
            "into a folder DIR with the same layout; then run `python -m course_lib data import DIR` "
            f"(it checks every sha256; README.md lists sizes and hashes), or set "
            f"{DATA_DIR_VARIABLE}=DIR before starting Jupyter. From mainland China that address is "
            "usually unreachable: copy the files from a teacher's or classmate's machine "
            "(在中国大陆无法访问该地址时，请从老师或同学的电脑复制这些文件，见 README.zh-CN.md 的“数据集”一节).") from None


def _prepare_images(x, scale, flatten):
    validate.one_of("scale", scale, SCALES)
    if scale == "0..1":
        x = x.astype(np.float32) / 255.0
    elif scale == "-1..1":
        x = x.astype(np.float32) * (2.0 / 255.0) - 1.0
    if flatten:
        x = x.reshape(len(x), -1)
    return x


def _prepare_labels(y, one_hot, num_classes):
    if one_hot:
        return np.eye(num_classes, dtype=np.float32)[y]
    return y.astype(np.int64)


def _load_images(name, scale, flatten, one_hot):
    (x_train, y_train), (x_test, y_test) = _load_with_keras(name)
    return ((_prepare_images(x_train, scale, flatten), _prepare_labels(y_train, one_hot, 10)),
            (_prepare_images(x_test, scale, flatten), _prepare_labels(y_test, one_hot, 10)))


def load_mnist(scale="0..1", *, flatten=False, one_hot=False):
    """MNIST handwritten digits: ``(x_train, y_train), (x_test, y_test)``.

    ``scale`` maps the 0–255 pixels to ``"0..1"`` (float32, the default),
    ``"-1..1"`` (as the forward-propagation notes do) or ``"none"`` (raw uint8).
    ``flatten`` gives rows of 784 pixels; ``one_hot`` gives labels as 10-wide rows.
    """
    return _load_images("mnist", scale, flatten, one_hot)


def load_fashion_mnist(scale="0..1", *, flatten=False, one_hot=False):
    """Fashion-MNIST clothing images, with the same options as :func:`load_mnist`."""
    return _load_images("fashion_mnist", scale, flatten, one_hot)


def load_iris(*, shuffle_seed=None):
    """Iris flowers: ``(x, y)``, 150 rows of 4 float32 features and labels 0–2.

    ``shuffle_seed`` shuffles features and labels together as the source course
    does (``np.random.seed(116)`` then ``np.random.shuffle`` on each).
    """
    from sklearn import datasets

    iris = datasets.load_iris()
    x, y = iris.data.astype(np.float32), iris.target.astype(np.int64)
    if shuffle_seed is not None:
        np.random.RandomState(shuffle_seed).shuffle(x)
        np.random.RandomState(shuffle_seed).shuffle(y)
    return x, y


def availability():
    """For each dataset, whether the Keras cache holds it intact ("cached", "missing" or "damaged")."""
    cache = keras_cache_dir()
    report = {}
    for name, files in DATASET_FILES.items():
        states = []
        for relative, expected in files:
            path = cache / relative
            states.append("missing" if not path.exists()
                          else "cached" if sha256(path) == expected else "damaged")
        report[name] = ("damaged" if "damaged" in states
                        else "missing" if "missing" in states else "cached")
    report["iris"] = "bundled with scikit-learn"
    return report
