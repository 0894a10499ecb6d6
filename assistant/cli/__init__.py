"""`python -m assistant …`: one group; each command lives in its own cmd_* module and only parses
arguments, calls the library and prints. Errors become one line on stderr and a non-zero exit."""
from __future__ import annotations

import sys

import click

from index.errors import AssistantError


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AssistantError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
def cli():
    """年报问答助手: cited answers and 简报 over 政府信息公开工作年度报告.

    \b
    python -m assistant ingest data/sample
    python -m assistant ask "2020年福建省人社厅新收政府信息公开申请多少件？"
    """


def _register():
    from assistant.cli import ask as cmd_ask, brief as cmd_brief, eval as cmd_eval, facts as cmd_facts
    from assistant.cli import ingest as cmd_ingest, serve as cmd_serve

    for mod in (cmd_ingest, cmd_facts, cmd_ask, cmd_eval, cmd_brief, cmd_serve):
        cli.add_command(mod.command)


_register()


def main():
    cli(prog_name="assistant")
