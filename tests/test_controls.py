"""Controls shown only while they have an effect (course_lib.widgets.controls), and the check for dead ones."""

import ipywidgets as widgets
import pytest

from course_lib.widgets import chart
from course_lib.widgets.controls import dead_controls, show_only_for, stacks_in
from course_lib.widgets.panel import Panel

SPEC = {"$schema": chart.SCHEMA, "data": {"name": "points"}, "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def line(kind, slope):
    """A line whose slope only the kind "sloped" uses: ``slope`` is dead for the kind "flat"."""
    return {"kind": kind, "values": [slope * x if kind == "sloped" else 1.0 for x in range(3)]}


def draw(result):
    return {"points": chart.rows(x=result["values"])}, f"{result['kind']}: {result['values']}"


def line_panel():
    controls = {"kind": widgets.Dropdown(options=["flat", "sloped"], value="flat", description="kind"),
                "slope": widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=1.0, description="slope")}
    return Panel("a line", controls, line, draw, spec=SPEC, offline=True)


def test_a_control_that_changes_nothing_in_some_state_is_found():
    """The check fails on a planted dead control: the slope of a flat line."""
    dead = dead_controls(line_panel())
    assert {name for name, _ in dead} == {"slope"}
    assert all(values["kind"] == 0 for _, values in dead) and len(dead) == 3  # flat, at each of the 3 slopes


def test_a_control_hidden_while_it_has_no_effect_is_not_dead():
    panel = line_panel()
    stack = show_only_for(panel, "slope", "kind", "sloped", "a {option} line has no slope")
    assert stacks_in(panel.widget) == [stack] and panel.controls["slope"] in stack.children
    assert stack.children[0].value.count("slope: a flat line has no slope") == 1  # the label, then why
    assert stack.selected_index == 0 and not stack.shown
    panel.controls["kind"].value = "sloped"
    assert stack.shown
    assert (stack.link.source, stack.link.target) == ((panel.controls["kind"], "index"), (stack, "selected_index"))
    assert dead_controls(panel) == []


def test_bad_arguments_are_named():
    panel = line_panel()
    with pytest.raises(ValueError, match="option must be one of"):
        show_only_for(panel, "slope", "kind", "curved", "why")
    with pytest.raises(ValueError, match="selection_name must name a control"):
        show_only_for(panel, "slope", "shape", "sloped", "why")
    with pytest.raises(TypeError, match="selection must be"):
        show_only_for(panel, "kind", "slope", 1.0, "why")
    with pytest.raises(ValueError, match="not kernel-free"):
        kernel_only = Panel("a line", {"kind": widgets.Dropdown(options=["flat"]),
                                       "slope": widgets.FloatSlider(value=1.0)}, line, draw, spec=SPEC)
        dead_controls(kernel_only)
