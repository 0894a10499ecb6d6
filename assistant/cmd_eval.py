"""`python -m assistant eval` (being built)."""
import click


@click.command("eval", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
def command(args):
    """Not built yet."""
    raise click.ClickException("eval: not built yet")
