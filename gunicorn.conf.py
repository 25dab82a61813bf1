"""gunicorn reads this file when started from this directory: the same rule as
`flask coop serve`, before any socket is bound: the development secret key never listens
beyond this computer."""


def on_starting(server):
    from coop_app.config import check_listening, config_from_env

    settings = {"SECRET_KEY": config_from_env().SECRET_KEY}
    for address in server.cfg.address:
        if isinstance(address, tuple):  # (host, port); a unix socket is this computer's own
            check_listening(settings, address[0])
