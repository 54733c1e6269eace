"""Chapter 10's claims about tf.data, Keras' optimizers, fit, Dropout and EarlyStopping, run on the installed
versions."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "10_fashion_mnist"


@claim(CHAPTER, "## 2 The input pipeline (数据加载, `tf.data`)",
       "that shuffles the *batches*, so every epoch sees the same 469 groups of images (468 of 128 and a last one of "
       "96), only in another order")
def test_batch_then_shuffle_shuffles_whole_batches():
    dataset = tf.data.Dataset.range(40).batch(4).shuffle(100, seed=1)
    groups = set(tuple(range(start, start + 4)) for start in range(0, 40, 4))
    epochs = [[tuple(batch.numpy()) for batch in dataset] for _ in range(2)]
    assert all(set(epoch) == groups for epoch in epochs) and epochs[0] != epochs[1]
    batches = [len(batch) for batch in tf.data.Dataset.range(60_000).batch(128)]
    assert len(batches) == 469 and batches[:-1] == [128] * 468 and batches[-1] == 96


@claim(CHAPTER, "## 3 The network (网络结构)", "the installed Keras 3 rejects the old `lr` name")
def test_adam_rejects_lr():
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.Adam(lr=1e-3)


@claim(CHAPTER, "### Fixing it: dropout and early stopping (Dropout 与提前停止)",
       "30 % of the units switched off at random in each training step, none at test time")
def test_dropout_switches_units_off_only_in_training():
    layer, ones = keras.layers.Dropout(0.3, seed=0), tf.ones((1000, 100))
    trained = layer(ones, training=True).numpy()
    assert np.mean(trained == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(trained[trained != 0], 1 / 0.7, rtol=1e-6)  # the others scaled up
    np.testing.assert_array_equal(layer(ones, training=False), ones)


@claim(CHAPTER, "### Fixing it: dropout and early stopping (Dropout 与提前停止)",
       "training stops when the validation loss has not improved for 5 epochs, and the weights of its best epoch "
       "are put back")
def test_early_stopping_waits_its_patience_and_restores_the_best_weights():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    stopping.set_model(model)
    model.stop_training = False  # as fit starts
    stopping.on_train_begin()
    val_losses = [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    for epoch, val_loss in enumerate(val_losses):
        model.layers[0].kernel.assign([[float(epoch)]])  # the weights after this epoch: its number
        stopping.on_epoch_end(epoch, {"val_loss": val_loss})
        if model.stop_training:
            break
    assert epoch == 6  # the best was epoch 1; epochs 2-6 did not improve
    stopping.on_train_end()
    assert float(model.layers[0].kernel[0, 0]) == 1.0


@claim(CHAPTER, "## 7 The same network with `fit` (用 `fit` 训练)",
       "`ds_train` shuffles itself, so `fit`'s own `shuffle` is turned off")
def test_fit_does_not_shuffle_a_dataset():
    """With SGD one row at a time the weights depend on the order of the rows: a dataset trained with
    ``shuffle=True`` and with ``shuffle=False`` ends with the same weights, so ``fit`` left its order alone
    (Keras 3.15 also warns that the argument is ignored; Keras 3.12 ignores it without a word)."""
    rows = np.arange(8, dtype=np.float32)[:, None] / 8

    def trained(order, shuffle):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
        dataset = tf.data.Dataset.from_tensor_slices((rows[order], rows[order] ** 2)).batch(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(dataset, epochs=2, shuffle=shuffle, verbose=0)
        return [w.numpy() for w in model.weights]

    kept = trained(np.arange(8), shuffle=False)
    assert all(np.array_equal(a, b) for a, b in zip(trained(np.arange(8), shuffle=True), kept))
    reversed_order = trained(np.arange(8)[::-1], shuffle=False)  # the order matters to these weights
    assert not all(np.allclose(a, b) for a, b in zip(reversed_order, kept))


@claim(CHAPTER, "### Strides and padding (步长与填充)",
       "Keras' defaults are `strides=(1, 1)` and `padding=\"valid\"`")
def test_conv2d_defaults_are_stride_one_and_no_padding():
    layer = keras.layers.Conv2D(32, 3)
    assert layer.strides == (1, 1) and layer.padding == "valid"
    from course_lib import classifiers

    first = next(layer for layer in classifiers.small_convnet().layers if isinstance(layer, keras.layers.Conv2D))
    assert first.strides == (1, 1) and first.padding == "valid"
    assert tuple(first.output.shape) == (None, 26, 26, 32)


@claim(CHAPTER, "### Strides and padding (步长与填充)",
       "when that total is odd, the extra zero goes after: at the bottom and on the right")
def test_same_padding_puts_the_odd_zero_after():
    layer = keras.layers.Conv2D(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
    counts = layer(np.ones((1, 4, 4, 1), np.float32))[0, :, :, 0].numpy()
    # one zero in all per axis: after, the first window sees 3×3 image pixels and the last 2×2; before, the reverse
    np.testing.assert_array_equal(counts, [[9, 6], [6, 4]])
    wide = keras.layers.Conv2D(1, 4, strides=1, padding="same", use_bias=False, kernel_initializer="ones")
    row = wide(np.ones((1, 1, 6, 1), np.float32))[0, 0, :, 0].numpy()  # 3 zeros along the row: 1 before, 2 after
    np.testing.assert_array_equal(row, [3, 4, 4, 4, 3, 2])


@claim(CHAPTER, "### Sequences: the LSTM layer (长短期记忆网络)",
       "The arguments of `keras.layers.LSTM` (from the installed Keras' source) that matter first")
def test_lstm_arguments_and_defaults_are_the_table_s():
    import inspect

    parameters = inspect.signature(keras.layers.LSTM.__init__).parameters
    table = {"activation": "tanh", "recurrent_activation": "sigmoid", "return_sequences": False,
             "return_state": False, "dropout": 0.0, "recurrent_dropout": 0.0, "go_backwards": False,
             "stateful": False}
    assert parameters["units"].default is inspect.Parameter.empty  # required
    assert {name: parameters[name].default for name in table} == table


@claim(CHAPTER, "### Sequences: the LSTM layer (长短期记忆网络)",
       "With `return_sequences=False` (the default) it returns (batch, units); with `True`, (batch, steps, units)")
def test_lstm_returns_the_last_step_or_every_step():
    batch = np.random.default_rng(0).uniform(size=(3, 5, 2)).astype(np.float32)
    layer = keras.layers.LSTM(4)
    assert layer.return_sequences is False and tuple(layer(batch).shape) == (3, 4)
    every_step = keras.layers.LSTM(4, return_sequences=True)
    outputs = every_step(batch)
    assert tuple(outputs.shape) == (3, 5, 4)
    last, h, c = keras.layers.LSTM(4, return_state=True)(batch)
    np.testing.assert_allclose(last, h)  # the output is the last h
    assert tuple(c.shape) == (3, 4)
