from ..auth.access import coop_blueprint

bp = coop_blueprint("audit", __name__, "/audit")
