"""Tables a tool writes into a guide between two markers, so that a test can tell whether they are current.

A table named NAME, written by tools/TOOL.py, sits between ``<!-- NAME table: tools/TOOL.py -->``
and ``<!-- end of NAME table -->``; the text around it is the guide's own.
"""

import re


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
