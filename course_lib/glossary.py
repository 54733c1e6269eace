"""The course's terms in English and Chinese (术语表): one list, kept as data, for every edition.

``glossary.csv`` beside this file holds each term once: its English and Chinese names, the
chapter that introduces it, and whether the source course (人工智能实践：Tensorflow 笔记) uses
that Chinese term (``in_source``); where it does not, the term is the one Chinese textbooks
use. Chapter 00 prints the table, and tests/test_glossary.py holds every chapter's Chinese
glosses to it, so that one term is never rendered two ways.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

#: The glossary's data: english, chinese, chapter, in_source (yes or no).
GLOSSARY_FILE = Path(__file__).with_name("glossary.csv")


@dataclass(frozen=True)
class Term:
    """One term: its English and Chinese names, its chapter ("01" ...), and whether the source uses the Chinese."""

    english: str
    chinese: str
    chapter: str
    in_source: bool


def terms():
    """Every term of the glossary, in the order of the chapters that introduce them."""
    with GLOSSARY_FILE.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [Term(row["english"], row["chinese"], row["chapter"], row["in_source"] == "yes") for row in rows]


def table():
    """The glossary as a Markdown table (shown as one in a notebook), one row per term. Shown in chapter 00."""
    from IPython.display import Markdown

    rows = [f"| {term.english} | {term.chinese}{'' if term.in_source else ' *'} | {term.chapter} |"
            for term in terms()]
    return Markdown("\n".join(["| English | 中文 | chapter |", "|---|---|---|", *rows]))
