"""`python -m assistant ingest` (being built)."""
import click


@click.command("ingest", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
def command(args):
    """Not built yet."""
    raise click.ClickException("ingest: not built yet")
