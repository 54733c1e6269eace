"""Every sentence about how TensorFlow or Keras behaves has a claim test, and every claim test its sentence.

The claim tests themselves are in ``tests/claims/`` (see its ``__init__``); this module binds
them to the prose in both directions.
"""

import importlib
import re

import jupytext
import pytest

from tests.claims import CLAIMS
from tests.helpers import ROOT

SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
for module in sorted((ROOT / "tests" / "claims").glob("test_*.py")):
    importlib.import_module(f"tests.claims.{module.stem}")

#: Words that make a sentence a statement about TensorFlow's or Keras' behaviour on some version.
TRIGGER = re.compile(r"\b(alias|aliases|by default|default|defaults|deprecated|removed|no longer|renamed|changed in|"
                     r"Keras 2|Keras 3|TensorFlow 2\.\d+|tf\.keras|older|since (?:version|Keras|TensorFlow)|"
                     r"resolve[sd]?|same order|reshuffle[sd]?|raises|in this version|installed)\b")
#: ...when the sentence names TensorFlow or Keras or one of their calls.
SUBJECT = re.compile(r"\b(Keras|TensorFlow|tf\.|keras\.|fit|GradientTape)")


def normalized(text):
    return re.sub(r"\s+", " ", text.replace("\n# ", "\n")).strip()


def prose(source):
    """The chapter's markdown as one line of text per cell."""
    return [normalized(cell.source) for cell in jupytext.read(source).cells if cell.cell_type == "markdown"]


def sentences(cells):
    return [sentence for cell in cells for sentence in re.split(r"(?<=[.!?:])\s+(?=[A-Z(*`])", cell)]


def unproven_sentences(cells, quotes):
    """The sentences of ``cells`` that state TensorFlow or Keras behaviour and hold none of ``quotes``."""
    return [sentence for sentence in sentences(cells)
            if TRIGGER.search(sentence) and SUBJECT.search(sentence)
            and not any(normalized(quote) in sentence for quote in quotes)]


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_every_behaviour_sentence_has_a_claim_test_and_every_claim_its_sentence(source):
    cells = prose(source)
    text = " ".join(cells)
    quotes = [quote for chapter, _, quote in CLAIMS if chapter == source.stem]
    missing = [quote for quote in quotes if normalized(quote) not in text]
    assert not missing, (f"claim tests quote sentences {source.stem} no longer has: {missing}; the sentence "
                         "was rewritten: check the test still proves it and quote the new wording")
    unproven = unproven_sentences(cells, quotes)
    assert not unproven, (f"{source.stem} states TensorFlow/Keras behaviour without a claim test in "
                          f"tests/claims/test_{source.stem}.py: " + " | ".join(unproven))


def test_a_planted_behaviour_sentence_without_a_test_fails():
    cells = ["The loss is `tf.losses.mean_squared_error`, an alias of the Keras function. It trains well."]
    assert unproven_sentences(cells, []) == [cells[0].split(" It")[0]]
    assert unproven_sentences(cells, ["an alias of the Keras function"]) == []


def test_every_claim_names_an_existing_chapter():
    stems = {source.stem for source in SOURCES}
    assert CLAIMS and all(chapter in stems for chapter, _, _ in CLAIMS)
