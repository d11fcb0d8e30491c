"""The ``geo`` command: one module per subcommand (map, extract, eval, gazetteer, cache, serve), each thin --
argument parsing and reporting; the work is in :mod:`geo.pipeline` and the writers of :mod:`geo.outputs`.

Subcommands are imported only when run (or when ``geo --help`` lists them), and heavy libraries
(spaCy, folium, rich) only inside the commands, so ``geo --help`` starts fast.

Exit status: 0 when at least one document was processed (bad files are reported and skipped),
1 when no document could be processed or an output could not be made (e.g. ``--png`` without a
browser, a full disk), 2 for usage errors, 130 when interrupted (Ctrl-C; no output is then left
half-replaced).
"""
from __future__ import annotations

import importlib
import sys

import click

from geo._version import __version__
from geo.cli.common import quiet_asyncio_teardown as _quiet_asyncio_teardown

#: name -> "module:attribute" of each subcommand, imported on first use.
COMMANDS = {
    "map": "geo.cli.map:map_cmd",
    "extract": "geo.cli.extract:extract_cmd",
    "eval": "geo.cli.eval:eval_cmd",
    "gazetteer": "geo.cli.gazetteer:gazetteer",
    "cache": "geo.cli.cache:cache_group",
    "serve": "geo.cli.serve:serve_cmd",
}

EXAMPLES = """
\b
Examples:
  geo map seeds/                      # map every article in seeds/ to maps/index.html
  geo extract seeds/ -o places.jsonl  # the places of each article, as JSON Lines
  geo gazetteer lookup "Deir ez-Zor"  # what the offline gazetteer knows of a name
  geo COMMAND --help                  # each command's options and examples
"""


class _Group(click.Group):
    """Lazy subcommands; Ctrl-C exits 130 (the shell convention for SIGINT) with one line, not
    click's "Aborted!" and 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):
        from geo.cli.startup import skip_final_collection

        skip_final_collection()  # exit speed (see there)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            import logging

            from geo.cli.common import err

            # playwright's event loop (--png) reports the interrupted task when it is collected,
            # and a loop whose __init__ the signal cut short complains from its __del__
            logging.getLogger("asyncio").disabled = True
            sys.unraisablehook = _quiet_asyncio_teardown
            err().print("[red]interrupted[/] (each output file is either complete and new or left as it was)")
            raise click.exceptions.Exit(130) from None


@click.group(cls=_Group, help="Turn news articles into maps of the places they report.\n" + EXAMPLES,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="geo")
def main() -> None:
    pass


__all__ = ["main", "COMMANDS"]
