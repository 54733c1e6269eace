"""Chapter 09's claims about Keras' compile and fit, run on the installed versions."""

import keras
import numpy as np

from tests.claims import claim

CHAPTER = "09_mnist"
SECTION_3 = "## 3 The six steps (六步法): compile and fit"
X = np.random.default_rng(9).random((96, 28, 28)).astype(np.float32)
Y = np.arange(96) % 10


@claim(CHAPTER, "## 2 The model (网络结构)",
       "`keras.Input((28, 28))` tells the model its input shape, so `summary()` can count the parameters before "
       "training")
def test_an_input_shape_lets_the_model_count_before_training():
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(128),
                              keras.layers.Dense(10)])
    assert model.built and model.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    assert not keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10)]).built


@claim(CHAPTER, SECTION_3, "the source's `optimizer='adam'` means exactly this")
def test_the_string_adam_is_adam_with_learning_rate_0_001():
    by_name, spelt_out = keras.optimizers.get("adam"), keras.optimizers.Adam(learning_rate=1e-3)
    assert type(by_name) is keras.optimizers.Adam
    assert by_name.get_config() == {**spelt_out.get_config(), "name": by_name.get_config()["name"]}


def _trained_weights(steps_per_execution):
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  steps_per_execution=steps_per_execution)
    model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    return model.get_weights()


@claim(CHAPTER, SECTION_3, "The model learns exactly the same (the same batches, in the same order, with the same "
                           "updates)")
def test_steps_per_execution_changes_no_weight():
    one, many = _trained_weights(1), _trained_weights(5)
    assert all(np.array_equal(a, b) for a, b in zip(one, many))
