"""course_lib: the small library shared by the chapters of the course.

Each module holds one topic, so a student can open the one a chapter names:

- ``notebook``   one call at the top of every chapter (seeds, quiet logs, plot style, report)
- ``data``       MNIST, Fashion-MNIST and iris loaders, the offline import, class names
- ``training``   a manual ``GradientTape`` loop with a progress bar, NaN guard and Ctrl-C handling
- ``plots``      figures several chapters share (training curves, image grids, confusion matrix)
- ``checks``     exercise checks and printed milestones
- ``widgets``    the interactive panels, one module per chapter topic
- ``exercises``  the exercises of each chapter, checked by ``checks``
"""

__version__ = "0.1.0"
