"""`python -m assistant ask` (being built)."""
import click


@click.command("ask", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
def command(args):
    """Not built yet."""
    raise click.ClickException("ask: not built yet")
