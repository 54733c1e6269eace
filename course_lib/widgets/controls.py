"""Controls that matter only in some states of a panel: shown while they have an effect, a note in their place otherwise.

A slider that changes nothing (Leaky ReLU's alpha while the activation is sigmoid, the
optimizer race's learning rate while each method runs at its own best) is a dead control: a
student drags it and sees nothing happen. :func:`show_only_for` puts such a control in a
:class:`ShownOnlyFor`, an ``ipywidgets.Stack`` whose shown child follows the selection that
decides (through ``jslink``, in the browser): the control when it has an effect, else a note
saying why it has none. It works with a kernel and without one (a chapter opened without
running it, the site, the decks), as the panel's other links do.

:func:`dead_controls` finds the dead controls of a kernel-free panel from its table of states,
so a test can prove that none is left.
"""

import html
import itertools

import ipywidgets as widgets

from course_lib import language
from course_lib.widgets.chart import unpack_table
from course_lib.widgets.panel import SELECTIONS, option_values

#: How a note in place of a hidden control looks: the control's own label, then why it is not there.
NOTE_STYLE = "color: var(--jp-ui-font-color2, #555); font-style: italic"


class ShownOnlyFor(widgets.Stack):
    """A control shown only while ``selection`` holds ``option``; for every other option, a note saying why not.

    The stack has one child per option of ``selection`` and shows the one at the
    selection's index, linked in the browser (``self.link``).
    """

    def __init__(self, control, selection, option, why):
        if not isinstance(selection, SELECTIONS):
            raise TypeError(f"selection must be a dropdown, toggle buttons or radio buttons, "
                            f"got a {type(selection).__name__}")
        options = option_values(selection)
        if option not in options:
            raise ValueError(f"option must be one of {options}, got {option!r}")
        self.control, self.selection, self.option = control, selection, option
        label = html.escape(control.description or "")
        notes = {choice: html.escape(language.say(why.format(option=choice))) for choice in options}
        children = [control if choice == option else
                    widgets.HTML(f'<span style="{NOTE_STYLE}" title="{notes[choice]}">{label}: {notes[choice]}</span>')
                    for choice in options]
        super().__init__(children=children, selected_index=selection.index)
        self.link = widgets.jslink((selection, "index"), (self, "selected_index"))

    @property
    def shown(self):
        """True when the selection holds the option for which the control has an effect."""
        return self.selection.value == self.option


def show_only_for(panel, name, selection_name, option, why):
    """Show ``panel``'s control ``name`` only while its control ``selection_name`` holds ``option``.

    For the other options a note takes its place: the control's label and ``why``, in which
    ``{option}`` is replaced by the option chosen ("sigmoid has no slope for x < 0 to set").
    Returns the :class:`ShownOnlyFor` that now stands where the control stood.
    """
    for argument, value in (("name", name), ("selection_name", selection_name)):
        if value not in panel.controls:
            raise ValueError(f"{argument} must name a control of {panel.title!r}: {list(panel.controls)}, got {value!r}")
    control = panel.controls[name]
    stack = ShownOnlyFor(control, panel.controls[selection_name], option, why)
    if not _replace(panel.widget, control, stack):
        raise ValueError(f"the control {name!r} is not in the panel {panel.title!r}")
    return stack


def _replace(box, old, new):
    """Put ``new`` where ``old`` is among the children of ``box`` or of a box inside it; False if absent."""
    children = list(getattr(box, "children", ()))
    if old in children:
        children[children.index(old)] = new
        box.children = children
        return True
    return any(_replace(child, old, new) for child in children)


def stacks_in(widget):
    """Every :class:`ShownOnlyFor` inside ``widget``."""
    if isinstance(widget, ShownOnlyFor):
        return [widget]
    return list(itertools.chain.from_iterable(stacks_in(child) for child in getattr(widget, "children", ())))


def dead_controls(panel):
    """The tabulated controls of ``panel`` that change nothing in some state where they are shown.

    For each state of the panel's table and each tabulated control, the states that differ
    only in that control's value must differ in their figure or caption; a control hidden in
    that state (a :class:`ShownOnlyFor` showing its note) is exempt. Returns a list of
    ``(control name, values of the state)``, empty when no control is ever dead.
    """
    table = unpack_table(panel.chart.table)
    if not table:
        raise ValueError(f"the panel {panel.title!r} has no table of states: it is not kernel-free")
    names = {id(control): name for name, control in panel.controls.items()}
    shown_at = {names[id(stack.control)]: (names[id(stack.selection)], option_values(stack.selection).index(stack.option))
                for stack in stacks_in(panel.widget)}
    dead = []
    for name in table[0]["values"]:
        groups = {}
        for entry in table:  # the states that differ only in this control's value
            rest = tuple(sorted((other, value) for other, value in entry["values"].items() if other != name))
            groups.setdefault(rest, []).append(entry)
        for group in groups.values():
            for entry in group:
                if name in shown_at and entry["values"][shown_at[name][0]] != shown_at[name][1]:
                    continue
                if len(group) > 1 and all(other["datasets"] == entry["datasets"] and other["caption"] == entry["caption"]
                                          for other in group):
                    dead.append((name, entry["values"]))
    return dead
