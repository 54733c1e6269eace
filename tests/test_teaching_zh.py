"""docs/teaching.zh-CN.md, the instructors' guide in Chinese (issue #31), cannot drift from docs/teaching.md.

Its sections are the English guide's sections, its code blocks and code spans (the commands, paths,
settings) are the English ones, its links go where the English links go (its README is
README.zh-CN.md, and each guide links the other), its generated tables are what the tools write
(the same figures, with Chinese words and the Chinese chapters' titles), and every term of the
glossary that the English guide uses appears in the Chinese guide in its Chinese form.
"""

import json
import re
from collections import Counter

import pytest

from course_lib import glossary
from tools import chapter_table, guide_tables, sizing

ENGLISH = chapter_table.GUIDE.read_text(encoding="utf-8")
CHINESE = chapter_table.GUIDE_ZH.read_text(encoding="utf-8")
#: Code spans only the Chinese guide has: where the Chinese edition's chapters are (notebooks/zh/).
CHINESE_ONLY_SPANS = {"notebooks/", "notebooks/zh/", "notebooks/zh/*.ipynb", "notebooks/zh/00_welcome.ipynb",
                      "tf-course/notebooks/zh/"}
#: The file a Chinese link points to and the one the English link points to instead.
LINK_TARGETS = {"README.zh-CN.md": "README.md", "teaching.md": "teaching.zh-CN.md",
                "teaching.zh-CN.md": "teaching.md"}
TABLE = re.compile(r"(<!-- (.+?) table: (tools/\w+\.py) -->\n)(.*?)(<!-- end of \2 table -->)", re.S)
FENCE = re.compile(r"^```.*?^```[ \t]*$", re.S | re.M)


def tables(text):
    """The generated tables of a guide: {name: table}."""
    return {match.group(2): match.group(4) for match in TABLE.finditer(text)}


def prose(text):
    """A guide without its fenced blocks and without the contents of its generated tables."""
    return FENCE.sub("", TABLE.sub(lambda match: match.group(1) + match.group(5), text))


def headings(text):
    """The levels of the ## and ### headings, in order."""
    return [line.split(" ", 1)[0] for line in FENCE.sub("", text).splitlines() if re.match(r"#{2,3} ", line)]


def code_spans(text):
    """The code spans of the prose, whitespace collapsed (a span may be wrapped over lines)."""
    return {" ".join(span.split()) for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", prose(text))}


def link_targets(text):
    return set(re.findall(r"\]\(([^)\s]+)\)", prose(text)))


def english_target(target):
    """Where the English guide links for a Chinese link to ``target`` (a path keeps its folder)."""
    folder, slash, name = target.rpartition("/")
    return folder + slash + LINK_TARGETS.get(name, name)


def numbers(table):
    return re.findall(r"\d+(?:\.\d+)?", table)


def terms_used(text):
    """The glossary's terms an English text uses (a plural too), code spans and link targets aside."""
    words = re.sub(r"\]\([^)]*\)", "]", re.sub(r"`[^`]+`", " ", text))
    return [term for term in glossary.terms()
            if re.search(rf"\b{re.escape(term.english)}(?:s|es)?\b", words, re.IGNORECASE)]


# --- the checks, each giving what differs (nothing when the guides agree) ---

def section_difference(english, chinese):
    return None if headings(english) == headings(chinese) else (headings(english), headings(chinese))


def code_difference(english, chinese):
    """The code spans one guide has and the other not, and the fenced blocks (in order) when they differ."""
    spans = (code_spans(chinese) - CHINESE_ONLY_SPANS) ^ code_spans(english)
    return spans | {"(fenced blocks differ)"} if FENCE.findall(english) != FENCE.findall(chinese) else spans


def link_difference(english, chinese):
    return set(map(english_target, link_targets(chinese))) ^ link_targets(english)


def current(text, language, results=None):
    """A guide with the tables the tools write now."""
    guide = guide_tables.GUIDES[language]
    text = chapter_table.with_tables(text, chapter_table.tables(language=language), guide)
    return sizing.with_tables(text, sizing.tables(results, language=language), guide)


def stale_tables(chinese, results=None):
    """The names of the Chinese guide's tables that are not what the tools write now."""
    fresh = tables(current(chinese, "zh", results))
    return sorted(name for name in fresh if fresh[name] != tables(chinese).get(name))


def number_difference(english, chinese):
    return sorted(name for name, table in tables(english).items()
                  if numbers(table) != numbers(tables(chinese).get(name, "")))


def missing_terms(english, chinese):
    return sorted(term.chinese for term in terms_used(english) if term.chinese not in chinese)


# --- the tests ---

def test_each_guide_links_the_other():
    assert "[中文版](teaching.zh-CN.md)" in "\n".join(ENGLISH.splitlines()[:3])
    assert "[English](teaching.md)" in "\n".join(CHINESE.splitlines()[:3])


def test_the_same_sections():
    assert Counter(headings(ENGLISH)) == Counter(headings(CHINESE)) and headings(ENGLISH).count("##") > 5
    assert section_difference(ENGLISH, CHINESE) is None


def test_the_same_code_blocks_and_commands():
    assert len(code_spans(ENGLISH)) > 100
    assert not code_difference(ENGLISH, CHINESE), "a command, path or setting differs: change both guides"


def test_the_same_links():
    assert len(link_targets(ENGLISH)) >= 4
    assert english_target("../README.zh-CN.md") == "../README.md"
    assert not link_difference(ENGLISH, CHINESE)


def test_the_chinese_tables_are_the_tools_tables():
    assert sorted(tables(CHINESE)) == sorted(tables(ENGLISH)) == ["class at once", "lectures", "panels", "sizing"]
    assert not stale_tables(CHINESE), \
        "docs/teaching.zh-CN.md is out of date: run python tools/chapter_table.py (it rewrites the sizing tables too)"


def test_the_tables_hold_the_same_numbers():
    assert not number_difference(ENGLISH, CHINESE)


def test_the_chinese_tables_are_in_chinese():
    lectures = tables(CHINESE)["lectures"]
    assert lectures.startswith("| 章节 | 阅读 |") and " min |" not in lectures
    assert "没有训练面板" in tables(CHINESE)["sizing"] and "Per student" not in tables(CHINESE)["sizing"]
    assert "In the latest run" not in tables(CHINESE)["class at once"]


def test_every_glossary_term_of_the_english_guide_is_in_the_chinese():
    assert len(terms_used(ENGLISH)) >= 5
    assert not missing_terms(ENGLISH, CHINESE)


def test_the_titles_come_from_the_chinese_chapters(tmp_path, monkeypatch):
    lectures = tables(current(CHINESE, "zh"))["lectures"]
    for path in chapter_table.chapters():
        english = chapter_table.chapter_title(chapter_table.nbformat.read(path, as_version=4))
        title = guide_tables.zh_title(path.stem, english)
        assert f"| {title} |" in lectures
        if (guide_tables.ZH_NOTEBOOKS / path.name).exists():
            cells = json.loads((guide_tables.ZH_NOTEBOOKS / path.name).read_text(encoding="utf-8"))["cells"]
            first = next(cell for cell in cells if cell["cell_type"] == "markdown")
            assert f"# {title}" in "".join(first["source"]).splitlines()
    # a chapter without a Chinese notebook keeps its English title; one with a Chinese heading takes it
    monkeypatch.setattr(guide_tables, "ZH_NOTEBOOKS", tmp_path)
    assert guide_tables.zh_title("00_welcome", "00 Welcome") == "00 Welcome"
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# 00 欢迎\n", "\n", "正文"]}]
    (tmp_path / "00_welcome.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert guide_tables.zh_title("00_welcome", "00 Welcome") == "00 欢迎"


def test_a_table_word_without_chinese_is_refused():
    with pytest.raises(KeyError, match="no Chinese"):
        guide_tables.say("zh")("a word the tools never wrote")


def test_the_drift_checks_catch_a_planted_difference():
    # planted in the guides as the tools write them now, so that this holds even while a guide is out of date
    english, chinese = current(ENGLISH, "en"), current(CHINESE, "zh")
    assert not stale_tables(chinese) and not number_difference(english, chinese)
    section = chinese.index("### ")
    assert section_difference(english, chinese[:section] + chinese[section + 4:])  # a ### heading removed
    assert {"make homework", "make grading"} <= code_difference(english,
                                                               chinese.replace("`make homework`", "`make grading`"))
    assert "(fenced blocks differ)" in code_difference(english, chinese + "\n```bash\nmake lab\n```\n")
    assert link_difference(english, chinese.replace("(classroom_check.md)", "(classroom_check.zh-CN.md)"))
    assert stale_tables(chinese.replace(" 分钟 |", " 分钟（改动）|", 1)) == ["lectures"]
    results = sizing.saved()
    changed = json.loads(json.dumps(results))
    next(iter(changed["chapters"].values()))["run_all"]["peak_rss_mb"] += 1
    assert stale_tables(chinese, changed) == ["sizing"]
    one_more = re.sub(r"\| (\d+) MB \|", lambda match: f"| {int(match.group(1)) + 1} MB |", chinese, count=1)
    assert number_difference(english, one_more) == ["sizing"]
    assert missing_terms(english, chinese.replace("优化器", "optimizer")) == ["优化器"]
