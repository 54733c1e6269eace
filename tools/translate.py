"""The Chinese edition of the chapters, built from the English source and a catalogue of text.

A chapter has one source of code, ``notebooks/src/NN_topic.py``. Its Chinese text lives in
``notebooks/src/zh/NN_topic.yml``: each Markdown cell's translation under the key of the English
cell (the first 10 hex digits of its SHA-1), and each code comment's translation under the
English comment. The Chinese notebook is the English one with that text put in, so the two
editions cannot differ in code; a changed or added English cell has no key in the catalogue and
the build names it (``tests/test_editions.py`` fails the same way).

    python tools/translate.py status [03 05]     # what each catalogue lacks or no longer needs
    python tools/translate.py template 03        # add the missing entries (English text, to translate)
    python tools/translate.py messages [03]      # what the library still says in English in notebooks/zh/
    python tools/translate.py messages --again   # ... would still say, if executed with today's catalogue

The library's own words (panels, exercise verdicts) come from ``course_lib/messages_zh/`` (one file per topic)
(course_lib.language); ``messages`` lists those the executed Chinese chapters still show in English.
"""

import argparse
import ast
import hashlib
import html
import io
import re
import sys
import tokenize
from pathlib import Path

import jupytext
import nbformat
import yaml

from course_lib import language

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "notebooks" / "src"
CATALOGUES = SOURCES / "zh"
#: Each edition's folder of executed chapters; a kernel started in ``zh`` speaks Chinese (course_lib.language).
EDITIONS = {"en": ROOT / "notebooks", "zh": ROOT / "notebooks" / "zh"}


#: A line break between two Chinese characters: Markdown keeps it as a space, which Chinese does not have.
JOINED_LINE = re.compile("(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\n(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


class MissingTranslation(ValueError):
    """A catalogue lacks the translation of some English text of its chapter."""


def cell_key(source):
    """The key of a Markdown cell in a catalogue: its English text's SHA-1, first 10 hex digits."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


def comments(code):
    """The comments of a code cell, without their ``#`` and the space after it, in order."""
    return [text for _, text in _comment_tokens(code)]


def _comment_tokens(code):
    """``((row, column), text)`` of each comment token of ``code``; IPython magics are read as comments' neighbours."""
    lines = [line if not line.lstrip().startswith(("%", "!")) else "\n" * line.endswith("\n")
             for line in code.splitlines(keepends=True)]
    found = []
    for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start, token.string[1:].strip()))
    return found


def without_comments(code):
    """``code`` with every comment removed and trailing spaces dropped: what both editions must share."""
    return _replace_comments(code, lambda text: None)


def _replace_comments(code, replacement):
    """``code`` with each comment's text replaced by ``replacement(text)`` (None removes the comment)."""
    lines = code.split("\n")
    for (row, column), text in reversed(_comment_tokens(code)):
        line = lines[row - 1]
        new = replacement(text)
        lines[row - 1] = (line[:column] + f"# {new}") if new is not None else line[:column].rstrip()
    return "\n".join(lines)


def catalogue_path(source):
    return CATALOGUES / f"{source.stem}.yml"


def read_catalogue(source):
    """``(cells, comments)``: the chapter's Chinese text by cell key, and by English comment."""
    path = catalogue_path(source)
    if not path.exists():
        return {}, {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{path.name}: a mapping with 'cells' and 'comments' is expected")
    return dict(loaded.get("cells") or {}), dict(loaded.get("comments") or {})


def translated(notebook, source):
    """A copy of the English ``notebook`` of ``source`` with its Chinese text; MissingTranslation names what lacks it."""
    cells, comment_text = read_catalogue(source)
    copy = jupytext.reads(jupytext.writes(notebook, fmt="ipynb"), fmt="ipynb")
    missing = []
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            key = cell_key(cell.source)
            if key in cells:
                cell.source = JOINED_LINE.sub("", cells[key].rstrip("\n"))
            else:
                missing.append(f"cell {key}: {cell.source.splitlines()[0][:70]}")
        elif cell.cell_type == "code":
            absent = [text for text in comments(cell.source) if text not in comment_text]
            missing += [f"comment: {text}" for text in absent]
            if not absent:
                cell.source = _replace_comments(cell.source, lambda text: comment_text[text])
    if missing:
        raise MissingTranslation(f"{catalogue_path(source)} lacks {len(missing)} translation(s) "
                                 f"(run python tools/translate.py template {source.name[:2]}):\n  "
                                 + "\n  ".join(missing))
    copy.metadata["language"] = "zh-CN"
    return copy


def status(source):
    """``(missing, unused)`` keys of the chapter's catalogue: English text without Chinese, Chinese without English."""
    notebook = jupytext.read(source)
    cells, comment_text = read_catalogue(source)
    english_cells = {cell_key(c.source): c.source for c in notebook.cells if c.cell_type == "markdown"}
    english_comments = {text: text for c in notebook.cells if c.cell_type == "code" for text in comments(c.source)}
    missing = {**{k: v for k, v in english_cells.items() if k not in cells},
               **{k: v for k, v in english_comments.items() if k not in comment_text}}
    unused = [k for k in cells if k not in english_cells] + [k for k in comment_text if k not in english_comments]
    return missing, unused


class _Block(yaml.SafeDumper):
    """Writes multi-line text as a ``|`` block, so that a catalogue reads like the chapter."""


_Block.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def template(source):
    """Add the English text of every missing entry to the chapter's catalogue, in the chapter's order."""
    notebook = jupytext.read(source)
    cells, comment_text = read_catalogue(source)
    new_cells, new_comments = {}, {}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            key = cell_key(cell.source)
            new_cells[key] = cells.get(key, cell.source + "\n")
        elif cell.cell_type == "code":
            for text in comments(cell.source):
                new_comments[text] = comment_text.get(text, text)
    path = catalogue_path(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (f"# Chinese text of notebooks/src/{source.name} (python tools/translate.py): each Markdown cell under\n"
              "# the key of its English text, each code comment under the English comment.\n")
    body = yaml.dump({"cells": new_cells, "comments": new_comments}, Dumper=_Block, allow_unicode=True,
                     sort_keys=False, width=1000)
    path.write_text(header + body, encoding="utf-8")
    return path


#: Names that stay as they are in Chinese text: APIs, datasets, activations, optimizers.
NAMES = ("Leaky ReLU", "Fashion-MNIST", "Functional API", "Sequential API")
CHINESE = re.compile("[\u4e00-\u9fff]")
#: Two English words in a row: text that says something in English (as course_lib.language reads a part).
ENGLISH_PHRASE = language.ENGLISH_PHRASE
#: The lines a chapter prints that come from the library: exercise verdicts, hints, warnings.
LIBRARY_LINE = re.compile(r"^\s*(?:✓|✗|○|⚠|⏹|Hint|Why:)")


def in_english(text):
    """Whether ``text`` (HTML or plain) says something in English, code and the course's NAMES aside."""
    text = html.unescape(re.sub(r"<code>.*?</code>|<[^>]+>", " ", text, flags=re.S))
    text = re.sub(r"`[^`]*`", " ", text)
    for name in NAMES:
        text = text.replace(name, " ")
    return bool(ENGLISH_PHRASE.search(text))


def _literal(value):
    """A widget state's value as stored: Python objects are kept as their repr in the notebook's metadata."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def _words(spec):
    """The words a reader reads in a Vega-Lite spec, as course_lib.widgets.panel translates them (titles, domains,
    datums, the quoted words of a title's expression), and the fields whose values the chart shows as words."""
    from course_lib.widgets.panel import EXPRESSION_TEXT, TRANSLATED_KEYS, worded_fields

    words = []

    def walk(value, key=None):
        if isinstance(value, str):
            if key in TRANSLATED_KEYS:
                words.append(value)
        elif isinstance(value, dict):
            if key in TRANSLATED_KEYS and isinstance(value.get("expr"), str):
                words.extend(text.strip() for text in EXPRESSION_TEXT.findall(value["expr"]) if text.strip())
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
    walk(spec)
    return words, worded_fields(spec)


def library_texts(notebook):
    """Every text of the library that ``notebook``'s stored outputs show a student (deduplicated, in order)."""
    from course_lib.widgets.chart import unpack_table

    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                found += [line for line in output["text"].splitlines() if LIBRARY_LINE.match(line)]
    states = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in states.get("state", {}).values():
        state = model.get("state", {})
        found += [state[k] for k in ("description", "tooltip") if isinstance(state.get(k), str)]
        if model.get("model_name") == "HTMLModel":
            found.append(state.get("value", ""))
        found += [label for label in _literal(state.get("_options_labels", [])) or [] if isinstance(label, str)]
        if "spec" in state:
            words, fields = _words(_literal(state["spec"]))
            found += words + [state.get("caption", ""), state.get("kernel_note", "")]
            entries = unpack_table(state.get("table", "")) + [{"datasets": _literal(state.get("datasets", {}))}]
            for entry in entries:
                found.append(entry.get("caption", ""))
                for rows in (entry.get("datasets") or {}).values():
                    found += [row[f] for row in rows if isinstance(row, dict) for f in fields
                              if isinstance(row.get(f), str)]
    return list(dict.fromkeys(text for text in found if isinstance(text, str) and text.strip()))


def untranslated_messages(prefixes=(), again=False):
    """``{chapter: [text]}``: what the executed Chinese chapters show from the library in English
    (``again``: what they would still show if executed now, each stored text said through the catalogue)."""
    found = {}
    for source in chapter_sources(prefixes):
        stored = EDITIONS["zh"] / f"{source.stem}.ipynb"
        if stored.exists():
            texts = [text for text in library_texts(nbformat.read(stored, as_version=4))
                     if in_english(language.say(text, "zh") if again else text)]
            if texts:
                found[source.stem] = texts
    return found


def chapter_sources(prefixes=()):
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    return [s for s in sources if not prefixes or s.name.startswith(tuple(prefixes))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("status", "template", "messages"))
    parser.add_argument("chapters", nargs="*", help="name prefixes such as 03 (default: all)")
    parser.add_argument("--again", action="store_true", help="messages: say the stored texts through the catalogue")
    args = parser.parse_args(argv)
    if args.command == "messages":
        for chapter, texts in untranslated_messages(args.chapters, args.again).items():
            forms = list(dict.fromkeys(re.sub(r"(?<![A-Za-z_])[-−]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?", "{}", text)
                                       for text in texts))
            print(f"{chapter}: {len(texts)} texts, {len(forms)} forms (numbers shown as {{}})")
            for form in forms:
                print("  " + form.replace("\n", "\\n"))
        return 0
    for source in chapter_sources(args.chapters):
        if args.command == "template":
            print(template(source).relative_to(ROOT))
            continue
        missing, unused = status(source)
        print(f"{source.stem}: {len(missing)} missing, {len(unused)} unused")
        for key, english in missing.items():
            print(f"  missing {key if key != english else 'comment'}: {english.splitlines()[0][:80]}")
        for key in unused:
            print(f"  unused  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
