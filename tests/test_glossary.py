"""One rendering per term (issue #31): the glossary is the data, the chapters follow it.

A chapter glosses a term in prose as ``learning rate (学习率)``; that gloss must hold the
glossary's Chinese term. Headings are left out: their glosses translate the whole heading
("each at its best learning rate (固定预算下的比较)"), not one term.
"""

import re

import pytest

from course_lib import glossary
from tests.helpers import ROOT

SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
SEEDS = ROOT.parent / "shared" / "seeds"
CHINESE = "\u4e00-\u9fff"


def gloss_pattern(english):
    """``english`` (or its plural), perhaps in bold or code, then a parenthesis holding Chinese: the gloss."""
    return re.compile(rf"\b{re.escape(english)}(?:s|es)?\W{{0,3}}\s*\(([^()]*[{CHINESE}][^()]*)\)", re.IGNORECASE)


def other_renderings(lines, terms):
    """``(line number, English, gloss, glossary's Chinese)`` for every prose gloss of a term that lacks its term."""
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#") or line.startswith("# #"):  # prose of a Markdown cell, not a heading
            continue
        for term in terms:
            found += [(number, term.english, gloss, term.chinese)
                      for gloss in gloss_pattern(term.english).findall(line) if term.chinese not in gloss]
    return found


def test_the_glossary_has_one_row_per_term_and_a_chapter_for_each():
    terms = glossary.terms()
    assert len(terms) > 40
    assert len({term.english for term in terms}) == len(terms) and len({term.chinese for term in terms}) == len(terms)
    chapters = {source.name[:2] for source in SOURCES}
    assert {term.chapter for term in terms} <= chapters
    assert all(re.fullmatch(rf"[{CHINESE}]+", term.chinese) for term in terms)


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_every_chapter_glosses_a_term_as_the_glossary_does(source):
    found = other_renderings(source.read_text(encoding="utf-8").splitlines(), glossary.terms())
    assert not found, (f"{source.name} renders glossary terms otherwise (line, English, gloss, glossary's term); "
                       f"use course_lib/glossary.csv's term or change it there: {found}")


def test_the_check_catches_a_planted_rendering():
    terms = glossary.terms()
    lines = ["# A run stops with **early stopping** (提前停止) when the validation loss rises.",
             "# ### Fixing it: dropout and early stopping (Dropout 与提前停止)",  # a heading: its own translation
             "# the learning rate (学习率) and the learning rates (学习率) again"]
    assert other_renderings(lines, terms) == [(1, "early stopping", "提前停止", "早停")]


def test_in_source_says_whether_the_source_course_uses_the_term():
    if not SEEDS.is_dir():
        pytest.skip(f"the source course's texts are not beside the project ({SEEDS})")
    seeds = "".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    wrong = [term.chinese for term in glossary.terms() if (term.chinese in seeds) != term.in_source]
    assert not wrong, f"in_source is wrong in course_lib/glossary.csv for {wrong}"


def test_chapter_00_shows_the_glossary_from_the_data():
    text = glossary.table().data
    assert text.startswith("| English | 中文 | chapter |")
    assert "| learning rate | 学习率 | 03 |" in text and "| early stopping | 早停 * | 06 |" in text
    assert "glossary.table()" in (ROOT / "notebooks" / "src" / "00_welcome.py").read_text(encoding="utf-8")
