"""``.. command-help:: MODULE``: the ``--help`` of a command, from its own parser.

The reference pages show what ``MODULE.main_parser()`` prints, so the
documentation and ``--help`` cannot drift apart.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, Dict, List

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

#: The width the help is wrapped to, whatever the terminal building the docs.
COLUMNS = "88"


class CommandHelp(Directive):
    """Render ``MODULE.main_parser().format_help()`` as a literal block."""

    required_arguments = 1

    def run(self) -> List[nodes.Node]:
        module = importlib.import_module(self.arguments[0])
        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = COLUMNS
        try:
            text = module.main_parser().format_help()
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        return [nodes.literal_block(text, text)]


def setup(app: Sphinx) -> Dict[str, Any]:
    app.add_directive("command-help", CommandHelp)
    return {"parallel_read_safe": True}
