"""The README's promise, checked: every number the text quotes is printed by a cell.

Pure JSON reading of the committed notebooks (no kernel), so it is fast.
Three checks per chapter, and one for the whole book:

1. **Every number quoted in a chapter's prose is backed** by that chapter:
   printed by one of its cells, or set in its code, at the quoted precision.
2. **Round-off is never printed as a measurement**: no printed number below
   1e-12 in magnitude (other than 0) unless it is printed as a bound.
3. **Exemptions are few and explained**: a ``given`` comment names each
   number that is general knowledge or a definition rather than a
   measurement, with its reason; at most ``MAX_GIVEN`` in the whole book.

The rules, exactly.

*Prose* is the markdown cells of a chapter, without: HTML comments and tags;
fenced code blocks (a fence with a language or none; the body of a MyST
directive such as ``{admonition}`` or ``{note}`` is prose, its ``:option:``
lines are not; ``{code-cell}``, ``{code}``, ``{math}`` ... bodies are not);
inline code; roles (``{cite}`key` ``, ``{ref}``, ...); link and image
targets (a link's text is prose, its address is not; an image is dropped
whole); bare URLs; the numbers of headings (``## 4.1``); and math
(``$...$``, ``$$...$$``, ``\\begin{...}...\\end{...}``). In math only one
kind of number is checked: a decimal number with a decimal point right
after ``=`` or ``\\approx`` (``$2/\\lambda_{\\max} \\approx 0.48$``), because
that is how the book quotes a measured value inside a formula; other
numbers in math are the formula's own constants.

*A quoted number* is a run of digits in the prose: ``6.8``, ``1,202``
(thousands separated by commas), ``.5``, ``8e-17``, ``2.5 × 10^5`` /
``2.5 × 10⁵`` / ``2.5 \\times 10^{5}``, optionally followed by ``%`` or
the word "percent". Not quoted numbers: digits inside a word or name
(``float64``, ``x1``, ``1D``, ``3rd``; a number directly followed by a
letter other than ``x``/``×`` is part of a word); references: the numbers
after "section(s)", "chapter(s)", "exercise(s)", "figure(s)",
"equation(s)", "table(s)", "§", including lists ("sections 4.2 and 4.4",
"chapters 5-7"); years: a four-digit number from 1900 to 2099 written
without a thousands separator (the book writes counts of a thousand and
more with one: "2,000 steps"). Numbers written as words ("two") are words.
Signs are ignored: "−4.1" and "4.1" are the same quote.

*Backed by a printed number*: the printed numbers are every number in the
text outputs of the chapter's cells (``stream``, ``text/plain``,
``text/markdown``, ``text/html``; not the text stand-ins of figures and
widgets), parsed the same way (with ``e`` exponents and ``%``). A quote
``q`` with ``k`` decimals is backed by a printed ``p`` that has at least
``k`` decimals (``p`` shown at least as precisely as ``q``) and rounds to
``q`` at ``k`` decimals: ``|p - q| <= 0.5e-k`` (a printed 6.896 backs
"6.9", not "6.8"; at an exact tie both roundings count). A quote in
scientific form (``2.5e5``, ``2.5 × 10^5``) has the precision of its last
mantissa digit (10^4 here). An integer quote has precision 1; trailing
zeros are read as exact, so "3,000" is not backed by a printed 2,840 or
3,123, and "250,000" not by 249,873: print the rounded value, in
scientific form (``f"{ratio:.2g}"`` gives ``2.4e+05``, which backs
"240,000") or as it is quoted. A quote with ``%`` or "percent" is also
backed by a printed fraction (0.631 backs "63.1%") and by printed digits
without the sign (a table of percentages whose header says "%").

*Set in its code*: a number literal in a code cell of the chapter (Python
``NUMBER`` tokens, not digits inside strings) backs a quote of exactly the
same value (``lr=0.02`` backs "0.02"; ``range(2000)`` backs "2,000";
``test_fraction=0.2`` backs "20%").

*Given numbers*: an HTML comment in a markdown cell,
``<!-- given: 0.9, 0.999 (PyTorch's defaults) -->``, lists numbers of
that cell that are general knowledge or definitions, not measurements of
this book, with the reason in parentheses. A listed number is backed in
that cell only; it must occur in the cell's prose, the reason must not be
empty, and the whole book may list at most ``MAX_GIVEN`` numbers. The
comment is invisible on the website and in JupyterLab.

*Round-off*: a printed number whose magnitude is below 1e-12 (and not 0)
is round-off or close to it; its digits change with the numpy version and
the machine. It is allowed only as a bound, right after ``<``, ``<=``,
``≤``, "below", "under", "better than", "less than" or "at most"
(``f"agrees to better than {1e-12:.0e}"``). The bound itself is a printed
number like any other and backs the prose that quotes it. Machine epsilon
is a definition, not round-off: quote it in the prose as a given number
rather than printing it.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "appendix").glob("*.ipynb"))
MAX_GIVEN = 14
ROUND_OFF = Decimal("1e-12")

# --------------------------------------------------------------------------- numbers

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

# A number in prose: digits (thousands separated by commas), an optional exponent
# (e-notation or "× 10^n"), an optional percent sign. Signs are not part of it.
PROSE_NUMBER = re.compile(
    r"(?<![\w.,^/\\])"  # not inside a word, a decimal, a version or an exponent
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:(?P<e>[eE][-+−]?\d+)"
    r"|\s*(?:×|\\times)\s*10(?:\^\{?(?P<pow>[-−]?\d+)\}?|(?P<sup>[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)))?"
    r"(?P<pct>\s?%|\s+percent\b)?"
)
# A number in a cell's output: the same, with e-notation and a sign allowed.
PRINTED_NUMBER = re.compile(
    r"(?<![\w.])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<e>[eE][-+]?\d+)?(?P<pct>%)?"
)
REFERENCE = re.compile(
    r"(?:\b(?:sections?|chapters?|exercises?|figures?|equations?|tables?)|§)\s*"
    r"\d+(?:\.\d+)*(?:(?:\s*(?:,|and|or|to|–|-|&)\s*)+\d+(?:\.\d+)*)*",
    re.I,
)
BOUND_BEFORE = re.compile(r"(?:<|<=|≤|\bbelow|\bunder|\bbetter than|\bless than|\bat most)\s*$", re.I)
GIVEN = re.compile(r"<!--\s*given:(?P<body>.*?)-->", re.S)


@dataclass(frozen=True)
class Number:
    """A number as written: its value, the place of its last digit, and its form."""

    value: Decimal
    place: int  # the exponent of the last digit shown: 6.896 -> -3, 2.5e5 -> 4, 3,000 -> 0
    percent: bool = False
    text: str = ""

    @property
    def exact_integer_zeros(self) -> int | None:
        """For an integer written out in digits ("3,000"), its number of trailing zeros, else None."""
        written = re.match(r"[\d,]+", self.text)
        if self.place != 0 or not written or written.group() != self.text.rstrip("%").split(" ")[0].rstrip(","):
            return None
        digits = written.group().replace(",", "")
        return len(digits) - len(digits.rstrip("0"))


def _number(match: re.Match, *, text: str) -> Number:
    digits = match.group("digits").replace(",", "")
    mantissa = Decimal(digits)
    exponent = 0
    groups = match.groupdict()
    if groups.get("e"):
        exponent = int(groups["e"][1:].replace("−", "-"))
    elif groups.get("pow"):
        exponent = int(groups["pow"].replace("−", "-"))
    elif groups.get("sup"):
        exponent = int(groups["sup"].translate(SUPERSCRIPTS))
    place = mantissa.as_tuple().exponent + exponent
    return Number(mantissa.scaleb(exponent), place, bool(groups.get("pct")), text)


def parse_number(text: str) -> Number:
    """Read one number as it is quoted in prose ('6.8', '3,000%', '2.5 × 10^5')."""
    match = PROSE_NUMBER.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a number as the prose writes one: {text!r}")
    return _number(match, text=text.strip())


def backs(printed: Number, quote: Number) -> bool:
    """Whether a printed number backs a quoted one (see the module docstring)."""
    candidates = [printed]
    if quote.percent and printed.place < 0:  # a printed fraction (0.631, 1.5) backs a percentage
        candidates.append(Number(printed.value * 100, printed.place - 2))
    for p in candidates:
        if p.place <= quote.place and abs(p.value - quote.value) <= Decimal(5).scaleb(quote.place - 1):
            return True
        zeros = quote.exact_integer_zeros
        if zeros is not None and p.place <= zeros and p.value == quote.value:
            return True
    return False


def set_by(literal: Decimal, quote: Number) -> bool:
    """Whether a number literal of the code backs a quoted number: the same value."""
    return literal == quote.value or (quote.percent and literal.as_tuple().exponent < 0 and literal * 100 == quote.value)


# --------------------------------------------------------------------------- prose


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


CODE_DIRECTIVES = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "literalinclude",
                   "figure", "image", "glue", "glue:figure", "glue:any", "bibliography", "eval-rst", "toctree"}


def _blank_fences(text: str, chars: list[str]) -> None:
    """Blank code fences and directive syntax, keeping the prose inside directives."""
    stack: list[tuple[str, int, bool]] = []  # (fence char, length, body is prose)
    pos = 0
    options_allowed = False
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line)
        pos = end
        fence = re.match(r"\s*(`{3,}|~{3,}|:{3,})(.*)$", line.rstrip("\n"))
        in_prose = all(prose for _, _, prose in stack)
        if fence and stack and fence.group(1)[0] == stack[-1][0] and len(fence.group(1)) >= stack[-1][1] \
                and not fence.group(2).strip():
            stack.pop()
            _blank(chars, start, end)
            continue
        if fence and in_prose:
            info = fence.group(2).strip()
            directive = re.match(r"\{([\w:-]+)\}\s*(.*)", info)
            prose = bool(directive) and directive.group(1) not in CODE_DIRECTIVES
            stack.append((fence.group(1)[0], len(fence.group(1)), prose))
            _blank(chars, start, end)
            if prose and directive.group(2):  # the title of an admonition is prose
                title_at = start + line.index(directive.group(2), line.index("}"))
                chars[title_at:title_at + len(directive.group(2))] = list(directive.group(2))
            options_allowed = prose
            continue
        if not in_prose:
            _blank(chars, start, end)
        elif options_allowed and re.match(r"\s*:[\w-]+:", line):
            _blank(chars, start, end)
        else:
            options_allowed = False


def math_spans(text: str) -> list[tuple[int, int]]:
    """The spans of display and inline math in markdown (escaped dollars excluded)."""
    spans = []
    pattern = re.compile(r"\$\$.+?\$\$|\\begin\{(\w+\*?)\}.+?\\end\{\1\}|(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$", re.S)
    for match in pattern.finditer(text):
        spans.append(match.span())
    return spans


MATH_VALUE = re.compile(
    r"(?:\\approx|(?<![<>!\\])=)\s*(?:\\[,;:! ]|~|\s)*[-−]?"
    r"(?P<num>\d+(?:\{,\}\d{3})*\.\d+(?:\s*\\times\s*10\^\{?[-−]?\d+\}?)?)"
)


@dataclass
class Quote:
    number: Number
    sentence: str


def without_fences_and_comments(markdown: str) -> str:
    """The markdown with HTML comments, code blocks and directive syntax blanked (offsets kept)."""
    chars = list(markdown)
    for match in re.finditer(r"<!--.*?-->", markdown, re.S):
        _blank(chars, *match.span())
    _blank_fences(markdown, chars)
    return "".join(chars)


def prose_of(markdown: str) -> tuple[str, list[tuple[int, Number]]]:
    """The markdown with everything that is not prose blanked (offsets kept),
    and the numbers quoted inside math (after = or \\approx), with their offsets."""
    chars = list(without_fences_and_comments(markdown))
    text = "".join(chars)
    for pattern in [r"\{[\w:-]+\}`[^`]*`", r"(`+).+?\1"]:  # roles ({cite}`key`), then inline code
        for match in re.finditer(pattern, text, re.S):
            _blank(chars, *match.span())
        text = "".join(chars)
    math_numbers = []
    for start, end in math_spans(text):
        for match in MATH_VALUE.finditer(text, start, end):
            raw = " ".join(match.group("num").replace("{,}", ",").split())
            math_numbers.append((match.start("num"), parse_number(raw)))
        _blank(chars, start, end)
    text = "".join(chars)
    patterns = [
        r"!\[[^\]]*\]\([^)]*\)",  # images
        r"\]\([^)]*\)",  # link targets (the text stays)
        r"<https?://[^>]*>|https?://\S+|doi:\S+",  # addresses
        r"<[^>]+>",  # HTML tags
        r"&\w+;",  # HTML entities
        r"(?m)^#{1,6}[ \t]+\d+(?:\.\d+)*\.?",  # heading numbers: "## 4.1"
    ]
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.S):
            _blank(chars, *match.span())
        text = "".join(chars)
    for match in REFERENCE.finditer(text):
        _blank(chars, *match.span())
    return "".join(chars), math_numbers


def sentence_at(markdown: str, offset: int) -> str:
    """The sentence of the original markdown around an offset, on one line (in a table: its row)."""
    line_start = markdown.rfind("\n", 0, offset) + 1
    line_end = markdown.find("\n", offset) % (len(markdown) + 1)
    line = markdown[line_start:line_end].strip()
    if line.startswith("|"):
        header = markdown[:line_start].rstrip("\n").split("\n\n")[-1].split("\n")[0].strip()
        return f"{header} ... {line}" if header != line else line
    boundary = r"[.!?]\s+(?=[A-Z*$`(\[])|\n\s*\n|\n\s*(?:[-*+]|\d+\.|#+)\s+"
    starts = [m.end() for m in re.finditer(boundary, markdown[:offset])]
    start = max(starts) if starts else 0
    stop = re.search(r"[.!?](?=\s|$)|\n\s*\n", markdown[offset:])
    end = offset + stop.end() if stop else len(markdown)
    sentence = " ".join(markdown[start:end].split())
    return sentence if len(sentence) <= 300 else sentence[:297] + "..."


def is_year(number: Number) -> bool:
    return number.text.isdigit() and len(number.text) == 4 and 1900 <= int(number.text) <= 2099


def quotes_in(markdown: str) -> list[Quote]:
    """Every number the prose of one markdown cell quotes, with its sentence."""
    text, math_numbers = prose_of(markdown)
    found = list(math_numbers)
    for match in PROSE_NUMBER.finditer(text):
        after = text[match.end():match.end() + 1]
        if after.isalpha() and after not in "x×" or after == "_":
            continue  # part of a word: 1D, 3rd, 64bit
        number = _number(match, text=match.group(0))
        if is_year(number):
            continue
        found.append((match.start(), number))
    shown = without_fences_and_comments(markdown)
    return [Quote(number, sentence_at(shown, offset)) for offset, number in sorted(found, key=lambda f: f[0])]


@dataclass
class Given:
    numbers: list[Number]
    reason: str
    text: str


def givens_in(markdown: str) -> list[Given]:
    """The `<!-- given: 0.9, 0.999 (reason) -->` comments of a markdown cell."""
    result = []
    for match in GIVEN.finditer(markdown):
        body = match.group("body").strip()
        parts = re.fullmatch(r"(?P<list>[^()]*?)\s*\((?P<reason>.*)\)", body, re.S)
        listed, reason = (parts.group("list"), parts.group("reason").strip()) if parts else (body, "")
        numbers = [parse_number(item) for item in re.split(r"[;,]\s+|\s+and\s+", listed) if item.strip()]
        result.append(Given(numbers, reason, match.group(0)))
    return result


# --------------------------------------------------------------------------- a chapter


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def source(cell: dict) -> str:
    return "".join(cell["source"])


def output_texts(cell: dict):
    """The text a reader sees in a cell's outputs (not the stand-ins of figures and widgets)."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if out.get("output_type") == "stream":
            yield "".join(out.get("text", ""))
            continue
        if "image/png" in data or "application/vnd.jupyter.widget-view+json" in data:
            continue
        for kind in ("text/plain", "text/markdown"):
            if kind in data:
                yield "".join(data[kind])
        if "text/html" in data:
            yield re.sub(r"<[^>]+>|&\w+;", " ", "".join(data["text/html"]))


def _printed(nb: dict):
    """``(number, match, line)`` for every number printed by the chapter's cells."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for text in output_texts(cell):
            for line in text.splitlines():
                for match in PRINTED_NUMBER.finditer(line):
                    yield _number(match, text=match.group(0)), match, line


def printed_numbers(nb: dict) -> list[tuple[Number, str]]:
    """Every number printed by the chapter's cells, with what precedes it on its line."""
    return [(number, line[:match.start()]) for number, match, line in _printed(nb)]


def code_literals(nb: dict) -> set[Decimal]:
    """The number literals of the chapter's code cells (not digits inside strings)."""
    literals = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        code = "\n".join(line for line in source(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
        except (tokenize.TokenError, SyntaxError, IndentationError) as error:
            raise AssertionError(f"a code cell does not tokenize ({error}): {code[:80]!r}") from error
        for token in tokens:
            if token.type == tokenize.NUMBER and not token.string.endswith(("j", "J")):
                text = token.string.replace("_", "").lower()
                if text.startswith(("0x", "0o", "0b")):
                    literals.add(Decimal(int(text, 0)))
                else:
                    literals.add(Decimal(text.rstrip("l")))
    return literals


def unbacked_quotes(nb: dict) -> list[Quote]:
    printed = [number for number, _ in printed_numbers(nb)]
    literals = code_literals(nb)
    missing = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        markdown = source(cell)
        given = [n for g in givens_in(markdown) for n in g.numbers]
        for quote in quotes_in(markdown):
            q = quote.number
            if any(g.value == q.value and g.place == q.place for g in given):
                continue
            if any(set_by(literal, q) for literal in literals):
                continue
            if any(backs(p, q) for p in printed):
                continue
            missing.append(quote)
    return missing


def round_off_values(nb: dict) -> list[tuple[str, str]]:
    """Printed numbers below 1e-12 in magnitude (not 0) that are not printed as a bound."""
    return [(match.group(0), line.strip()) for number, match, line in _printed(nb)
            if 0 < number.value < ROUND_OFF and not BOUND_BEFORE.search(line[:match.start()])]


# --------------------------------------------------------------------------- the tests


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request):
    return request.param, load(request.param)


def test_every_number_the_prose_quotes_is_printed_or_set_in_code(chapter):
    path, nb = chapter
    missing = unbacked_quotes(nb)
    report = "\n".join(f"  \"{q.number.text}\" in: {q.sentence}" for q in missing)
    assert not missing, (
        f"{path.name}: {len(missing)} number(s) in the prose are printed by no cell and set in no code "
        f"(at the quoted precision). Print them, quote what is printed, or, for general knowledge "
        f"rather than a measurement, list them in a <!-- given: ... (reason) --> comment "
        f"(see tests/test_prose_numbers.py):\n{report}")


def test_round_off_is_printed_as_a_bound(chapter):
    path, nb = chapter
    flagged = round_off_values(nb)
    report = "\n".join(f"  {value} in: {line}" for value, line in flagged)
    assert not flagged, (
        f"{path.name}: printed value(s) below {ROUND_OFF:.0e}: round-off, whose digits change with the numpy "
        f"version and the machine. Print a bound instead, e.g. "
        f"f\"agrees to better than {{bound:.0e}}\" after checking `error < bound`:\n{report}")


def test_given_numbers_are_few_explained_and_quoted():
    problems, count = [], 0
    for path in CHAPTERS:
        for cell in load(path)["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            markdown = source(cell)
            quoted = quotes_in(markdown)
            for given in givens_in(markdown):
                count += len(given.numbers)
                if not given.reason or not given.numbers:
                    problems.append(f"{path.name}: {given.text} needs numbers and a (reason)")
                for number in given.numbers:
                    if not any(q.number.value == number.value and q.number.place == number.place for q in quoted):
                        problems.append(f"{path.name}: {given.text} lists {number.text}, which its cell's prose "
                                        f"does not quote")
    assert not problems, "\n".join(problems)
    assert count <= MAX_GIVEN, f"{count} given numbers in the book; at most {MAX_GIVEN}: print the others"


# The rules on the examples that motivated them (issue 16).


def q(text):
    return parse_number(text)


def p(text):
    return _number(PRINTED_NUMBER.fullmatch(text), text=text)


@pytest.mark.parametrize("printed, quoted, expected", [
    ("6.896", "6.9", True),
    ("6.896", "6.8", False),  # quoted at the wrong rounding
    ("4.71", "4.7", True),
    ("4.7", "4.70", False),  # quoted more precisely than printed
    ("6.85", "6.8", True), ("6.85", "6.9", True),  # an exact tie rounds either way
    ("2,840", "3,000", False), ("3,123", "3,000", False),  # "near 3,000%" backs nothing
    ("2,840", "2,840", True), ("3e+03", "3,000", True),
    ("2.41e+05", "250,000", False), ("2.41e+05", "241,000", True), ("2.4e+05", "240,000", True),
    ("249873", "2.5e5", True), ("249873", "2.5 × 10^5", True), ("249873", "2.5 × 10⁵", True),
    ("2.41e+05", "2.4e5", True),
    ("0.631", "63.1%", True), ("63.1%", "63.1%", True), ("548", "548%", True), ("0.631", "63.1", False),
    ("1e-11", "1e-11", True), ("8e-17", "1e-17", False), ("8e-17", "1e-16", True),
    ("1202", "1,202", True), ("70,464", "70,000", False),
])
def test_backing_rule(printed, quoted, expected):
    assert backs(p(printed), q(quoted)) is expected


def test_code_literals_back_the_same_value():
    nb = {"cells": [{"cell_type": "code", "source": "%matplotlib inline\nopt = SGD(lr=0.02)\nfor _ in range(2_000): pass\n"
                     "split(test_fraction=0.2, label='7 epochs')\n", "outputs": []}]}
    literals = code_literals(nb)
    assert set_by(Decimal("0.02"), q("0.02")) and Decimal("2000") in literals and Decimal("7") not in literals
    assert any(set_by(lit, q("20%")) for lit in literals) and not any(set_by(lit, q("0.020001")) for lit in literals)


def test_what_counts_as_a_quoted_number():
    markdown = (
        "## 4.1 Real data\n\nA spread of 6.8 dB, $z = (x - 3)/2$ and $2/\\lambda_{\\max} \\approx 0.2347$, "
        "`lr=0.5`, {cite}`kingma2015adam`, [chapter 3](03_x.ipynb) and sections 4.2 and 4.4 (exercise 1.2), "
        "see [the site](https://example.org/v2.5). Published in 1951; float64 and 1D arrays, the 3rd try, "
        "near 3,000%, 7 percent, 2.5 × 10^5 and 8e-17.\n\n```python\nx = 42.5\n```\n"
        "<!-- 99.5 is hidden -->\n````{admonition} Solution 9.75\n:class: dropdown\nAbout 12.5 steps.\n````\n"
    )
    assert [quote.number.text for quote in quotes_in(markdown)] == [
        "6.8", "0.2347", "3,000%", "7 percent", "2.5 × 10^5", "8e-17", "9.75", "12.5"]
    assert quotes_in("A spread of 6.8 dB. Then more.")[0].sentence == "A spread of 6.8 dB."


def test_given_comment_exempts_its_own_cell_only():
    nb = {"cells": [
        {"cell_type": "markdown", "source": "Typical values are 0.9 and 0.999.\n<!-- given: 0.9, 0.999 (common defaults) -->"},
        {"cell_type": "markdown", "source": "Here 0.9 again."},
    ]}
    assert [quote.number.text for quote in unbacked_quotes(nb)] == ["0.9"]
    assert givens_in("<!-- given: 10, 1,000 (typical batch sizes) -->")[0].reason == "typical batch sizes"
    assert givens_in("<!-- given: 0.9 -->")[0].reason == ""


def test_round_off_is_flagged_unless_printed_as_a_bound():
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "stream", "name": "stdout", "text": [
        "relative error against forward mode 8e-17, against central differences 1e-11\n",
        "agrees to better than 1e-12; error below 1e-15: True; err < 1e-16; zero: 0.0e+00\n",
        "largest difference: 9.0e-16\n"]}]}]}
    assert [value for value, _ in round_off_values(nb)] == ["8e-17", "9.0e-16"]


def test_a_given_number_may_sit_in_math():
    markdown = ("Double precision has $\\varepsilon_{\\mathrm{mach}} \\approx 2.2 \\times 10^{-16}$.\n"
                "<!-- given: 2.2 × 10^-16 (machine epsilon, a definition) -->")
    nb = {"cells": [{"cell_type": "markdown", "source": markdown}]}
    assert [q.number.text for q in quotes_in(markdown)] == ["2.2 \\times 10^{-16}"]
    assert unbacked_quotes(nb) == []
