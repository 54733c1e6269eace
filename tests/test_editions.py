"""The Chinese edition says what the English says, in Chinese, and runs the same code (issue #31).

Each chapter's Chinese text is a catalogue, ``notebooks/src/zh/NN_topic.yml`` (tools/translate.py),
keyed by the English cells; these tests hold the catalogue to the English chapter: nothing missing
or stale (a section added in English fails), every cell and comment in Chinese, the same formulas,
code spans, numbers, links and headings, and the glossary's term wherever the English uses a term.
"""

import collections
import configparser
import functools
import re

import jupytext
import nbformat
import pytest

from course_lib import glossary, language
from tests import prose_numbers
from tests.helpers import ROOT
from tools import execute_notebooks, translate

SOURCES = translate.chapter_sources()
CHINESE = translate.CHINESE
#: Two English words in a row: a comment saying something, which the Chinese edition translates.
ENGLISH_PHRASE = translate.ENGLISH_PHRASE


def pairs(source):
    """``(English, Chinese)`` text of every Markdown cell of the chapter."""
    notebook = jupytext.read(source)
    cells, _ = translate.read_catalogue(source)
    return [(c.source, cells.get(translate.cell_key(c.source), "")) for c in notebook.cells if c.cell_type == "markdown"]


def without_code(markdown):
    """``markdown`` without formulas, inline and fenced code, and link targets: the words a reader reads."""
    text = re.sub(r"\$\$.*?\$\$|\$[^$]+?\$", " ", markdown, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def kept_parts(markdown):
    """What a translation keeps as it is: display and inline formulas, code spans and link targets."""
    return collections.Counter(re.findall(r"\$\$.*?\$\$|\$[^$]+?\$|`[^`\n]*`|\]\([^)]*\)", markdown, flags=re.S))


def heading_levels(markdown):
    return [len(m) for m in re.findall(r"^(#+)\s", markdown, flags=re.M)]


def mistranslations(english, chinese):
    """What the Chinese cell ``chinese`` of the English cell ``english`` gets wrong, as sentences."""
    problems = []
    if ENGLISH_PHRASE.search(without_code(english)) and not CHINESE.search(chinese):
        problems.append("not translated")
    if heading_levels(english) != heading_levels(chinese):
        problems.append(f"headings {heading_levels(english)} became {heading_levels(chinese)}")
    lost, added = kept_parts(english) - kept_parts(chinese), kept_parts(chinese) - kept_parts(english)
    if lost or added:
        problems.append(f"formulas, code or links changed: lost {sorted(lost)}, added {sorted(added)}")
    numbers_en = collections.Counter(prose_numbers.prose_numbers(english)[0])
    numbers_zh = collections.Counter(n.replace(" %", "%") for n in prose_numbers.prose_numbers(chinese)[0])
    numbers_en = collections.Counter(n.replace(" %", "%") for n in numbers_en.elements())
    if set(numbers_en) != set(numbers_zh):
        problems.append(f"numbers changed: lost {sorted(set(numbers_en) - set(numbers_zh))}, "
                        f"added {sorted(set(numbers_zh) - set(numbers_en))}")
    prose = without_code(english)
    for term in glossary.terms():
        if re.search(rf"\b{re.escape(term.english)}(?:s|es)?\b", prose, re.IGNORECASE) and term.chinese not in chinese:
            problems.append(f"'{term.english}' is not rendered as the glossary's {term.chinese}")
    return problems


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_the_catalogue_has_every_cell_and_comment_of_the_english_and_nothing_else(source):
    missing, unused = translate.status(source)
    assert not missing and not unused, (
        f"notebooks/src/zh/{source.stem}.yml: {len(missing)} English cells or comments without Chinese "
        f"{[m.splitlines()[0][:60] for m in missing.values()]}, {len(unused)} entries no English cell has "
        f"{unused}: run python tools/translate.py status {source.name[:2]}")


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_every_cell_says_in_chinese_what_the_english_says(source):
    found = {english.splitlines()[0][:60]: problems for english, chinese in pairs(source)
             if (problems := mistranslations(english, chinese))}
    assert not found, f"notebooks/src/zh/{source.stem}.yml: {found}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_every_comment_is_in_chinese(source):
    _, comment_text = translate.read_catalogue(source)
    untranslated = [english for english, chinese in comment_text.items()
                    if ENGLISH_PHRASE.search(english) and not CHINESE.search(str(chinese))]
    assert not untranslated, f"notebooks/src/zh/{source.stem}.yml: comments still in English: {untranslated}"


def test_the_checks_catch_a_planted_mistranslation():
    english = ("## The learning rate (学习率)\n\nA rate of 0.1 gives `w = 0.4` after $t$ steps; "
               "see [chapter 05](05_losses.ipynb).")
    good = "## 学习率\n\n学习率取 0.1 时，$t$ 步后得到 `w = 0.4`；见[第 05 章](05_losses.ipynb)。"
    assert mistranslations(english, good) == []
    assert "not translated" in mistranslations(english, english.replace("学习率", "rate"))
    assert any(p.startswith("numbers changed") for p in mistranslations(english, good.replace("0.1", "0.2")))
    assert any(p.startswith("formulas") for p in mistranslations(english, good.replace("$t$", "t")))
    assert any(p.startswith("headings") for p in mistranslations(english, good.replace("## ", "")))
    assert any("glossary" in p for p in mistranslations(english, good.replace("学习率", "步长")))
    assert translate.without_comments("x = 1  # one\n# a line\ny = 2") == "x = 1\n\ny = 2"


# The executed Chinese notebooks: the English code, the catalogue's text, outputs of their own run.

EDITIONS = translate.EDITIONS


@functools.lru_cache(maxsize=1)
def sanitizers():
    """nbval's sanitizers (tests/nbval_sanitize.cfg): what may differ between two runs of a chapter."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    return [(re.compile(parser[name]["regex"]), parser[name]["replace"]) for name in parser.sections()]


def sanitized(text):
    for pattern, replacement in sanitizers():
        text = pattern.sub(replacement, text)
    return text


def stored(edition, source):
    return nbformat.read(EDITIONS[edition] / f"{source.stem}.ipynb", as_version=4)


def edition_differences(english, chinese, expected):
    """How the Chinese notebook differs from the English one other than in text: code, tags, cells."""
    problems = []
    if [c.cell_type for c in english.cells] != [c.cell_type for c in chinese.cells]:
        return ["the cells are not the same kinds in the same order"]
    for number, (en, zh, built) in enumerate(zip(english.cells, chinese.cells, expected.cells), start=1):
        if zh.source != built.source:
            problems.append(f"cell {number} is not the catalogue's text or the English code: run make execute")
        if en.cell_type == "code" and translate.without_comments(en.source) != translate.without_comments(zh.source):
            problems.append(f"cell {number}: the code differs from the English edition's")
        if en.metadata.get("tags", []) != zh.metadata.get("tags", []):
            problems.append(f"cell {number}: tags {zh.metadata.get('tags')} differ from {en.metadata.get('tags')}")
    return problems


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_the_chinese_notebook_runs_the_english_code_with_the_catalogues_text(source):
    expected = execute_notebooks.build(source, "zh")
    problems = edition_differences(stored("en", source), stored("zh", source), expected)
    assert not problems, f"notebooks/zh/{source.stem}.ipynb: {problems}"


def executed_runs(notebook):
    """The start time of each code cell's execution as stored by nbclient (None where it was not run)."""
    return [cell.metadata.get("execution", {}).get("iopub.execute_input")
            for cell in notebook.cells if cell.cell_type == "code"]


def output_texts(cell):
    """What a code cell's outputs say in text, display by display (nbval's view: no widgets; a run of stdout
    streams as one, since where a stream is cut depends on timing)."""
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            if texts and texts[-1][0] == "stdout":
                texts[-1] = ("stdout", texts[-1][1] + output["text"])
            else:
                texts.append(("stdout", output["text"]))
        elif output.get("output_type") in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" not in data:
                texts += [(kind, data[kind]) for kind in ("text/plain", "text/html") if kind in data]
        elif output.get("output_type") == "error":
            texts.append(("error", output.get("ename", "")))
    return texts


def said_alike(english, chinese):
    """Whether ``chinese`` is ``english`` with each of the library's lines said in Chinese (course_lib.language)."""
    if sanitized(english) == sanitized(chinese):
        return True
    en_lines, zh_lines = english.split("\n"), chinese.split("\n")
    return len(en_lines) == len(zh_lines) and all(
        sanitized(zh) in (sanitized(en), sanitized(language.say(en, "zh"))) for en, zh in zip(en_lines, zh_lines))


def output_differences(english, chinese):
    """The code cells whose Chinese outputs are not the English ones with the library's words in Chinese."""
    found = []
    code = [(en, zh) for en, zh in zip(english.cells, chinese.cells) if en.cell_type == "code"]
    for number, (en, zh) in enumerate(code, start=1):
        if "nbval-ignore-output" in en.metadata.get("tags", []):
            continue
        en_texts, zh_texts = output_texts(en), output_texts(zh)
        if [kind for kind, _ in en_texts] != [kind for kind, _ in zh_texts] or not all(
                said_alike(a, b) for (_, a), (_, b) in zip(en_texts, zh_texts)):
            found.append((number, en.source.splitlines()[0][:50]))
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_the_chinese_outputs_come_from_a_run_of_their_own_and_match_the_english(source):
    """Every code cell of the Chinese notebook was executed (at other times than the English one's: not copied),
    and prints what the English prints, with the library's own lines in Chinese; nbval holds the English to a
    fresh run, and ``make test`` runs the Chinese chapters of ZH_NBVAL (conftest.py) through nbval too."""
    english, chinese = stored("en", source), stored("zh", source)
    runs = executed_runs(chinese)
    assert None not in runs, f"notebooks/zh/{source.stem}.ipynb has cells that were not executed: run make execute"
    assert not set(runs) & set(executed_runs(english)), "the Chinese outputs carry the English run's times"
    assert output_differences(english, chinese) == []


def test_the_edition_checks_catch_planted_differences(tmp_path):
    """Same code: a code cell changed in the Chinese notebook alone fails, a comment changed does not.
    Drift: an English section without its Chinese counterpart is missing from the catalogue, and the build refuses it."""
    source = next(path for path in SOURCES if path.name.startswith("03_"))
    english = stored("en", source)
    built = execute_notebooks.build(source, "zh")
    chinese = nbformat.from_dict(built)
    assert edition_differences(english, chinese, built) == []
    code = next(index for index, cell in enumerate(chinese.cells) if cell.cell_type == "code" and "#" in cell.source)
    chinese.cells[code].source = chinese.cells[code].source.replace("#", "# 另一条注释 #", 1)
    assert edition_differences(english, chinese, chinese) == []
    chinese.cells[code].source += "\nlearning_rate = 0.5"
    assert f"cell {code + 1}: the code differs from the English edition's" in \
        edition_differences(english, chinese, chinese)

    planted = tmp_path / source.name
    planted.write_text(source.read_text(encoding="utf-8")
                       + "\n# %% [markdown]\n# ## A new section\n#\n# Said only in English.\n", encoding="utf-8")
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / f"{source.stem}.yml").write_text(
        translate.catalogue_path(source).read_text(encoding="utf-8"), encoding="utf-8")
    original = translate.CATALOGUES
    translate.CATALOGUES = tmp_path / "zh"
    try:
        missing, unused = translate.status(planted)
        assert list(missing.values()) == ["## A new section\n\nSaid only in English."] and unused == []
        with pytest.raises(translate.MissingTranslation, match="A new section"):
            translate.translated(jupytext.read(planted), planted)
    finally:
        translate.CATALOGUES = original
