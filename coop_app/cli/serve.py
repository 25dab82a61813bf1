"""flask coop serve: the production server, waitress, the same command on Windows and Linux.
(`make run` keeps Flask's development server for the demo; gunicorn serves
`coop_app:create_app()` on a Linux server with several processes.)"""
import click
from flask import current_app
from flask.cli import with_appcontext

from coop_app.config import check_listening, proxy_count


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but 127.0.0.1 needs COOP_SECRET_KEY.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
@with_appcontext
def serve_command(host, port, threads):
    """Serve the app with waitress until stopped (Ctrl+C)."""
    import waitress

    app = current_app._get_current_object()
    check_listening(app.config, host)
    waitress.serve(app, **server_options(app.config, host, port, threads))


def server_options(config, host, port, threads):
    """waitress's settings. Waitress drops X-Forwarded-* headers by default; behind
    COOP_PROXY_COUNT proxies it passes them on to the app's ProxyFix, which trusts exactly
    that many hops."""
    return {"host": host, "port": port, "threads": threads, "ident": "coop",
            "clear_untrusted_proxy_headers": proxy_count(config) == 0}
