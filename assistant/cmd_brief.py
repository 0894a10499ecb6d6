"""`python -m assistant brief` (being built)."""
import click


@click.command("brief", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
def command(args):
    """Not built yet."""
    raise click.ClickException("brief: not built yet")
