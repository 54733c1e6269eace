"""Optimizers (优化器) written out by hand: the course's formulas and Keras' formulas. Chapter 07's topic.

The course frames every first-order optimizer in four steps. At step ``t``, with
gradient ``g_t``:

1. the gradient ``g_t = ∇loss``;
2. a first moment ``m_t`` (一阶动量, a function of past gradients) and a second
   moment ``V_t`` (二阶动量, a function of past squared gradients);
3. the descent step ``η_t = lr · m_t / √V_t``;
4. the update ``W_{t+1} = W_t − η_t``.

The topic is split along its ideas, one module each; every public name is also
importable from here (``from course_lib import optimizers; optimizers.Adam``):

- :mod:`~course_lib.optimizers.course_forms`: the common interface and the nine
  methods in the course's formulas (SGD … Adam, NAG, AdaDelta, Nadam, AdamW);
- :mod:`~course_lib.optimizers.keras_forms`: the same methods in Keras' formulas,
  and :func:`compare_with_keras`, which checks them against ``keras.optimizers``;
- :mod:`~course_lib.optimizers.training_by_hand`: a Keras model trained with a
  hand-written optimizer (:func:`train_by_hand`, the iris runs);
- :mod:`~course_lib.optimizers.surfaces`: 2-D loss surfaces, trajectories and the race;
- :mod:`~course_lib.optimizers.fixed_budget`: all nine at a fixed budget on
  Fashion-MNIST, each at its own learning rate, over several seeds.
"""

from course_lib.optimizers.course_forms import (ALL_COURSE_OPTIMIZERS, ALL_NAMES, COLORS, COURSE_OPTIMIZERS,
                                                MORE_COURSE_OPTIMIZERS, NAG, NAMES, SGD, SGDM, AdaDelta, AdaGrad,
                                                Adam, AdamW, CourseOptimizer, Nadam, Optimizer, RMSProp)
from course_lib.optimizers.fixed_budget import (BUDGET_LEARNING_RATES, BUDGET_SEEDS, budget_figure, budget_race,
                                                fashion_budget_data)
from course_lib.optimizers.keras_forms import (KERAS_FORMS, NUMPY_OPS, KerasAdadelta, KerasAdagrad, KerasAdam,
                                               KerasAdamW, KerasNadam, KerasRMSprop, KerasSGD, adam_update,
                                               compare_with_keras, keras_pair)
from course_lib.optimizers.surfaces import (DIVERGED_LOSS, LEARNING_RATE_CHOICES, RACE_LEARNING_RATES, SURFACES,
                                            Surface, draw_paths, draw_surface, race, trajectories_figure,
                                            trajectory)
from course_lib.optimizers.training_by_hand import (IrisRun, apply_step, iris_loss_figure, iris_model, iris_split,
                                                    make_gradient_function, train_by_hand, train_iris)
