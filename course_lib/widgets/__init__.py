"""The interactive panels, one module per chapter topic.

Every panel is a :class:`course_lib.widgets.panel.Panel`: controls, a figure and
a caption, wired to a pure ``compute`` function from the chapter's topic module
and a ``draw`` function that turns its result into a figure. Unit tests and
benchmarks drive a panel by setting a control's ``value``; the browser tests
find it in JupyterLab by its ``course-panel`` CSS class.
"""
