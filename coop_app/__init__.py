"""coop_app: books, savings, loans and indicators for Desmigratif village cooperatives."""
from pathlib import Path

from flask import Flask, g, has_request_context, render_template, request, session
from flask.cli import AppGroup
from flask_babel import format_date, get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from coop_app import database  # noqa: F401  (registers the connection events)
from coop_app import formatting, logs, registry
from coop_app.config import (BASE_DIR, check_development_server, check_production,
                             config_from_env, proxy_count)
from coop_app.cooperatives import words as sharia_words
from coop_app.errors import NotFound as DomainNotFound
from coop_app.extensions import babel, csrf, db, login_manager, migrate
from coop_app.money import format_money


def select_locale():
    if not has_request_context():  # CLI and batch jobs speak the default language
        return "id"
    lang = session.get("lang")
    if lang in ("id", "en"):
        return lang
    if current_user and current_user.is_authenticated and current_user.locale in ("id", "en"):
        return current_user.locale
    return "id"


def select_timezone():
    """Flask-Babel's zone (its format_datetime, to_utc): the zone of the page's cooperative;
    the default, Asia/Jakarta (WIB), elsewhere."""
    coop = g.get("coop") if has_request_context() else None
    return coop.zone.key if coop is not None else None  # a name: Flask-Babel makes its pytz zone


MAX_ROW_ID = 2_147_483_647  # ids are 32-bit integers in both databases


class RowIdConverter(IntegerConverter):
    """`<int:...>` in URLs: a number past the largest id matches no route (404) rather than
    overflowing the query that would look it up (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ROW_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def create_app(config=None):
    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"),
                instance_path=str(BASE_DIR / "instance"))
    app.config.from_object(config or config_from_env())
    check_production(app.config)
    check_development_server(app.config)
    proxies = proxy_count(app.config)
    if proxies:  # behind that many reverse proxies: the client, scheme and host they saw
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    Path(app.instance_path).mkdir(exist_ok=True)
    logs.configure_logging()
    logs.register_request_log(app)  # first, so every request has its id

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    sharia_words.install(app, babel)  # a KSPPS/BMT's pages say pembiayaan, margin, ta'zir

    # Before any route is added: every <int:...> in a URL is a row id.
    app.url_map.converters["int"] = RowIdConverter

    from coop_app.audit import hooks
    hooks.register(db.session)
    _register_models()
    app.extensions[registry.EXTENSION] = _fill_registry()
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_errors(app)
    _register_security(app)
    _register_commands(app)
    return app


def _register_models():
    # Import every model so that Alembic and relationships see the whole schema.
    from coop_app.audit import models as _audit  # noqa: F401
    from coop_app.auth import models as _auth  # noqa: F401
    from coop_app.closing import models as _closing  # noqa: F401
    from coop_app.cooperatives import models as _coops  # noqa: F401
    from coop_app.enterprises import models as _enterprises  # noqa: F401
    from coop_app.ledger import models as _ledger  # noqa: F401
    from coop_app.loans import models as _loans  # noqa: F401
    from coop_app.members import models as _members  # noqa: F401
    from coop_app.indicators import models as _indicators  # noqa: F401
    from coop_app.trainings import models as _trainings  # noqa: F401
    from coop_app.savings import models as _savings  # noqa: F401


def _fill_registry():
    """Every extension point, filled here and only here (coop_app/registry.py says what each
    point is; docs/architecture.md lists them)."""
    from coop_app.cli import closing as closing_cli, ledger as ledger_cli, loans as loans_cli
    from coop_app.cli import backup as backup_cli, members as members_cli, serve as serve_cli
    from coop_app.cli import indicators as indicators_cli, users as users_cli
    from coop_app.demo.commands import demo_command
    from coop_app.enterprises.views import MEMBER_PANEL as ENTERPRISES_PANEL
    from coop_app.members.household_views import MEMBER_PANEL as HOUSEHOLD_PANEL
    from coop_app.indicators import snapshots as indicator_snapshots
    from coop_app.loans import monthend as loan_monthend, reversal as loan_reversal, workout
    from coop_app.loans.check import check_loans_subledger
    from coop_app.loans.views import MEMBER_PANEL as LOANS_PANEL
    from coop_app.membership import leaving
    from coop_app.remittances import recording as remittances
    from coop_app.remittances.views import MEMBER_PANEL as REMITTANCES_PANEL, MIGRANT_PANEL
    from coop_app.savings import movements as savings
    from coop_app.savings.check import check_savings_subledger
    from coop_app.savings.views import MEMBER_PANEL as SAVINGS_PANEL
    from coop_app.trainings.views import ENTERPRISE_PANEL as ASSISTANCE_PANEL
    from coop_app.trainings.views import MEMBER_PANEL as TRAININGS_PANEL
    from coop_app.loans import kinds as loan_kinds
    from coop_app.membership import kinds as membership_kinds
    from coop_app.remittances import kinds as remittance_kinds
    from coop_app.savings import kinds as savings_kinds
    from coop_app.loans import audit_records as loan_records
    from coop_app.loans import words as loan_words
    from coop_app.indicators import words as indicator_words
    from coop_app.members import audit_records as member_records
    from coop_app.savings import audit_records as savings_records

    return registry.Registry(
        reversal_handlers={**savings.REVERSAL_HANDLERS, **leaving.REVERSAL_HANDLERS,
                           **remittances.REVERSAL_HANDLERS, **loan_reversal.REVERSAL_HANDLERS,
                           **workout.REVERSAL_HANDLERS},
        subledger_checks=[check_savings_subledger, check_loans_subledger],
        month_end_steps=[loan_monthend.MONTH_END_STEP, indicator_snapshots.MONTH_END_STEP],
        cli_commands=[ledger_cli.check_ledger_command, ledger_cli.close_fiscal_year_command,
                      users_cli.create_admin_command,
                      members_cli.import_members_command, closing_cli.month_end_command,
                      loans_cli.loan_schedule_command, demo_command, serve_cli.serve_command,
                      backup_cli.backup_command, backup_cli.restore_command,
                      indicators_cli.indicator_snapshots_command],
        member_panels=[HOUSEHOLD_PANEL, SAVINGS_PANEL, ENTERPRISES_PANEL, TRAININGS_PANEL, LOANS_PANEL,
                       REMITTANCES_PANEL],
        migrant_panels=[MIGRANT_PANEL],
        enterprise_panels=[ASSISTANCE_PANEL],
        entry_kinds={**savings_kinds.ENTRY_KIND_WORDS, **membership_kinds.ENTRY_KIND_WORDS,
                     **remittance_kinds.ENTRY_KIND_WORDS, **loan_kinds.ENTRY_KIND_WORDS},
        audit_records={**member_records.AUDIT_RECORDS, **savings_records.AUDIT_RECORDS,
                       **loan_records.AUDIT_RECORDS},
        sharia_words={**loan_words.SHARIA_WORDS, **indicator_words.SHARIA_WORDS},
    )


def _register_commands(app):
    coop = AppGroup("coop", help="Cooperative operations: demo data, checks, batch jobs.")
    for command in app.extensions[registry.EXTENSION].cli_commands:
        coop.add_command(command)
    app.cli.add_command(coop)


def _register_blueprints(app):
    from coop_app.admin.views import bp as admin_bp
    from coop_app.audit.views import bp as audit_bp
    from coop_app.auth.views import bp as auth_bp
    from coop_app.enterprises.views import bp as enterprises_bp
    from coop_app.ledger.views import bp as ledger_bp
    from coop_app.portal.loans import bp as loan_portal_bp
    from coop_app.loans.portfolio.views import (bp as portfolio_bp,
                                                programme_bp as programme_portfolio_bp)
    from coop_app.indicators.views import bp as indicators_bp, programme_bp as programme_indicators_bp
    from coop_app.loans.views import bp as loans_bp
    from coop_app.main.health import bp as health_bp
    from coop_app.main.views import bp as main_bp, coop_bp
    from coop_app.members.migrant_views import bp as migrants_bp
    from coop_app.members.views import bp as members_bp
    from coop_app.members.household_views import bp as households_bp
    from coop_app.portal.views import bp as portal_bp
    from coop_app.remittances.views import bp as remittances_bp
    from coop_app.savings.views import bp as savings_bp
    from coop_app.trainings.views import bp as trainings_bp
    # Routes of use cases on their products' blueprints (where the pages have always been).
    from coop_app.closing import views as _closing_views  # noqa: F401  (on savings)
    from coop_app.membership import views as _membership_views  # noqa: F401  (on members)
    from coop_app.main import settings_views as _settings_views  # noqa: F401  (on coop)
    from coop_app.enterprises import report_views as _report_views  # noqa: F401  (on enterprises)
    from coop_app.portal import household as _household_portal  # noqa: F401  (on portal)
    from coop_app.admin import cpi_views as _cpi_views  # noqa: F401  (on admin)
    from coop_app.main.village_views import bp as village_bp

    for blueprint in (health_bp, auth_bp, main_bp, coop_bp, admin_bp, ledger_bp, audit_bp, members_bp,
                      migrants_bp, enterprises_bp, households_bp, trainings_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(remittances_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(savings_bp)
    app.register_blueprint(village_bp)
    for blueprint in (loans_bp, portfolio_bp, programme_portfolio_bp, loan_portal_bp):
        app.register_blueprint(blueprint)
    for blueprint in (indicators_bp, programme_indicators_bp):
        app.register_blueprint(blueprint)


def _register_template_helpers(app):
    @app.template_filter("money")
    def money_filter(amount):
        return format_money(amount, str(get_locale()))

    @app.template_filter("date")
    def date_filter(value, fmt="medium"):
        return format_date(value, fmt) if value else ""

    app.add_template_filter(formatting.local_time, "local_time")  # a moment, in its cooperative's zone

    @app.context_processor
    def inject():
        from coop_app.auth.access import has_role
        return {"current_locale": str(get_locale()), "has_role": has_role,
                "coop": g.get("coop")}


def _register_errors(app):
    def page(status, template):
        def handler(error):
            db.session.rollback()
            return render_template(template, error=error), status
        return handler

    app.register_error_handler(403, page(403, "errors/403.html"))
    app.register_error_handler(404, page(404, "errors/404.html"))
    # A domain NotFound raised in a view (a record outside what the user may see) is a 404:
    # views do not catch it themselves.
    app.register_error_handler(DomainNotFound, page(404, "errors/404.html"))
    app.register_error_handler(405, page(405, "errors/405.html"))
    app.register_error_handler(413, page(413, "errors/413.html"))
    app.register_error_handler(429, page(429, "errors/429.html"))
    app.register_error_handler(CSRFError, page(400, "errors/csrf.html"))
    app.register_error_handler(500, page(500, "errors/500.html"))


def _register_security(app):
    @app.before_request
    def remember_actor():
        g.actor_id = current_user.id if current_user.is_authenticated else None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
        if app.config.get("PRODUCTION"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint and request.endpoint != "static" and current_user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
        return response
