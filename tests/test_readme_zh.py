"""README.zh-CN.md, the Chinese README (issue #31), cannot drift from README.md.

Its commands are README's commands, its dataset table is README's table (sizes and sha256),
its chapter table links every chapter of the Chinese edition (notebooks/zh/); the mirrors of its section on mainland China are its own.
"""

import re

from tests.helpers import ROOT

ENGLISH = (ROOT / "README.md").read_text(encoding="utf-8")
CHINESE = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
#: The Chinese README's own section: mirrors that a reader in mainland China needs.
MAINLAND_SECTION = "## 在中国大陆安装"


def command_lines(text):
    """The lines of the ```bash blocks of ``text``, comments aside."""
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def without_section(text, heading):
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[:start] + (text[end:] if end != -1 else "")


def dataset_rows(text):
    return set(re.findall(r"^\| `([^`]+)` \| ([\d ]+) \| `([0-9a-f]{64})` \|$", text, re.MULTILINE))


def test_each_readme_links_the_other():
    assert "[English](README.md)" in CHINESE
    assert "(README.zh-CN.md)" in ENGLISH


def test_the_chinese_readme_runs_the_same_commands():
    english = set(command_lines(ENGLISH))
    chinese = command_lines(without_section(CHINESE, MAINLAND_SECTION))
    assert chinese and not [line for line in chinese if line not in english], \
        "README.zh-CN.md has commands README.md does not: change both"


def test_the_dataset_tables_are_the_same():
    assert len(dataset_rows(ENGLISH)) == 5 and dataset_rows(CHINESE) == dataset_rows(ENGLISH)


def test_the_chinese_readme_lists_every_chapter():
    listed = set(re.findall(r"^\| (\d\d) \| \[[^]]+\]\(notebooks/zh/(\d\d_\w+)\.ipynb\)", CHINESE, re.MULTILINE))
    assert listed == {(source.stem[:2], source.stem) for source in SOURCES}


def test_the_drift_checks_catch_a_planted_difference():
    changed = CHINESE.replace("-m course_lib data status", "-m course_lib data list")
    assert [line for line in command_lines(changed) if line not in set(command_lines(ENGLISH))]
    assert dataset_rows(CHINESE.replace("29 515", "29 516")) != dataset_rows(ENGLISH)
