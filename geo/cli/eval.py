"""``geo eval``: score recognition and resolution against an annotated corpus."""
from __future__ import annotations

import json

import click

from geo.cli.common import State, common_options, make_pipeline

EXAMPLES = """
\b
Examples:
  geo eval lgl.xml --offline                  # an LGL corpus file you downloaded (XML)
  geo eval GeoVirus.xml --offline --errors 20 # the 20 worst resolution errors too
  geo eval lgl.xml --offline --limit 100 --json > scores.json
"""


@click.command("eval", epilog=EXAMPLES)
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "n_errors", default=0, metavar="N", help="Show the N worst resolution errors.")
@click.option("--limit", default=0, metavar="N", help="Only the first N articles.")
@click.option("--count-demonyms/--no-count-demonyms", default=False, show_default=True,
              help="Count demonyms ('Syrian') as toponyms (LGL's annotators did).")
@common_options
def eval_cmd(corpus, as_json, n_errors, limit, count_demonyms, **opts):
    """Score recognition and resolution against an annotated corpus (LGL or GeoVirus XML)."""
    from geo import evaluate
    from geo.batch.engines.pool import parse as pool_parse  # the -j N engine

    pipe = make_pipeline(**opts)
    try:
        report = evaluate.run(corpus, pipeline=pipe, limit=limit or None,
                              parse=lambda docs: pool_parse(pipe, docs, State.jobs),
                              count_demonyms=count_demonyms, n_errors=n_errors)
    except evaluate.CorpusError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(report, indent=1))
    else:
        click.echo(evaluate.format_report(report))
