"""Tables a tool writes into a guide between two markers, so that a test can tell whether they are current.

A table named NAME, written by tools/TOOL.py, sits between ``<!-- NAME table: tools/TOOL.py -->``
and ``<!-- end of NAME table -->``; the text around it is the guide's own.

The instructors' guide has two editions (issue #31), ``docs/teaching.md`` and its Chinese
translation ``docs/teaching.zh-CN.md``: each tool writes the same tables into both, with the same
numbers; in the Chinese one the words of the tables are those of ``ZH`` and the chapters' titles
those of the Chinese notebooks (``notebooks/zh/``).
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The guide of each language the tables are written into.
GUIDES = {"en": ROOT / "docs" / "teaching.md", "zh": ROOT / "docs" / "teaching.zh-CN.md"}
#: The Chinese edition's chapters: the same file names as ``notebooks/``.
ZH_NOTEBOOKS = ROOT / "notebooks" / "zh"

#: The tables' words in Chinese, keyed by the English the tools write ("{}" is a number or a name, kept as it is).
ZH = {
    # tools/chapter_table.py: the lectures table
    "chapter": "章节", "reading": "阅读", "run all": "全部运行", "longest cell": "最长的单元格",
    "slides + subslides": "幻灯片 + 子幻灯片", "steps": "步数",
    "panels (kernel-free ones in **bold**)": "面板（无需内核的为**粗体**）", "lecture (estimate)": "一次课（估计）",
    "{} min": "{} 分钟", "{} s": "{} 秒", "{} s ({})": "{} 秒（{}）", "setup": "初始化单元格", ", ": "、",
    # tools/chapter_table.py: the panels table
    "panel cell (the code that shows it)": "面板单元格（显示面板的代码）", "without a kernel": "没有内核时",
    " (trains live)": "（实时训练）", "answers its controls": "响应控件",
    "its stored figure; run its cell": "显示保存的图；运行其单元格才能使用",
    # tools/sizing.py: the sizing table
    "run all: peak memory": "全部运行：内存峰值", "run all: CPU time": "全部运行：CPU 时间",
    "with its training panels played: peak memory": "训练面板播放完之后：内存峰值", "CPU time": "CPU 时间",
    "load (1 min)": "负载（1 分钟）", "no training panel": "没有训练面板",
    "Per student: chapter {stem} peaks highest, at {peak} MB, and an idle JupyterLab server takes {server} MB: "
    "a memory guarantee of {guarantee} MB and a limit of {limit} MB ({head_room} more), as "
    "`classroom/z2jh/config.yaml` asks. Run before class (more than {cpu} s of CPU time in Run All): {slow}.":
        "每个学生：第 {stem} 章的内存峰值最高，为 {peak} MB，一个空闲的 JupyterLab 服务器占 {server} MB："
        "内存保证 {guarantee} MB，上限 {limit} MB（多 {head_room}），与 `classroom/z2jh/config.yaml` 的设置一致。"
        "课前先运行（Run All 的 CPU 时间超过 {cpu} 秒）：{slow}。",
    "{} ({} s)": "{}（{} 秒）",
    "node": "节点", "students by memory (guarantee)": "按内存保证可容纳的学生数",
    "students by memory (limit, all at their peak)": "按内存上限可容纳的学生数（所有人同时达到峰值）",
    "{} CPUs, {} GiB": "{} 个 CPU，{} GiB",
    # tools/sizing.py: the class at once table
    "kernels at once": "同时启动的内核数", "seconds to the first panel (each kernel)": "到第一个面板的秒数（每个内核）",
    "slowest": "最慢", "per core": "每核", "load (1 min) before": "启动前负载（1 分钟）",
    ", repeated": "（此前也测过）",
    "In the latest run{repeated}: from {fewest} to {most} kernels per core, the slowest student waited {ratio} "
    "times as long for the panel ({first} s, then {last} s), for {times} times as many kernels. The machine was "
    "shared with other jobs (the load before each run is in the table; it counts the kernels of the run before it "
    "too), and the kernels took CPU time from those jobs as well as from each other: these figures do not show how "
    "the wait grows on a node of its own. What they show: {most} students per core, starting chapter {chapter} "
    "together, each reached its panel within {slowest} s here.":
        "最近一次测量{repeated}：从每核 {fewest} 个内核到每核 {most} 个内核，最慢的学生等待面板的时间是原来的 {ratio} 倍"
        "（先是 {first} 秒，后是 {last} 秒），而内核数是原来的 {times} 倍。这台机器同时在运行其他任务（每次测量之前的负载"
        "见表，其中也包括上一次测量的内核），内核既彼此争用 CPU 时间，也与这些任务争用：这些数字不能说明在一个独占的节点上"
        "等待时间如何增长。它们说明的是：每核 {most} 个学生同时开始第 {chapter} 章，在这里每个人都在 {slowest} 秒之内"
        "看到了面板。",
}

#: The panels' names (from their functions' names) in Chinese; a panel without one keeps its English name.
ZH_PANELS = {
    "line fit": "直线拟合", "broadcast": "广播", "train one epoch": "训练一轮",
    "learning rate regimes": "学习率的几种情形", "exponential decay": "指数衰减学习率", "activation": "激活函数",
    "softmax": "softmax", "ce vs mse": "交叉熵与均方误差", "sales": "销量预测", "polynomial": "多项式拟合",
    "playground": "Playground", "optimizer race": "优化器赛跑", "recipe": "八股", "image browser": "图片浏览",
    "epochs width": "轮数与宽度", "break it": "制造故障",
}


def say(language):
    """The function that puts a table's English words into ``language``: as they are for "en"."""
    if language == "en":
        return lambda words: words

    def chinese(words):
        if words not in ZH:
            raise KeyError(f"tools/guide_tables.py: no Chinese for {words!r} in ZH")
        return ZH[words]
    return chinese


def zh_title(stem, english):
    """The title of the Chinese chapter ``stem`` (its first Markdown cell's ``# `` line), or ``english`` without one."""
    path = ZH_NOTEBOOKS / f"{stem}.ipynb"
    if not path.exists():
        return english
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first = next((cell for cell in cells if cell["cell_type"] == "markdown"), None)
    source = "".join(first["source"]) if first else ""
    heading = next((line for line in source.splitlines() if line.startswith("# ")), None)
    return heading[2:].strip() if heading else english


def title(stem, english, language):
    """A chapter's title in ``language``."""
    return zh_title(stem, english) if language == "zh" else english


def replaced(text, made, tool, guide_name):
    """``text`` with each table of ``made`` ({name: table}) put between its markers.

    A ``ValueError`` names a marker the guide lacks, rather than leaving a table unwritten.
    """
    for name, table in made.items():
        marked = re.compile(rf"(<!-- {re.escape(name)} table: {re.escape(tool)} -->\n).*?"
                            rf"(<!-- end of {re.escape(name)} table -->)", re.S)
        if not marked.search(text):
            raise ValueError(f"{guide_name} has no '<!-- {name} table: {tool} -->' marker")
        text = marked.sub(lambda match: match.group(1) + table + "\n" + match.group(2), text)
    return text


def rewrite(tool, tables, what="tables"):
    """Write the tables ``tables(language)`` gives into the guide of each language; say which guides changed."""
    for language, guide in GUIDES.items():
        text = guide.read_text(encoding="utf-8")
        fresh = replaced(text, tables(language), tool, guide.name)
        if fresh != text:
            guide.write_text(fresh, encoding="utf-8")
            print(f"rewrote the {what} in {guide.relative_to(ROOT)}")
