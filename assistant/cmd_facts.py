"""`python -m assistant facts` (being built)."""
import click


@click.command("facts", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
def command(args):
    """Not built yet."""
    raise click.ClickException("facts: not built yet")
