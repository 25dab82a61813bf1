from ..auth.access import coop_blueprint

bp = coop_blueprint("ledger", __name__, "/ledger")
