"""The language the course speaks to a student: English, or Simplified Chinese for the Chinese chapters.

The Chinese chapters (``notebooks/zh/``) run the same code as the English ones, so the library
cannot be told the language by a line of code; it reads it from where the kernel runs. A kernel
started in a folder named ``zh`` (JupyterLab starts a notebook's kernel in the notebook's
folder) speaks Chinese; ``COURSE_LANGUAGE=zh`` or ``=en`` in the environment decides otherwise.

Everything the library shows a student passes through :func:`say` at the few places where
text leaves it (a panel's title, labels, chart and caption; an exercise's printed verdict; the
kernel note; error captions). The English text is the key: the Chinese comes from
``messages_zh/`` (one file per topic, as ``course_lib``'s modules), or from the glossary for a term alone ("learning rate" → 学习率). A message
with values in it is a template there, ``"✓ {}: correct."``, whose ``{}`` parts are translated in
turn, so numbers stay as they are and a name inside a sentence is translated too; a ``{=}`` part
(an argument's name in an error) stays as it is.
"""

import functools
import os
import re
from pathlib import Path

import yaml

from course_lib import glossary

LANGUAGES = ("en", "zh")
MESSAGES = Path(__file__).with_name("messages_zh")
#: How deep the parts of a template are translated in turn (a name in a hint in a verdict).
MAX_DEPTH = 4
#: Two English words in a row: a part of a template that is words to translate, not a value.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")


def current():
    """``"zh"`` or ``"en"``: ``COURSE_LANGUAGE`` if set, else ``"zh"`` in a folder named ``zh``."""
    chosen = os.environ.get("COURSE_LANGUAGE", "").strip().lower()
    if chosen:
        if chosen not in LANGUAGES:
            raise ValueError(f"COURSE_LANGUAGE must be one of {LANGUAGES}, not {chosen!r}")
        return chosen
    try:
        return "zh" if Path.cwd().name == "zh" else "en"
    except OSError:  # the folder was removed under the kernel
        return "en"


@functools.lru_cache(maxsize=1)
def catalogue():
    """``(exact, templates)``: Chinese by English message, and ``(pattern, Chinese)`` for messages with values."""
    loaded = {}
    for path in sorted(MESSAGES.glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(entries, dict):
            raise ValueError(f"{path.name}: a mapping of English message → Chinese is expected")
        loaded.update({str(english): str(chinese) for english, chinese in entries.items()})
    exact = {english: chinese for english, chinese in loaded.items() if not PLACE.search(english)}
    for term in glossary.terms():
        exact.setdefault(term.english, term.chinese)
        exact.setdefault(term.english[:1].upper() + term.english[1:], term.chinese)
    templates = [(_template_pattern(english), chinese) for english, chinese in loaded.items() if PLACE.search(english)]
    templates.sort(key=lambda pair: -len(pair[0].pattern))  # the most specific first
    return exact, templates


#: A value in a template: ``{}`` (translated in turn) or ``{=}`` (kept as it is: an argument's name).
PLACE = re.compile(r"\{=?\}")


def _template_pattern(english):
    """The regular expression of a template: its text as it is, each ``{}`` any text (as little as fits), each
    ``{=}`` too, in a named group (``keep0``...) so that it is not translated."""
    parts = [re.escape(part) for part in PLACE.split(english)]
    groups = ["(?P<keep%d>.+?)" % index if place == "{=}" else "(.+?)"
              for index, place in enumerate(PLACE.findall(english))]
    return re.compile("".join(part + group for part, group in zip(parts, groups + [""])), re.DOTALL)


@functools.lru_cache(maxsize=65536)
def translation(text, depth=0):
    """The Chinese of the English ``text``, or None when the catalogue has none."""
    exact, templates = catalogue()
    if text in exact:
        return exact[text]
    if depth >= MAX_DEPTH:
        return None
    best = None  # (how much English it leaves, the text said): a later template may split the text better
    for pattern, chinese in templates:
        match = pattern.fullmatch(text)
        if match:
            kept = set(pattern.groupindex.values())  # the {=} parts, by their group's number
            parts = [(part, None if number in kept else translation(part, depth + 1))
                     for number, part in enumerate(match.groups(), start=1)]
            left = sum(len(part) for part, found in parts if found is None and ENGLISH_PHRASE.search(part))
            said = chinese.format(*(part if found is None else found for part, found in parts))
            if not left:
                return said
            if best is None or left < best[0]:
                best = (left, said)
    return best and best[1]


def say(text, language=None):
    """``text`` in the student's language: itself in English, or its Chinese (itself when there is none)."""
    if not isinstance(text, str) or not text or (language or current()) == "en":
        return text
    found = translation(text)
    return text if found is None else found


def show(text):
    """Print ``text`` in the student's language."""
    print(say(text))
