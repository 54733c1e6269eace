"""The library speaks the student's language (issue #31): English as it always did, Chinese in notebooks/zh/."""

import re
import string
import unittest.mock

import keras
import nbformat
import pytest
import yaml

from course_lib import checks, data, glossary, language
from course_lib.widgets.panel import translated_rows, translated_spec, worded_fields
from tests.helpers import ROOT
from tools import translate

SOURCES = translate.chapter_sources()


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANGUAGE", "zh")


def test_english_is_said_as_it_is(monkeypatch):
    monkeypatch.setenv("COURSE_LANGUAGE", "en")
    assert language.say("✓ w after 3 steps at lr 0.7: correct.") == "✓ w after 3 steps at lr 0.7: correct."


def test_the_language_comes_from_the_kernels_folder_unless_the_environment_says(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_LANGUAGE", raising=False)
    (tmp_path / "zh").mkdir()
    monkeypatch.chdir(tmp_path / "zh")
    assert language.current() == "zh"
    monkeypatch.chdir(tmp_path)
    assert language.current() == "en"
    monkeypatch.setenv("COURSE_LANGUAGE", "zh")
    assert language.current() == "zh"
    monkeypatch.setenv("COURSE_LANGUAGE", "fr")
    with pytest.raises(ValueError, match="COURSE_LANGUAGE"):
        language.current()


def test_a_template_says_its_parts_in_chinese_too(chinese):
    assert language.say("learning rate") == language.say("Learning rate") == "学习率"  # from the glossary
    assert language.say("✓ learning rate ≥ 0.010") == "✓ 学习率 ≥ 0.010"
    assert language.say("○ learning rate: not attempted yet. Hint: look up.").startswith("○ 学习率：还没有作答。提示：")
    assert language.say("no such message, anywhere") == "no such message, anywhere"


def test_an_arguments_name_stays_as_it_is_in_an_error(chinese):
    said = language.say("optimizer must be greater than 0, got -1.")
    assert said.startswith("optimizer ") and "0" in said and translate.CHINESE.search(said), said


def test_a_template_whose_parts_stay_english_gives_way_to_one_that_says_them(chinese):
    # "✗ {} = {} > {}" (a missed milestone) also fits this verdict, but leaves its parts in English
    said = language.say("✗ learning rate: the rate = 2 > 1 makes it diverge")
    assert said.startswith("✗ 学习率：")


def test_an_exercise_verdict_is_printed_in_chinese(chinese, capsys):
    checks.check_answer("learning rate", 0.1, 0.1, hint="-")
    checks.milestone("learning rate", 0.5, at_least=0.1)
    assert capsys.readouterr().out == "✓ 学习率：正确。\n✓ 学习率 ≥ 0.100\n"


def test_a_chart_says_its_titles_and_legend_in_chinese_and_keeps_its_fields():
    spec = {"title": "learning rate", "encoding": {
        "x": {"field": "epoch", "type": "quantitative", "title": "epoch"},
        "color": {"field": "series", "type": "nominal", "scale": {"domain": ["learning rate", "other"]}}}}
    said = translated_spec(spec, "zh")
    assert said["title"] == "学习率" and said["encoding"]["x"] == {"field": "epoch", "type": "quantitative", "title": "轮"}
    assert said["encoding"]["color"]["field"] == "series"
    assert said["encoding"]["color"]["scale"]["domain"] == ["学习率", "other"]
    assert worded_fields(spec) == {"series"}
    assert worded_fields({"encoding": {"x": {"field": "layer", "type": "nominal"}},
                          "title": {"text": {"expr": "data('accuracy')[0].network"}},
                          "transform": [{"filter": "datum.surface === shown"}],
                          "layer": [{"encoding": {"color": {"field": "surface", "type": "nominal"}}}]}) \
        == {"layer", "network"}  # the surface is compared by an expression: its values stay
    rows = translated_rows({"run": [{"epoch": 1, "series": "learning rate"}]}, {"series"}, "zh")
    assert rows == {"run": [{"epoch": 1, "series": "学习率"}]}
    assert translated_spec(spec, "en") is spec
    made_in_the_browser = {"title": {"text": {"expr": "'derivative of ' + data('curves')[0].label"}},
                           "layer": [{"encoding": {"color": {"datum": "by hand"}}}]}
    said = translated_spec(made_in_the_browser, "zh")
    assert said["title"]["text"]["expr"] == "'导数：' + data('curves')[0].label"
    assert said["layer"][0]["encoding"]["color"]["datum"] == "手算"


def test_the_offline_dataset_message_is_in_chinese(chinese):
    def no_network(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com: 404")
    with unittest.mock.patch.object(keras.datasets.mnist, "load_data", no_network), \
            unittest.mock.patch.object(data, "check_cache", lambda name: False):
        with pytest.raises(data.DatasetError) as raised:
            data._load_with_keras("mnist")
    message = str(raised.value)
    assert "中国大陆" in message and "python -m course_lib data import DIR" in message and "mnist.npz" in message
    assert not translate.in_english(message.replace("URL fetch failure on", ""))


def placeholders(text):
    """How many values a Chinese template takes ("{}" or "{0}"), by str.format's reading of it."""
    return len([field for _, field, _, _ in string.Formatter().parse(text) if field is not None])


def test_every_catalogue_entry_is_in_chinese_and_takes_its_templates_values():
    for path in sorted(language.MESSAGES.glob("*.yml")):
        for english, chinese in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            assert re.search("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", chinese) or chinese == english, \
                f"{path.name}: {english!r} → {chinese!r}"  # Chinese, full-width punctuation, or a name kept
            if language.PLACE.search(english):  # a template; a plain entry is said as it is, braces and all
                assert placeholders(chinese) == len(language.PLACE.findall(english)), \
                    f"{path.name}: {english!r} → {chinese!r}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_the_chinese_chapter_shows_the_library_in_chinese(source):
    """Every text the library put in the executed Chinese chapter (verdicts, panel titles, labels, captions,
    legends, notes: tools/translate.py's library_texts) is in Chinese, code and names aside."""
    assert translate.untranslated_messages([source.name[:2]]) == {}, \
        "run python tools/translate.py messages --again to see them, add them to course_lib/messages_zh/"


def test_the_check_finds_a_panel_left_in_english(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="✓ 学习率：正确。\n✗ the answer is not right yet\n")])])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {
        "a": {"model_name": "FloatSliderModel", "state": {"description": "学习率"}},
        "b": {"model_name": "HTMLModel", "state": {"value": "<b>Exponential decay of the rate</b>"}}}}}
    shown = [text for text in translate.library_texts(notebook) if translate.in_english(text)]
    assert shown == ["✗ the answer is not right yet", "<b>Exponential decay of the rate</b>"]


def test_a_figure_is_shown_with_its_words_in_chinese(chinese):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from course_lib import notebook

    figure = Figure()
    axes = figure.subplots()
    axes.plot([0, 1], [1, 0], label="learning rate")
    axes.set_title("learning rate")
    axes.set_xlabel("epoch")
    axes.legend()
    notebook.say_figure(figure)
    assert (axes.get_title(), axes.get_xlabel()) == ("学习率", "轮")
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["学习率"]


def test_an_error_is_shown_with_its_message_in_chinese(chinese):
    from course_lib import notebook

    class Shell:
        def set_custom_exc(self, kinds, handler):
            self.kinds, self.handler = kinds, handler

        def showtraceback(self, exc_tuple, tb_offset=None):
            self.shown = exc_tuple

    shell = Shell()
    notebook.say_errors_when_shown(shell)
    assert ValueError in shell.kinds
    shell.handler(shell, ValueError, ValueError("learning rate"), None)
    assert str(shell.shown[1]) == "学习率"
    untouched = ValueError("learning rate", 3)  # an error of several parts is left as it is
    assert notebook.say_error(untouched) is untouched and untouched.args == ("learning rate", 3)
