"""The numbers a chapter's prose states, and whether each is bound to where it comes from.

A figure in a sentence is true only while it matches what it talks about. Each number of the
prose must therefore be, at the precision written,

- printed (or set in code) by a code cell of the same ``##`` section: the output it discusses,
  so that ``make execute`` changing that output fails the test instead of leaving a false
  sentence (the opening and the summary, which preview and recall the whole chapter, may
  quote any of its sections);
- or declared in the chapter's ``notebooks/src/NN_topic.numbers.yml`` with where it comes from,
  in one of these forms, each checked where it can be:

  ``formula: <arithmetic>``  evaluated (``log``, ``exp``, ``sqrt``, ``log2``, ``log10``) and rounded;
  ``code: <path> <NAME>``    a line of ``<path>`` that sets ``NAME`` (``NAME = …``, ``name=…``) holds it;
  ``source: <seed>``         the source course's text ``../shared/seeds/<seed>_*.txt`` holds it;
  ``given: <why>``           a value the prose itself chooses (an input, a slider value to try);
  ``cite: <reference>``      a value from outside the course (a paper, a documentation page).

Not numbers of this kind: formulas (``$…$``, except a value after ``\\approx``), inline code,
link targets, a section's or chapter's own number ("chapter 08", "§4", "exercise 2"), version
numbers ("Keras 3.12"), years, ordinals, and numbers written as words. Magnitudes in words that
compare with a measurement ("tens of milliseconds", "an order of magnitude") must be declared.
"""

import ast
import math
import operator
import re

import yaml

#: A number as prose writes it: 0.85, 1e-3, 244 522, 60,000, 87 %, 4×; Chinese may touch it (学习率0.1时).
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.\-/])(?P<number>\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
    r"(?P<percent>\s?%)?(?![A-Za-z0-9_]|\.\d)")
#: Words before a number that make it a name, not a figure: "chapter 08", "§4", "Keras 3.12", "第 3 步", "练习 2".
REFERENCE = re.compile(
    r"(?:chapters?|sections?|§|exercises?|parts?|figures?|tables?|steps? of the recipe|lecture|version|versions|"
    r"Keras|TensorFlow|TF|Python|NumPy|Vega-Lite|ipywidgets|JupyterLab|seed|seeds|issue|[Ss]tep|et al\.|"
    r"layer|Dense|cell|item|round|第|练习|习题|版本|种子|图|表|步骤|单元格)\s*$", re.IGNORECASE)
#: Magnitudes in words that compare with a measurement: they must be declared.
WORD_MAGNITUDE = re.compile(r"\b(?:tens|hundreds|thousands|millions|dozens) of \w+|\borders? of magnitude\b",
                            re.IGNORECASE)
DECLARATION_KINDS = ("formula", "code", "source", "given", "cite")


def strip_non_prose(markdown):
    """``markdown`` without formulas (but with the values after ``\\approx``), inline code, link targets,
    HTML anchors and the numbers of headings and numbered list items."""
    approximations = " ".join(re.findall(r"\\approx\s*(-?\d+(?:\.\d+)?)", markdown))
    text = re.sub(r"\$\$.*?\$\$|\$[^$]+?\$", " ", markdown, flags=re.S)  # inline math may wrap a line
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\b(?:Keras|TensorFlow|TF|Python|NumPy)\s+\d+(?:\.\d+)*(?:\s*(?:to|and|or|–|-)\s*\d+(?:\.\d+)*)?",
                  " ", text)  # a version, or a range of versions ("Keras 3.12 to 3.14")
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^(\s*#+\s*)\d+(\.\d+)*\.?", r"\1", text, flags=re.M)
    text = re.sub(r"(?<![\d.])0\d(?![\d.])", " ", text)  # a chapter's number: 01, 08
    text = re.sub(r"^(\s*)\d+\.\s", r"\1", text, flags=re.M)
    return text + "\n" + approximations


def prose_numbers(markdown):
    """The figures of a markdown cell's prose, as written ("0.85", "244 522", "87 %"), and its word magnitudes."""
    text = strip_non_prose(markdown)
    found = []
    for match in NUMBER.finditer(text):
        before = text[max(0, match.start() - 30):match.start()]
        number = match.group("number")
        if REFERENCE.search(before) or re.fullmatch(r"(19|20)\d\d", number):
            continue
        if re.match(r"(st|nd|rd|th)\b", text[match.end():match.end() + 3]):
            continue
        found.append(number + ("%" if match.group("percent") else ""))
    return found, WORD_MAGNITUDE.findall(text)


def value_of(number):
    """The value a prose number means ("244 522" → 244522, "87%" → 87), and its decimals as written."""
    plain = number.rstrip("%").replace(" ", "").replace(",", "")
    decimals = len(plain.split(".")[1].split("e")[0]) if "." in plain else 0
    return float(plain), decimals, "e" in plain


#: A number in an output or in code, as printed: 0.8512, 1,234, 2.3e+05, 87.0%. Chinese text may
#: touch it ("交叉熵1.38"): only Latin letters, digits, "_" and "." before it join it to a word.
PRINTED = re.compile(r"(?<![A-Za-z0-9_.])-?(\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(%?)")


class Printed(set):
    """The values a text prints; ``percents`` holds each value as a percentage too (87% and 0.87 both give 87)."""

    def __init__(self, values=(), percents=()):
        super().__init__(values)
        self.percents = set(percents)


def printed_values(text):
    """Every value ``text`` prints, and (in ``.percents``) each as a percentage: 87% as 87, 0.87 as 87."""
    values, percents = set(), set()
    for match in PRINTED.finditer(text):
        raw = match.group(1).replace(",", "").replace("_", "").replace(" ", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        values.add(value)
        percents.add(value if match.group(2) else value * 100)
    return Printed(values, percents)


def matches(number, values):
    """Whether one of ``values`` rounds to ``number`` at the precision the prose writes it.

    A percentage ("87 %") also matches a printed fraction (0.87); a plain number matches only
    a printed number, not a fraction times 100.
    """
    value, decimals, scientific = value_of(number)
    if scientific:
        return any(math.isclose(value, found, rel_tol=1e-9) for found in values)
    candidates = set(values) | (getattr(values, "percents", set()) if number.endswith("%") else set())
    return any(round(found, decimals) == round(value, decimals) for found in candidates)


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS = {"log": math.log, "exp": math.exp, "sqrt": math.sqrt, "log2": math.log2, "log10": math.log10,
              "tanh": math.tanh, "ceil": math.ceil, "floor": math.floor}


def evaluate(expression):
    """The value of an arithmetic ``expression`` of numbers, + − × ÷ ** and a few math functions."""
    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.operand))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
            return _FUNCTIONS[node.func.id](*[walk(arg) for arg in node.args])
        raise ValueError(f"not plain arithmetic: {ast.dump(node)}")
    return walk(ast.parse(expression, mode="eval"))


def declaration_problem(number, declaration, root, seeds):
    """What is wrong with the declared origin of ``number``, else None."""
    kind, _, where = str(declaration).partition(":")
    kind, where = kind.strip(), where.strip()
    if kind not in DECLARATION_KINDS or not where:
        return f"{number!r}: declare it as one of {', '.join(k + ': …' for k in DECLARATION_KINDS)}"
    is_number = NUMBER.fullmatch(number.replace(" %", "%").rstrip("%")) is not None
    if kind == "formula":
        try:
            value = evaluate(where)
        except (ValueError, SyntaxError, ZeroDivisionError) as error:
            return f"{number!r}: formula {where!r} cannot be evaluated ({error})"
        return None if not is_number or matches(number, {value}) else \
            f"{number!r}: the formula {where!r} gives {value:.6g}"
    if kind == "code":
        path, _, name = where.partition(" ")
        file = root / path
        if not file.is_file():
            return f"{number!r}: {path} does not exist"
        assigns = re.compile(rf"(?<![\w.]){re.escape(name.strip())}\s*(:[^=,)]*)?=(?!=)")  # NAME = 3, or name=3 in a call
        lines = [line for line in file.read_text(encoding="utf-8").splitlines() if assigns.search(line)]
        if not lines:
            return f"{number!r}: {path} assigns no {name.strip()}"
        return None if not is_number or matches(number, printed_values(" ".join(lines))) else \
            f"{number!r}: {path} sets {lines[0].strip()!r}"
    if kind == "source":
        texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob(f"{where}*.txt"))]
        if not texts:
            return f"{number!r}: no source text {where}* in {seeds}"
        return None if not is_number or matches(number, printed_values("\n".join(texts))) else \
            f"{number!r}: the source text {where} does not have it"
    return None


def read_declarations(path):
    """The chapter's declared numbers: {number or phrase as written: "kind: where"}."""
    if not path.exists():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{path.name}: a mapping of number → 'kind: where' is expected")
    return {str(key): value for key, value in loaded.items()}


def sections(notebook):
    """The notebook's cells grouped by ``##`` section: [(heading, [cells])], the title's cells first."""
    grouped = [("", [])]
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.match(r"##\s", cell.source):
            grouped.append((cell.source.splitlines()[0], []))
        grouped[-1][1].append(cell)
    return grouped


def cell_text(cell):
    """A code cell's code and every text it printed or returned."""
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        data = output.get("data", {})
        parts.extend(str(data.get(kind, "")) for kind in ("text/plain", "text/html", "text/markdown"))
    return "\n".join(parts)


def unbound_numbers(notebook, declarations):
    """The prose numbers of ``notebook`` that neither their section's code and outputs nor a declaration give."""
    everything = printed_values("\n".join(cell_text(c) for c in notebook.cells if c.cell_type == "code"))
    stray = []
    for heading, cells in sections(notebook):
        nearby = everything if not heading or heading.startswith("## Summary") else printed_values(
            "\n".join(cell_text(c) for c in cells if c.cell_type == "code"))
        for cell in cells:
            if cell.cell_type != "markdown":
                continue
            numbers, magnitudes = prose_numbers(cell.source)
            for number in numbers:
                if number not in declarations and number.replace("%", " %") not in declarations \
                        and not matches(number, nearby):
                    stray.append(f"{heading or 'title'}: {number!r}")
            for phrase in magnitudes:
                if phrase not in declarations:
                    stray.append(f"{heading or 'title'}: {phrase!r} (a magnitude in words)")
    return stray
