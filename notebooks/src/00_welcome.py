# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 00 Welcome and setup (欢迎与环境准备)
#
# This course teaches how a neural network is **optimized** (神经网络优化): the learning
# rate, activation functions, loss functions, under- and overfitting, regularization and
# optimizers, then the six-step Keras recipe (八股) on iris, MNIST and Fashion-MNIST. It
# follows the Chinese course *人工智能实践：Tensorflow 笔记* and keeps its Chinese terms beside
# the English ones, so you can read both.
#
# **In this chapter you will**
#
# - check that TensorFlow, Keras and the datasets are ready on your machine;
# - learn how a chapter is laid out: idea, formula, code, interactive figure, exercise, summary;
# - try a panel and an exercise, so you know how they behave later;
# - write a first function of your own: one step of gradient descent for a line.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How to use a chapter
#
# Run the cells from top to bottom with **Shift+Enter**. Every chapter starts with one call,
# `notebook.setup()`, which seeds the random generators (so you see the numbers printed
# here), silences TensorFlow's start-up log and prints what the chapter runs on.
#
# - **Panels** are the figures with sliders. Move a slider and the figure follows.
#   Panels that train a model have a button instead, because training takes a few seconds.
# - **Exercises** start with `answer = ...  # your code here`. Run the check as it is and it
#   tells you the exercise is not attempted yet, with a hint. Replace `...` with your answer
#   and run again. A hidden solution follows each exercise: click the "..." to open it.
# - Shared code lives in the small library `course_lib`; open its modules when a chapter
#   names one: they are meant to be read.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import numpy as np

from course_lib import data, glossary
from course_lib.exercises import welcome as exercises
from course_lib.widgets.welcome import line_fit_panel

# %% [markdown] slideshow={"slide_type": "skip"}
# The line above says which TensorFlow and Keras you have and which device runs the
# chapters: `CPU`, a CUDA GPU, or an Apple GPU through Metal. Everything in this course runs
# on a CPU in minutes; a GPU makes the MNIST chapters faster but is never needed.
#
# ## Datasets (数据集)
#
# Keras downloads MNIST and Fashion-MNIST the first time a chapter loads them and keeps
# them under `~/.keras/datasets`. Iris ships with scikit-learn. On a machine without
# internet, import the files from a folder once (see README.md):
#
# ```bash
# python -m course_lib data import /path/to/datasets
# ```

# %% slideshow={"slide_type": "skip"}
for name, state in data.availability().items():
    print(f"{name:>14}: {state}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary (术语表)
#
# The course's terms in English and in Chinese, with the chapter that introduces each. The
# Chinese terms are those of the source course (人工智能实践：Tensorflow 笔记); a term marked *
# is not in it, and is the one Chinese textbooks use. The list is kept as data
# (`course_lib/glossary.csv`), so that every chapter renders a term the same way:

# %% slideshow={"slide_type": "fragment"}
glossary.table()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try a widget
#
# A model is a formula with numbers to choose. Here the formula is a line,
# $\hat y = w x + b$, and the numbers are $w$ and $b$. How good a choice is, is measured by
# a **loss** (损失), here the mean squared error
#
# $$\mathrm{MSE} = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2 .$$
#
# Move the sliders: the red bars are the errors, and the MSE under the figure is their
# squared average. Training a network is exactly this, done by gradient descent instead of
# by hand, over many more numbers.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
line_fit_panel()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: pixels
#
# A 28×28 MNIST image is flattened into one row before a dense layer. How many numbers
# does that row hold?

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_pixel_count(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
answer = 28 * 28
exercises.check_pixel_count(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: your best line
#
# Use the panel to find a slope and an intercept whose MSE is at most 0.25.

# %% slideshow={"slide_type": "skip"}
w, b = ..., ...  # your values here
exercises.check_best_line(w, b)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the points were made from y = 2x + 1 plus noise
w, b = 2.0, 1.0
exercises.check_best_line(w, b)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: build it, one step of gradient descent
#
# The panel let you move $w$ and $b$ by hand. Gradient descent (梯度下降) moves them itself:
# it computes how the MSE changes when $w$ or $b$ grows (the gradient) and steps the other
# way, by a learning rate (学习率) $\eta$. With the error $e_i = w x_i + b - y_i$ of each point,
#
# $$\frac{\partial\,\mathrm{MSE}}{\partial w} = \frac{2}{n}\sum_{i=1}^{n} e_i\,x_i,\qquad
#   \frac{\partial\,\mathrm{MSE}}{\partial b} = \frac{2}{n}\sum_{i=1}^{n} e_i,\qquad
#   w \leftarrow w - \eta\,\frac{\partial\,\mathrm{MSE}}{\partial w},\quad
#   b \leftarrow b - \eta\,\frac{\partial\,\mathrm{MSE}}{\partial b}.$$
#
# Write `gradient_step(w, b, x, y, learning_rate)` returning the new `(w, b)`; `x` and `y` are
# NumPy arrays of the points. The check runs it on points of its own, then lets your function
# fit the panel's line from $w = b = 0$. The formulas are the exercise, so while your function
# runs, `GradientTape` and Keras' `SGD` are unavailable. (Chapter 01 shows how TensorFlow
# computes such gradients for us; chapter 02 how it does it.)

# %% slideshow={"slide_type": "fragment"}
gradient_step = ...  # your code here: def gradient_step(w, b, x, y, learning_rate): ...
exercises.check_gradient_step(gradient_step)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
def gradient_step(w, b, x, y, learning_rate):
    error = w * x + b - y
    return w - learning_rate * 2 * np.mean(error * x), b - learning_rate * 2 * np.mean(error)


exercises.check_gradient_step(gradient_step)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Every chapter starts with `notebook.setup()`; it makes the numbers repeatable.
# - Datasets come from Keras' cache; offline, `python -m course_lib data import DIR` fills it.
# - Panels respond to their controls; exercises tell you when you have not tried yet,
#   what is wrong when you are wrong, and ✓ when you are right. A "build it" exercise asks for
#   a function, and its check runs it on inputs of its own.
# - Gradient descent: $w \leftarrow w - \eta\,\partial\mathrm{MSE}/\partial w$, the same for $b$.
#
# Next: [01 Tensors and autodiff](01_tensors_autodiff.ipynb).
