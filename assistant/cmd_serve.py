"""`python -m assistant serve` (being built)."""
import click


@click.command("serve", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
def command(args):
    """Not built yet."""
    raise click.ClickException("serve: not built yet")
