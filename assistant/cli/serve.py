"""`python -m assistant serve`: the Gradio app (same as `python app.py`)."""
from __future__ import annotations

import logging
import threading
from typing import Optional

import click

log = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def serve(host: str = "127.0.0.1", port: int = 7860, store: Optional[str] = None, llm: str = "auto",
          users_file: Optional[str] = None, first_run: bool = True, warm: bool = True, block: bool = True):
    """Build and launch the app. Returns the Blocks (when block=False the server keeps running in a thread)."""
    from assistant.ui import auth
    from assistant.ui.layout import TITLE, build_app, launch_kwargs
    from assistant.ui.library_tab import MAX_MB
    from assistant.ui.services import Services

    users = auth.load_users(users_file)
    if host not in LOOPBACK and not users:
        click.echo(f"warning: serving on {host} without login; set ASSISTANT_USERS or --users-file", err=True)
    svc = Services(store, llm=llm)

    def background():
        # First run: an empty store gets the sample corpus (progress shows in the page); then warm the
        # assistant so the first question does not pay for loading indexes and models.
        if first_run:
            svc.ingest_samples_if_empty()
        if warm and svc.count_reports():
            try:
                svc.warm_up()
            except Exception:
                log.exception("warm-up failed; the first question will load what it needs")

    threading.Thread(target=background, name="first-run", daemon=True).start()
    demo = build_app(svc)
    demo.queue(default_concurrency_limit=2)
    click.echo(f"{TITLE}: http://{host}:{port}  (store: {svc.store_dir})", err=True)
    demo.launch(server_name=host, server_port=port, auth=auth.checker(users), auth_message=f"{TITLE} · 请登录",
                show_error=False,
                # Gradio's own cap (English message) sits above ours, so ordinary oversize files get
                # library_tab's Chinese message naming the limit
                max_file_size=f"{2 * MAX_MB}mb", prevent_thread_lock=not block, quiet=True,
                footer_links=[], **launch_kwargs())  # no "通过 API 使用" footer (the API itself stays)
    return demo


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; 0.0.0.0 opens the app to the network (use with login).")
@click.option("--port", "-p", default=7860, show_default=True, type=int, envvar="ASSISTANT_PORT", help="Port.")
@click.option("--store", "-s", default=None, help="Store directory (default ASSISTANT_STORE or ./data/store).")
@click.option("--llm", default="auto", show_default=True, type=click.Choice(["auto", "none", "local", "openai"]),
              help="Default answer backend (users can switch in the page).")
@click.option("--users-file", default=None, help="File of user:password lines; enables login (also env ASSISTANT_USERS).")
@click.option("--no-first-run", is_flag=True, help="Do not ingest the sample corpus into an empty store.")
def command(host, port, store, llm, users_file, no_first_run):
    """Start the web app.

    \b
    python -m assistant serve
    python -m assistant serve --port 8080 --store /srv/nianbao
    ASSISTANT_USERS="alice:secret" python -m assistant serve --host 0.0.0.0
    """
    serve(host=host, port=port, store=store, llm=llm, users_file=users_file, first_run=not no_first_run)
