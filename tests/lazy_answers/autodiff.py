"""Lazy answers to the autodiff exercises: an engine that skips the work, and finite differences done badly."""

import functools
import math

import numpy as np
import tensorflow as tf

from course_lib import autodiff
from course_lib.exercises import autodiff as exercises


class Engine:
    """A right engine, written as a student would (micrograd's shape); the lazy ones below change one part."""

    def __init__(self, data, children=()):
        self.data, self.grad, self.children = float(data), 0.0, tuple(children)
        self.pass_back = lambda: None

    def _make(self, data, children, local_derivatives):
        out = type(self)(data, children)

        def pass_back():
            for child, derivative in zip(children, local_derivatives):
                self._receive(child, derivative * out.grad)
        out.pass_back = pass_back
        return out

    @staticmethod
    def _receive(child, gradient):
        child.grad += gradient

    def __add__(self, other):
        other = other if isinstance(other, Engine) else type(self)(other)
        return self._make(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Engine) else type(self)(other)
        return self._make(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, exponent):
        return self._make(self.data ** exponent, (self,), (exponent * self.data ** (exponent - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return self._make(t, (self,), (1 - t ** 2,))

    def relu(self):
        return self._make(max(self.data, 0.0), (self,), (float(self.data > 0),))

    def backward(self):
        order, seen = [], set()

        def visit(value):
            if id(value) not in seen:
                seen.add(id(value))
                for child in value.children:
                    visit(child)
                order.append(value)
        visit(self)
        self.grad = 1.0
        for value in reversed(order):
            value.pass_back()


class ZeroGradients(Engine):
    """Values right, backward() does nothing: every grad stays 0."""

    def backward(self):
        pass


class TreesOnly(Engine):
    """Each child's grad is set, not added to: right on a tree, wrong where a value feeds two places."""

    @staticmethod
    def _receive(child, gradient):
        child.grad = gradient


class NoTopologicalOrder(Engine):
    """backward() recurses into the children right away: a shared value passes its gradient on before it is complete."""

    def backward(self):
        self.grad = 1.0
        self._recurse()

    def _recurse(self):
        self.pass_back()
        for child in self.children:
            child._recurse()


class TensorFlowData(Engine):
    """The numbers kept as TensorFlow tensors: the engine leaves the computing to TensorFlow."""

    def __init__(self, data, children=()):
        super().__init__(0.0, children)
        self.data = tf.constant(float(data), tf.float64)

    def tanh(self):
        return self._make(tf.tanh(self.data), (self,), (1 - tf.tanh(self.data) ** 2,))


class TapeDerivatives(Engine):
    """Each local derivative asked of GradientTape instead of worked out."""

    def tanh(self):
        x = tf.Variable(self.data, dtype=tf.float64)
        with tf.GradientTape() as tape:
            y = tf.tanh(x)
        return self._make(float(y), (self,), (float(tape.gradient(y, x)),))


class OnTheCourseEngine(autodiff.Value):
    """The course's Value under another name."""


class WrappingTheCourseEngine(Engine):
    """Every operation done by the course's Value inside."""

    def __init__(self, data, children=()):
        super().__init__(data, children)
        self.inner = autodiff.Value(data)


def _library_called(f, x):
    return autodiff.numerical_gradient(f, x)


def _zeros(f, x):
    return np.zeros_like(x)


def _in_float32(f, x):
    """Central differences with the point and the step in float32."""
    x32 = np.asarray(x, np.float32)
    gradient = np.zeros_like(x32)
    for index in np.ndindex(x32.shape):
        up, down = x32.copy(), x32.copy()
        up[index] += np.float32(1e-6)
        down[index] -= np.float32(1e-6)
        gradient[index] = (f(up) - f(down)) / np.float32(2e-6)
    return gradient


def _one_sided_large_step(f, x):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up = x.copy()
        up[index] += 1e-2
        gradient[index] = (f(up) - f(x)) / 1e-2
    return gradient


def _not_put_back(f, x):
    """Right values, but x is left shifted after each entry."""
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += 1e-6
        above = f(x)
        x[index] -= 2e-6
        gradient[index] = (above - f(x)) / 2e-6
    return gradient


def _all_entries_at_once(f, x):
    return np.full_like(x, (f(x + 1e-6) - f(x - 1e-6)) / 2e-6)


LAZY = {
    "check_value_class": [
        ("gradients never computed (all 0)", lambda: exercises.check_value_class(ZeroGradients)),
        ("gradients assigned, not added: trees only", lambda: exercises.check_value_class(TreesOnly)),
        ("recursion without a topological order", lambda: exercises.check_value_class(NoTopologicalOrder)),
        ("the numbers kept as TensorFlow tensors", lambda: exercises.check_value_class(TensorFlowData)),
        ("local derivatives asked of GradientTape", lambda: exercises.check_value_class(TapeDerivatives)),
        ("the course's Value handed in", lambda: exercises.check_value_class(autodiff.Value)),
        ("a subclass of the course's Value", lambda: exercises.check_value_class(OnTheCourseEngine)),
        ("the course's Value used inside", lambda: exercises.check_value_class(WrappingTheCourseEngine)),
        ("an instance instead of the class", lambda: exercises.check_value_class(Engine(1.0))),
    ],
    "check_numerical_gradient": [
        ("the course's numerical_gradient handed in",
         lambda: exercises.check_numerical_gradient(autodiff.numerical_gradient)),
        ("the course's numerical_gradient through functools.partial",
         lambda: exercises.check_numerical_gradient(functools.partial(autodiff.numerical_gradient, step=1e-5))),
        ("the course's numerical_gradient called", lambda: exercises.check_numerical_gradient(_library_called)),
        ("zeros", lambda: exercises.check_numerical_gradient(_zeros)),
        ("central differences in float32", lambda: exercises.check_numerical_gradient(_in_float32)),
        ("a one-sided difference with a large step", lambda: exercises.check_numerical_gradient(_one_sided_large_step)),
        ("x left shifted", lambda: exercises.check_numerical_gradient(_not_put_back)),
        ("every entry moved at once", lambda: exercises.check_numerical_gradient(_all_entries_at_once)),
    ],
}
