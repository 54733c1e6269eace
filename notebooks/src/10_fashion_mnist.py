# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 10 Fashion-MNIST clothing classification (Fashion-MNIST 服装分类)
#
# Fashion-MNIST has the format of MNIST (28×28 grey images, 10 classes, 60 000 + 10 000)
# but shows clothes instead of digits, and it is much harder: a shirt and a T-shirt look
# alike at 28×28. The source course trains a five-layer Dense network on it with a training
# loop written by hand (`GradientTape`), printing two losses, and reaches a test accuracy
# of 0.8878 after 20 epochs.
#
# **In this chapter you will**
#
# - meet the ten classes, in English and Chinese, and build a `tf.data` pipeline;
# - train the source's 784-256-128-64-32-10 network with a `GradientTape` loop compiled by
#   `tf.function`, tracking the mean squared error (均方误差) and the cross entropy (交叉熵);
# - see why the MSE the source printed *grows* while the cross entropy falls;
# - name the overfitting the curves show, and fix it with dropout and early stopping;
# - train the same network with `fit`, and compare accuracy and time;
# - try a small convolutional network (`Conv2D`) on the same images, and compute its output
#   shapes for any `strides` and `padding`;
# - meet the LSTM layer on a sequence task, against a Dense network.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import inspect
import time

import keras
import numpy as np
import tensorflow as tf

from course_lib import checks, classifiers, data, plots, sequences, training
from course_lib.exercises import classifiers as exercises
from course_lib.exercises import sequences as sequence_exercises
from course_lib.widgets.classifiers import epochs_width_panel, image_browser_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 The data (FASHION 数据集)
#
# 60 000 training and 10 000 test images of 28×28 pixels, of ten kinds of clothes. The
# labels, as the source course gives them:
#
# | Label | Description |
# |---|---|
# | 0 | T恤 (T-shirt/top) |
# | 1 | 裤子 (Trouser) |
# | 2 | 套头衫 (Pullover) |
# | 3 | 连衣裙 (Dress) |
# | 4 | 外套 (Coat) |
# | 5 | 凉鞋 (Sandal) |
# | 6 | 衬衫 (Shirt) |
# | 7 | 运动鞋 (Sneaker) |
# | 8 | 包 (Bag) |
# | 9 | 靴子 (Ankle boot) |
#
# `course_lib.data` holds the same table as two lists:

# %% slideshow={"slide_type": "fragment"}
for label, (english, chinese) in enumerate(zip(data.FASHION_CLASS_NAMES, data.FASHION_CLASS_NAMES_ZH)):
    print(f"{label}  {chinese} ({english})")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The raw arrays, as the source prints them (`fashion_mnist.load_data()`):

# %% slideshow={"slide_type": "fragment"}
(pixels_train, labels_train), (pixels_test, labels_test) = data.load_fashion_mnist(scale="none")
print(f"x.shape={pixels_train.shape}, y.shape={labels_train.shape}")
print(f"x_test.shape={pixels_test.shape}, y_test.shape={labels_test.shape}")
print(f"y[:5]={labels_train[:5]}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The first 20 training images with their names:

# %% slideshow={"slide_type": "fragment"}
plots.image_grid(pixels_train[:20],
                 [f"{data.FASHION_CLASS_NAMES[label]}\n{data.FASHION_CLASS_NAMES_ZH[label]}"
                  for label in labels_train[:20]], columns=10, size=1.2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 The input pipeline (数据加载, `tf.data`)
#
# The source scales the pixels to $[0, 1]$, one-hot encodes the labels (独热码: label 9
# becomes `[0, 0, 0, 0, 0, 0, 0, 0, 0, 1]`) and feeds batches of 128 through `tf.data`. We
# flatten each image to a row of 784 pixels once, at loading, instead of in every step.
#
# One detail differs. The source wrote `.batch(128).shuffle(10000)`: that shuffles the
# *batches*, so every epoch sees the same 469 groups of images (468 of 128 and a last one of
# 96), only in another order.
# Shuffling the images first and batching after gives new batches every epoch:

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(classifiers.image_dataset))

# %% slideshow={"slide_type": "notes"}
num_epochs, batch_size, learning_rate = 20, 128, 1e-3
(x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(flatten=True, one_hot=True)
test_labels = np.argmax(y_test, axis=1)
ds_train = classifiers.image_dataset(x_train, y_train, batch_size, shuffle_seed=notebook.DEFAULT_SEED)
ds_test = classifiers.image_dataset(x_test, y_test, batch_size)
x_batch, y_batch = next(iter(ds_train))
print("x_batch:", x_batch.shape, "y_batch:", y_batch.shape)
print("y_batch[0]:", y_batch[0].numpy())
print(f"the first training label, {labels_train[0]}, one-hot: {y_train[0].astype(int)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 The network (网络结构)
#
# Five Dense layers narrow the 784 pixels down to 10 scores:
# $784 \to 256 \to 128 \to 64 \to 32 \to 10$, ReLU in the hidden layers and no activation
# at the end. The ten outputs $z$ are **logits** (未归一化的分数); softmax turns them into
# probabilities, $p_k = e^{z_k} / \sum_j e^{z_j}$.

# %% slideshow={"slide_type": "fragment"}
model = classifiers.fashion_mlp()
model.summary()
print("input shape:", model.input_shape, "| parameters per layer:", [layer.count_params() for layer in model.layers])

# %% [markdown] slideshow={"slide_type": "fragment"}
# The source's figures: 200 960, 32 896, 8 256, 2 080 and 330 parameters, 244 522 in all.
#
# The optimizer is Adam with learning rate $10^{-3}$. The source wrote
# `optimizers.Adam(lr=1e-3)`; the installed Keras 3 rejects the old `lr` name (chapter 08),
# so it must be `learning_rate=`:

# %% slideshow={"slide_type": "fragment"}
optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
print("optimizer:", type(optimizer).__name__, f"| learning rate: {training.learning_rate_of(optimizer):g}")
try:
    keras.optimizers.Adam(lr=learning_rate)
except ValueError as error:
    print(f"Adam(lr=...) → ValueError: {str(error).splitlines()[0]}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 Two losses (两种损失): cross entropy and MSE
#
# With one-hot labels $y$ and logits $z$, the source computes both
#
# $$\text{CE} = -\sum_{k} y_k \log \operatorname{softmax}(z)_k,
# \qquad \text{MSE} = \frac{1}{10}\sum_{k} (y_k - z_k)^2 ,$$
#
# averaged over the batch, and trains on the cross entropy only (`tape.gradient(loss2, ...)`).
# The MSE is only printed. Note that it compares the labels with the *logits*, not with
# probabilities. In `course_lib.losses` (chapter 05), which `classifiers` uses:

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(classifiers.cross_entropy_of_logits))
print(inspect.getsource(classifiers.mse_of_logits))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 The training loop with `GradientTape` (自定义训练循环)
#
# The source's loop, for each epoch and each batch: run the model under a `GradientTape`,
# compute the losses, take the gradient of the cross entropy with respect to
# `model.trainable_variables`, and let the optimizer apply it
# ($w \leftarrow w - \text{lr}\cdot\text{grad}$, in Adam's form). `course_lib.training` has
# this step, compiled into a graph by `@tf.function` so that Python is not run for every
# batch:

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(training.make_train_step))

# %% [markdown] slideshow={"slide_type": "fragment"}
# `training.train` runs that step over every batch for `num_epochs` epochs (many batches per
# call of one more `tf.function`, so Python does not run between them), with a progress
# bar, averages the loss and the metrics over each epoch, and evaluates the test set after
# each epoch (as the source's test loop did). We track MSE and accuracy beside the cross
# entropy, which is the `loss`.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
history = training.train(model, ds_train, loss_fn=classifiers.cross_entropy_of_logits,
                         optimizer=optimizer, num_epochs=num_epochs,
                         metrics={"mse": classifiers.mse_of_logits, "accuracy": training.accuracy},
                         validation_data=ds_test)
tape_seconds, tape_accuracy = history.seconds, history.last("val_accuracy")
for epoch in (0, num_epochs - 1):
    print(f"epoch {epoch + 1:2d}: loss_MSE {history.metrics['mse'][epoch]:7.2f}, "
          f"loss_CE {history.metrics['loss'][epoch]:.4f}, test acc {history.metrics['val_accuracy'][epoch]:.4f}")
last_ten = history.metrics["val_accuracy"][-10:]
print(f"test accuracy over the last ten epochs: {min(last_ten):.4f} to {max(last_ten):.4f}")
print(f"{history.seconds:.0f} s for {history.num_epochs} epochs ({history.stop_reason})")

# %% [markdown] slideshow={"slide_type": "notes"}
# The source printed, after the first and the last epoch (for its last batch):
#
# | epoch | loss_MSE | loss_CE | test acc |
# |---|---|---|---|
# | 1 | 16.71 | 0.4361 | 0.839 |
# | 20 | 130.58 | 0.2731 | 0.8878 |
#
# Our numbers are epoch averages and start from other random weights, so they differ in the
# details; the pattern is the same. The test accuracy still wanders from epoch to epoch (its
# range over the last ten epochs is printed above), so it is checked against a floor a little
# below the source's 0.8878:

# %% slideshow={"slide_type": "fragment"}
checks.milestone(f"test accuracy after {num_epochs} epochs (GradientTape loop)", tape_accuracy,
                 at_least=0.875)
checks.milestone("training MSE of the logits, last epoch ÷ first", history.metrics["mse"][-1]
                 / history.metrics["mse"][0], at_least=2.0, digits=1)
checks.milestone("training cross entropy, last epoch ÷ first", history.metrics["loss"][-1]
                 / history.metrics["loss"][0], at_most=0.6, digits=1)

# %% slideshow={"slide_type": "fragment"}
plots.training_curves(history, metrics=("loss", "mse", "accuracy"),
                      title="Fashion-MNIST, GradientTape loop (loss = cross entropy)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What these curves show: overfitting (过拟合)
#
# Look at the two cross entropies side by side: the training one keeps falling, the test one
# reaches its lowest value before the last epoch (printed below) and then **rises**, while
# the test accuracy stalls. At the end the test cross entropy is about twice the training
# one. That is **overfitting** (chapter 06): after its best epoch the network learns its
# training images by heart, and grows more confident on the test images it gets wrong.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
train_ce, test_ce = np.array(history.metrics["loss"]), np.array(history.metrics["val_loss"])
best_epoch = int(np.argmin(test_ce))
print(f"last epoch ({num_epochs}): training CE {train_ce[-1]:.3f}, test CE {test_ce[-1]:.3f}")
print(f"lowest test CE {test_ce[best_epoch]:.3f}, after epoch {best_epoch + 1}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("test CE ÷ training CE after the last epoch", test_ce[-1] / train_ce[-1], at_least=1.5, digits=1)
checks.milestone("test CE after the last epoch minus its lowest", test_ce[-1] - test_ce.min(), at_least=0.03,
                 digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Fixing it: dropout and early stopping (Dropout 与早停)
#
# Two of chapter 06's remedies, measured. To keep the chapter quick, the runs use 3 000
# training images (overfitting shows sooner with less data), up to 30 epochs, and 2 000 images
# from the end of the training set as a **validation** set: early stopping must choose its
# epoch on data that is neither trained on nor used for the final score. Then each is
# scored once on the 10 000 test images.
#
# - **none**: the source's network as it is;
# - **dropout**: a `Dropout(0.3)` layer after each hidden layer (30 % of the units switched
#   off at random in each training step, none at test time);
# - **early stopping** (早停): the plain network with
#   `keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)`:
#   training stops when the validation loss has not improved for 5 epochs, and the weights of
#   its best epoch are put back.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
fixes = classifiers.overfitting_fixes((x_train[:3000], y_train[:3000]), (x_train[-2000:], y_train[-2000:]),
                                      (x_test, y_test), num_epochs=30, patience=5)
print(f"{'fix':>14} | epochs | training CE | validation CE | test CE | test accuracy | time (s)")
for fix, result in fixes.items():
    print(f"{fix:>14} | {result['num_epochs']:6d} | {result['train_loss'][-1]:11.3f} | "
          f"{min(result['val_loss']):13.3f} | {result['test_loss']:7.3f} | {result['test_accuracy']:13.3f} | "
          f"{result['seconds']:8.1f}")

# %% slideshow={"slide_type": "fragment"}
for fix in ("dropout", "early stopping"):
    checks.milestone(f"test CE, plain network minus {fix}", fixes["none"]["test_loss"] - fixes[fix]["test_loss"],
                     at_least=0.1, digits=2)
classifiers.overfitting_figure(fixes)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both fixes lower the test cross entropy: the network's confidence is better placed. The
# test *accuracy* moves much less (compare the column): on 3 000 images the plain network
# is wrong on the same hard shirts and pullovers either way, it is just wrong with more
# conviction. Early stopping is the cheapest fix, it saves the epochs after the best one;
# dropout trains all epochs and its training CE stays higher, because the network cannot
# rely on any single unit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 Why the MSE grows while the cross entropy falls (为什么 MSE 变大)
#
# Softmax only looks at the **differences** between logits: adding the same number to every
# logit changes no probability, so it changes neither the prediction nor the cross entropy.
# To make the right class more probable, the cross entropy pushes the right logit up and
# the others down, and nothing holds their size: a confident network has logits like
# $(-20, \dots, 25, \dots)$. The MSE compares those logits with 0 and 1, so it grows as the
# network becomes *more* confident, although the predictions get *better*. It is the wrong
# yardstick for logits. Measured on the test set:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
test_logits = model.predict(x_test, batch_size=1000, verbose=0)
test_probabilities = tf.nn.softmax(test_logits).numpy()
print(f"logits range from {test_logits.min():.1f} to {test_logits.max():.1f}, "
      f"largest logit of an image on average {test_logits.max(axis=1).mean():.1f}")
print(f"MSE(labels, logits)        = {float(classifiers.mse_of_logits(y_test, test_logits)):.2f}")
print(f"MSE(labels, probabilities) = {float(tf.reduce_mean(keras.losses.mean_squared_error(y_test, test_probabilities))):.4f}")
print(f"cross entropy              = {float(classifiers.cross_entropy_of_logits(y_test, test_logits)):.4f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The MSE of the *probabilities* is small and falls during training, like the cross
# entropy. Had the source trained on its MSE of logits, it would have taught the network
# to output 0 and 1 as scores, a regression problem, not a classification one. Exercise 3
# makes the shift argument precise.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 The same network with `fit` (用 `fit` 训练)
#
# `compile` + `fit` run the same kind of compiled step. We give it the same network,
# optimizer, loss and batches (`ds_train` shuffles itself, so `fit`'s own `shuffle` is
# turned off). `steps_per_execution` (chapter 09) makes `fit` run that many batches per call
# of its compiled step, as `training.train` does: the same training, with Python out of the way.
# `classifiers.compile_fashion_model` holds the `compile` call, so that the networks
# below are compiled the same way:

# %% slideshow={"slide_type": "fragment"}
print(inspect.getsource(classifiers.compile_fashion_model))

# %% [markdown] slideshow={"slide_type": "fragment"}
# To keep the chapter quick we train it for 5 epochs and compare with the loop's numbers
# after its 5th epoch: `history` kept the test accuracy of every epoch.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
fit_epochs = 5
fit_model = classifiers.compile_fashion_model(classifiers.fashion_mlp(), learning_rate)
start = time.perf_counter()
fit_history = fit_model.fit(ds_train, epochs=fit_epochs, validation_data=ds_test, shuffle=False,
                            verbose=2)
fit_seconds = time.perf_counter() - start
fit_accuracy = fit_history.history["val_categorical_accuracy"][-1]
tape_accuracy_at_fit_epochs = history.metrics["val_accuracy"][fit_epochs - 1]

# %% [markdown] slideshow={"slide_type": "fragment"}
# Side by side (the times are this machine's, and change from run to run):

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
print(f"{'':>13} {'test accuracy after ' + str(fit_epochs) + ' epochs':>30} {'s/epoch':>8}")
for name, accuracy, seconds_per_epoch in (
        ("GradientTape", tape_accuracy_at_fit_epochs, tape_seconds / num_epochs),
        ("fit", fit_accuracy, fit_seconds / fit_epochs)):
    print(f"{name:>13} {accuracy:30.4f} {seconds_per_epoch:8.2f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone(f"test accuracy after {fit_epochs} epochs (fit)", fit_accuracy, at_least=0.85)
checks.milestone(f"|fit − loop| in test accuracy after {fit_epochs} epochs",
                 abs(fit_accuracy - tape_accuracy_at_fit_epochs), at_most=0.03)

# %% [markdown] slideshow={"slide_type": "notes"}
# The accuracies agree to within the run-to-run spread (they started from different
# random weights): it is one algorithm. Both compile the step with `tf.function`, and their
# times per epoch (the table above) change from run to run with whatever else the machine is
# doing, often more than between the two ways. Both keep Python out of the
# batches: `fit` runs `steps_per_execution` steps per call and keeps its running metrics
# inside the graph; our loop runs up to `training.STEPS_PER_CALL` steps per call and adds
# each batch's numbers up there too (`training.make_epoch_function`). Write the loop
# yourself when you need something `fit` does not do (two losses, a custom update, gradient clipping per
# layer); otherwise `fit` is less code.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 Where the network goes wrong (混淆矩阵)

# %% slideshow={"slide_type": "fragment"}
test_predictions = test_probabilities.argmax(axis=1)
plots.confusion_matrix(test_labels, test_predictions, data.FASHION_CLASS_NAMES)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Shirts (衬衫) are mixed up with T-shirts, pullovers and coats; trousers, bags, sandals
# and boots are almost always right. A Dense network sees pixels, not shapes: the usual
# claim is that the gains beyond ≈ 0.89 come from convolutional networks (卷积神经网络),
# which the source only names (its recipe lists `Conv2D` among Keras' layers).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A first convolutional network (卷积神经网络)
#
# A `Conv2D` layer slides small filters (here 3×3) over the image, so it detects an edge or
# a texture wherever it appears, with the same few weights; `MaxPooling2D` keeps the
# strongest answer of each 2×2 patch. `classifiers.small_convnet` reshapes the 784 pixels
# back into a 28×28 image, stacks two such blocks (32 and 64 filters), then a Dense layer of
# 128 units and the 10 logits. It takes the same flattened batches as the Dense network:

# %% slideshow={"slide_type": "fragment"}
print(inspect.getsource(classifiers.small_convnet))
classifiers.small_convnet().summary()

# %% [markdown] slideshow={"slide_type": "fragment"}
# A fair test of the claim: the same training and test images, batches of 128 from the same
# `ds_train`, the same `compile`, and about as many parameters as the Dense network. Each
# convolutional epoch costs several Dense ones, so we train 3 epochs and compare them with
# the first 3 of the Dense network's `fit` above, epoch by epoch on the test set, and with
# the best epoch of the 20-epoch loop of section 5.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
conv_epochs = 3
conv_model = classifiers.compile_fashion_model(classifiers.small_convnet(), learning_rate)
start = time.perf_counter()
conv_history = conv_model.fit(ds_train, epochs=conv_epochs, validation_data=ds_test, shuffle=False,
                              verbose=2)
conv_seconds = time.perf_counter() - start
conv_curve = conv_history.history["val_categorical_accuracy"]
dense_curve = fit_history.history["val_categorical_accuracy"][:conv_epochs]
best_dense_accuracy = max(history.metrics["val_accuracy"])

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
print(f"test accuracy per epoch (parameters: Dense {fit_model.count_params():,}, conv {conv_model.count_params():,})")
print(f"{'epoch':>5} {'Dense (fit)':>12} {'conv':>8}")
for epoch, (dense, conv) in enumerate(zip(dense_curve, conv_curve), start=1):
    print(f"{epoch:>5} {dense:12.4f} {conv:8.4f}")
print(f"s/epoch {fit_seconds / fit_epochs:10.1f} {conv_seconds / conv_epochs:8.1f}")
print(f"the Dense loop's best epoch of {num_epochs}: {best_dense_accuracy:.4f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone(f"conv network's test accuracy after {conv_epochs} epochs", conv_curve[-1], at_least=0.88)
checks.milestone(f"conv minus Dense (fit) test accuracy after {conv_epochs} epochs",
                 conv_curve[-1] - dense_curve[-1], at_least=0.01)
checks.milestone(f"the conv network's smallest lead over Dense (fit), epochs 1 to {conv_epochs}",
                 min(np.subtract(conv_curve, dense_curve)), at_least=0.0)
checks.milestone(f"the Dense loop's best of {num_epochs} epochs minus the conv network's {conv_epochs} epochs",
                 best_dense_accuracy - conv_curve[-1], at_most=0.01)

# %% [markdown] slideshow={"slide_type": "fragment"}
# With about as many parameters, the convolutional network is ahead of the Dense one after
# every epoch, by more than a point after the third, and after 3 epochs it is within a
# point of the best the Dense network reached in 20 (in the run stored here, half a point
# below it), where the Dense network's test accuracy had long stopped rising. That is the
# claim's first half, measured: on images, convolutional layers learn more per epoch than
# Dense ones. How far past 0.89 they go takes more than this budget: more epochs, and,
# against the overfitting that section 5's curves show, dropout or more data (two of the
# remedies of chapter 06). Each convolutional epoch costs more time (the table's last row):
# the filters run at every position of the image.
#
# For sequences instead of images (text, sound, a time series), where the order of the
# inputs carries the meaning, Keras has recurrent layers: `keras.layers.LSTM` (长短期记忆网络)
# reads a sequence step by step and carries a memory from one step to the next.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Strides and padding (步长与填充)
#
# The source lists `Conv2D(filters, kernel_size, strides, padding)`; `small_convnet` leaves
# the last two at their defaults. `strides` (卷积步长) is how far the kernel moves between two
# outputs; `padding` (填充) says what happens at the border. With `"valid"` (no padding) the
# kernel is placed only where it fits inside the image; with `"same"` zeros are added around
# the image so that every `strides`-th pixel gets an output, whatever the kernel size. Along
# an axis of $n$ pixels, with a kernel of $k$ and a stride of $s$:
#
# $$n_{out}^{valid} = \left\lfloor \frac{n - k}{s} \right\rfloor + 1, \qquad
#   n_{out}^{same} = \left\lceil \frac{n}{s} \right\rceil .$$
#
# The floor counts the whole steps that fit (a remainder of pixels too few for one more
# step is dropped); the ceiling counts the outputs of $n$ pixels taken every $s$, the
# last one partly over the zeros. The figure shows a 3×3 kernel at stride 2 on a 7×7 input:

# %% slideshow={"slide_type": "fragment"}
classifiers.stride_figure(size=7, kernel_size=3, stride=2)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The formula by hand (`classifiers.conv_output_size`), against what Keras says before it
# computes anything (`layer.compute_output_shape`) and the shape of a real call on a batch
# of zeros:

# %% slideshow={"slide_type": "fragment"}
shape_cases = [(28, 3, 1, "valid"), (28, 3, 1, "same"), (28, 3, 2, "valid"), (28, 3, 2, "same"),
               (7, 3, 2, "valid"), (7, 3, 2, "same"), (28, 5, 3, "valid"), (28, 5, 3, "same")]
print(f"{'input':>5} {'kernel':>6} {'strides':>7} {'padding':>7} {'by hand':>7} {'compute_output_shape':>21} "
      f"{'a real call':>14}")
disagreements = 0
for size, kernel_size, stride, padding in shape_cases:
    layer = keras.layers.Conv2D(4, kernel_size, strides=stride, padding=padding)
    by_hand = classifiers.conv_output_size(size, kernel_size, stride, padding)
    declared = layer.compute_output_shape((1, size, size, 1))
    real = tuple(layer(np.zeros((1, size, size, 1), np.float32)).shape)
    disagreements += declared != (1, by_hand, by_hand, 4) or real != declared
    print(f"{size:>5} {kernel_size:>6} {stride:>7} {padding:>7} {by_hand:>7} {str(declared):>21} {str(real):>14}")
checks.milestone("cases where the formula and Keras disagree", disagreements, at_most=0, digits=0)

# %% [markdown] slideshow={"slide_type": "fragment"}
# A stride of 2 roughly halves each side (and quarters the outputs to compute), as a 2×2
# pooling does: with `"same"` to $\lceil n/2 \rceil$ (28 becomes 14, 7 becomes 4), with
# `"valid"` a little less (28 becomes 13). `"same"` at stride 1 keeps the size, which lets a
# network stack many convolutions without the image shrinking by $k - 1$ at each. Keras'
# defaults are `strides=(1, 1)` and `padding="valid"`: `small_convnet`'s first convolution
# turns 28×28 into 26×26.
#
# Where do the zeros go? `"same"` adds as many as the last window needs,
# $(n_{out} - 1)\,s + k - n$ in all, half before and half after; when that total is odd, the
# extra zero goes after: at the bottom and on the right. A 4×4 image of ones, a 3×3 kernel
# of ones, stride 2: each output counts the image pixels under its window.

# %% slideshow={"slide_type": "fragment"}
ones_layer = keras.layers.Conv2D(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
print("zeros before and after each axis:", classifiers.same_padding(4, 3, 2))
print(ones_layer(np.ones((1, 4, 4, 1), np.float32))[0, :, :, 0].numpy())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Sequences: the LSTM layer (长短期记忆网络)
#
# The source names the LSTM layer among the recipe's layers and stops there. An LSTM
# reads a sequence one step at a time with the same weights at every step, and carries two
# vectors from one step to the next: its output $h$ and a cell state $c$, its memory. Four
# blocks of weights, each a Dense layer of the step's input and the previous $h$ side by
# side (three gates and a candidate value), decide what to forget of $c$ (the forget gate),
# what to write into it (the input gate and the candidate value) and what to show as the
# new $h$ (the output gate).
#
# A task that needs the memory, small enough for a CPU: the **adding problem** (加法问题).
# Each sequence has 20 steps of two numbers, a random value in $[0, 1)$ and a marker; two
# steps are marked, anywhere, and the target is the sum of their values
# (`sequences.adding_problem`):

# %% slideshow={"slide_type": "fragment"}
seq_train, sum_train = sequences.adding_problem(6000, seed=0)
seq_test, sum_test = sequences.adding_problem(1000, seed=1)
marked = np.flatnonzero(seq_train[0, :, 1])
print("x shape (sequences, steps, features):", seq_train.shape)
marked_values = ", ".join(f"{value:.3f}" for value in seq_train[0, marked, 0])
print(f"sequence 0: marked steps {marked.tolist()}, values {marked_values}, target {sum_train[0]:.3f}")
baseline_mse = float(np.mean((sum_test - sum_train.mean()) ** 2))
print(f"test MSE of always predicting the training mean: {baseline_mse:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The arguments of `keras.layers.LSTM` (from the installed Keras' source) that matter first:
#
# | argument | default | what it does |
# |---|---|---|
# | `units` | (required) | width of $h$ and $c$, and of the output |
# | `activation` | `"tanh"` | squashes the candidate value and the cell state shown as $h$ |
# | `recurrent_activation` | `"sigmoid"` | the gates: each a share between 0 and 1 |
# | `return_sequences` | `False` | `True`: the output of every step, not only the last |
# | `return_state` | `False` | `True`: also the final $h$ and $c$ |
# | `dropout`, `recurrent_dropout` | `0.0` | dropout of the inputs, and of $h$ between steps |
# | `go_backwards` | `False` | read the sequence from its end |
# | `stateful` | `False` | keep $c$ and $h$ from one batch to the next |
#
# An LSTM takes batches shaped (batch, steps, features). With `return_sequences=False` (the
# default) it returns (batch, units); with `True`, (batch, steps, units), which another
# recurrent layer can read. Each gate has $units \cdot (features + units)$ weights and
# $units$ biases:

# %% slideshow={"slide_type": "fragment"}
lstm_layer = keras.layers.LSTM(16)
print("return_sequences=False:", tuple(lstm_layer(seq_train[:4]).shape))
print("return_sequences=True: ", tuple(keras.layers.LSTM(16, return_sequences=True)(seq_train[:4]).shape))
output, last_h, last_c = keras.layers.LSTM(16, return_state=True)(seq_train[:4])
print("return_state=True:     ", [tuple(part.shape) for part in (output, last_h, last_c)])
print(f"parameters: Keras {lstm_layer.count_params()}, formula 4 · (16 · (2 + 16) + 16) = "
      f"{sequences.lstm_parameter_count(2, 16)}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The comparison: an LSTM of 16 units against a Dense network on the flattened sequence
# (Dense(64, relu), more than twice the parameters), the same data, batches, optimizer
# (Adam at 0.01) and epochs (`sequences.train_and_compare`), measured on the test sequences:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
sequence_results = sequences.train_and_compare(seq_train, sum_train, seq_test, sum_test, num_epochs=8)
print(f"{'epoch':>5} {'LSTM':>8} {'Dense':>8}   (test MSE)")
for epoch, (lstm_mse, dense_mse) in enumerate(zip(sequence_results["LSTM"]["test_mse"],
                                                    sequence_results["Dense"]["test_mse"]), start=1):
    print(f"{epoch:>5} {lstm_mse:8.4f} {dense_mse:8.4f}")
sequences.comparison_figure(sequence_results, baseline_mse)

# %% slideshow={"slide_type": "fragment"}
for name, result in sequence_results.items():
    print(f"{name}: {result['num_parameters']:,} parameters")
checks.milestone("LSTM's test MSE after 8 epochs", sequence_results["LSTM"]["test_mse"][-1], at_most=0.01)
checks.milestone("Dense's test MSE after 8 epochs", sequence_results["Dense"]["test_mse"][-1], at_least=0.05)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both start at the MSE of guessing the mean. The LSTM, after a plateau of a few epochs,
# finds the trick and its test MSE falls below 0.01; the Dense network, with twice the
# parameters, is still above 0.05 after the same 8 epochs. The recurrence is the reason: the
# LSTM applies one rule at every step ("if marked, add the value to the memory") and learns
# it once, from every step of every sequence; the Dense network has a separate weight for
# each position and must learn the rule 20 times over, from the few sequences that happen
# to mark that position.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 Interactive: browse the test set (测试图片浏览)
#
# The probability the GradientTape-trained network gives each class. Switch to
# *misclassified* and look at how many mistakes are shirts.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
if "model" in globals():  # the network trained above
    browser = image_browser_panel(model, x_test, test_labels, dataset="fashion_mnist", from_logits=True)
else:  # this cell run alone, right after the setup cell: a small model trained in seconds
    browser = image_browser_panel(dataset="fashion_mnist")
browser

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10 Interactive: epochs and width (轮数与宽度)
#
# How much network and how much training does Fashion-MNIST need? The panel trains the
# same funnel of layers, each half as wide as the one before, starting from the width you
# choose (256 is the source's 256-128-64-32), on 3 000 training images to keep a run
# short. Press **Train**: the curves grow as each epoch ends (Pause keeps what was learned,
# Reset starts again). Try 8 (a bottleneck of 1 unit, and few epochs: underfitting,
# 欠拟合), then 512 with 15 epochs, and watch the gap between training and test accuracy
# (overfitting, 过拟合, shows there first on so few images). The hidden widths of these two:

# %% slideshow={"slide_type": "fragment"}
for first_width in (8, 512):
    print(f"first width {first_width}: 784-{'-'.join(map(str, classifiers.scaled_widths(first_width)))}-10")

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
epochs_width_panel()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: count the parameters (参数个数)
#
# The summary above counted the 784-256-128-64-32-10 network, and the panel's caption counts
# each funnel it trains (first widths 8 to 512, every layer half the one before). Compute by
# hand the number of parameters of a funnel it cannot train: 784-96-48-24-12-10.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_fashion_parameter_count(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: inputs × units + units for each Dense layer
sizes = [784, 96, 48, 24, 12, 10]
answer = sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:]))
exercises.check_fashion_parameter_count(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: accuracy per class (每类准确率)
#
# Write `per_class_accuracy(probabilities, labels)` with NumPy: for each class, the share of
# the rows of that class the network classifies right, one fraction per column of
# `probabilities`. The check calls it on predictions of its own (scikit-learn's
# `recall_score` and Keras' `Recall` raise an error while it runs). Then apply it to
# `test_probabilities` and `test_labels`: which class is the hardest?

# %% slideshow={"slide_type": "skip"}
per_class_accuracy = ...  # your code here: def per_class_accuracy(probabilities, labels): ...
exercises.check_per_class_accuracy(per_class_accuracy)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
def per_class_accuracy(probabilities, labels):
    predicted = np.argmax(probabilities, axis=1)
    return np.array([np.mean(predicted[labels == c] == c) for c in range(probabilities.shape[1])])


exercises.check_per_class_accuracy(per_class_accuracy)
accuracies = per_class_accuracy(test_probabilities, test_labels)
print("hardest class:", data.FASHION_CLASS_NAMES[int(np.argmin(accuracies))])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: shift every logit (平移 logits)
#
# Take the logits of the first 100 test images, add 10 to every logit, and compute the
# cross entropy and the MSE of the shifted logits against `y_test[:100]`. Give the pair
# `(cross_entropy, mse)`. Compare with the unshifted values: which one changed?

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_shifted_logits(answer, test_logits[:100], y_test[:100])

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the cross entropy is unchanged, the MSE is not
shifted = test_logits[:100] + 10.0
answer = (float(classifiers.cross_entropy_of_logits(y_test[:100], shifted)),
          float(classifiers.mse_of_logits(y_test[:100], shifted)))
exercises.check_shifted_logits(answer, test_logits[:100], y_test[:100])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): the training step (训练步)
#
# Write the step of section 5 yourself: `train_step(model, optimizer, x, y)` runs the model
# on the batch under a `GradientTape`, computes the cross entropy from the logits, applies
# the gradients with the optimizer and returns the loss. The check runs three of your steps
# with SGD and with Adam on a network and batches of its own and compares the weights with
# the chapter's step. The model's own `compile`, `fit` and `train_on_batch`, and the course's
# step in `training`, are switched off while your step runs.

# %% slideshow={"slide_type": "skip"}
train_step = ...  # your code here: def train_step(model, optimizer, x, y): ...
exercises.check_train_step(train_step)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the tape records the forward pass, the optimizer applies its gradient
def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = keras.losses.categorical_crossentropy(y, model(x, training=True), from_logits=True)
        loss = tf.reduce_mean(loss)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


exercises.check_train_step(train_step)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5 (build it): output shapes of `Conv2D` (输出尺寸)
#
# Write `conv_output_shape(height, width, kernel_size, strides, padding)`: the height and
# width of what a `Conv2D` returns for an image of `height`×`width` pixels, where
# `kernel_size` and `strides` are pairs (rows, columns) and `padding` is `"valid"` or `"same"`.
# Return a pair of whole numbers. The check asks about images, kernels and strides of its
# own, rectangular ones; Keras' convolutions and the course's `conv_output_size` are switched
# off while your function runs.

# %% slideshow={"slide_type": "skip"}
conv_output_shape = ...  # your code here: def conv_output_shape(height, width, kernel_size, strides, padding): ...
exercises.check_conv_output_shape(conv_output_shape)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the formula on each axis, floor for "valid", ceiling for "same"
def conv_output_shape(height, width, kernel_size, strides, padding):
    def one_axis(size, kernel, stride):
        if padding == "same":
            return -(-size // stride)
        return (size - kernel) // stride + 1
    return (one_axis(height, kernel_size[0], strides[0]), one_axis(width, kernel_size[1], strides[1]))


exercises.check_conv_output_shape(conv_output_shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 6 (build it): the parameters of an LSTM layer (参数个数)
#
# Write `lstm_parameter_count(features, units)`: how many trainable numbers
# `keras.layers.LSTM(units)` holds when each step of its input has `features` numbers. The
# check asks about layers of its own; Keras' recurrent layers are switched off while your
# function runs.

# %% slideshow={"slide_type": "skip"}
lstm_parameter_count = ...  # your code here: def lstm_parameter_count(features, units): ...
sequence_exercises.check_lstm_parameter_count(lstm_parameter_count)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: four blocks (three gates and the candidate), each a Dense layer of [input, previous output]
def lstm_parameter_count(features, units):
    return 4 * (units * (features + units) + units)


sequence_exercises.check_lstm_parameter_count(lstm_parameter_count)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Fashion-MNIST: ten kinds of clothes (T恤, 裤子, 套头衫, 连衣裙, 外套, 凉鞋, 衬衫, 运动鞋, 包,
#   靴子) in the MNIST format; harder than digits.
# - `tf.data`: `from_tensor_slices`, shuffle *then* batch. The five-layer network has
#   244 522 parameters and outputs logits; the loss applies softmax (`from_logits=True`).
# - A `GradientTape` step compiled with `tf.function` and Adam(`learning_rate=1e-3`, the
#   source's `lr=` is gone) reach a test accuracy of about 0.88 in 20 epochs, as the
#   source's 0.8878; `fit` trains the same way with less code.
# - The MSE of logits grows while the cross entropy falls: softmax ignores a shift of the
#   logits, the MSE does not, so MSE on logits says nothing about the predictions.
# - The curves overfit: the test cross entropy rises after its best epoch while the training
#   one keeps falling. Dropout and early stopping (`EarlyStopping(restore_best_weights=True)`,
#   watching a validation set, never the test set) both lower the test cross entropy.
# - A small `Conv2D` network with about as many parameters learns more per epoch than the
#   Dense one: ahead after every epoch, and after 3 epochs near the Dense network's best of
#   20. Images call for convolutions, sequences for recurrent layers such as `keras.layers.LSTM`.
# - `Conv2D`'s output along an axis: $\lfloor (n - k)/s \rfloor + 1$ with `padding="valid"`,
#   $\lceil n/s \rceil$ with `"same"`, which puts an odd zero at the bottom and on the right.
# - `keras.layers.LSTM(units)` reads (batch, steps, features) step by step with three gates, a
#   candidate value and a cell state; on the adding problem it learns what a Dense network on
#   the flattened sequence, with twice the parameters, does not.
#
# Previous: [09 MNIST](09_mnist.ipynb). Next: [11 When training goes wrong (常见错误与调试)](11_debugging.ipynb).
