"""Users and the roles they hold, each role in one cooperative (or a region, for auditors)."""
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from coop_app.cooperatives import regions
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db

TREASURER = "treasurer"
MANAGER = "manager"
MEMBER = "member"
AUDITOR = "auditor"
ADMIN = "admin"
# The village facilitator (pendamping desa): records households, surveys, enterprise reports
# and trainings of one cooperative; touches no money.
PENDAMPING = "pendamping"
ROLES = (TREASURER, MANAGER, MEMBER, AUDITOR, ADMIN, PENDAMPING)
# Roles bound to one cooperative; auditors are bound to a region, admins to nothing.
COOPERATIVE_ROLES = (TREASURER, MANAGER, MEMBER, PENDAMPING)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    full_name = db.Column(db.String(200), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    locale = db.Column(db.String(5))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Stored in the session at login; raising it (logout, a password change) ends every
    # session of the user, including a copied cookie (auth/sessions.py).
    session_version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    grants = db.relationship("RoleGrant", back_populates="user", cascade="all, delete-orphan",
                             lazy="selectin")

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self):
        return any(g.role == ADMIN for g in self.grants)

    @property
    def is_auditor(self):
        """Holds a programme auditor's grant (a region, or everything)."""
        return any(g.role == AUDITOR for g in self.grants)

    def __repr__(self):
        return f"<User {self.username}>"


class RoleGrant(db.Model):
    """One role of one user: in a cooperative, or over a region (auditor), or global (admin).

    An auditor's region is a province, a kabupaten/kota within it, or everything (both
    empty), by their Kemendagri codes ("32", "32.12"; cooperatives/regions.py), compared with
    the cooperative's own codes.
    """

    __tablename__ = "role_grants"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    role = db.Column(db.String(20), nullable=False)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), index=True)
    scope_province = db.Column(db.String(100))
    scope_kabupaten = db.Column(db.String(100))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User", back_populates="grants")
    cooperative = db.relationship("Cooperative", lazy="joined")

    __table_args__ = (
        db.CheckConstraint(
            "role in ('treasurer', 'manager', 'member', 'auditor', 'admin', 'pendamping')",
            name="role"),
        db.CheckConstraint(
            "(role in ('treasurer', 'manager', 'member', 'pendamping') and cooperative_id is not null)"
            " or (role in ('auditor', 'admin') and cooperative_id is null)",
            name="scope"),
        db.UniqueConstraint("user_id", "role", "cooperative_id", "scope_province",
                            "scope_kabupaten", name="uq_role_grants_unique"),
    )

    @property
    def scope_label(self):
        """An auditor's region in words ("Kabupaten Indramayu, Jawa Barat"), or None for
        everything; a scope the list does not know is shown as written."""
        if self.scope_kabupaten and regions.get(self.scope_kabupaten):
            return regions.label(self.scope_kabupaten)
        if self.scope_kabupaten:
            return f"{self.scope_kabupaten}, {regions.label(self.scope_province)}"
        return regions.label(self.scope_province) if self.scope_province else None

    def covers(self, cooperative):
        """Whether this grant gives its role in `cooperative`."""
        if self.role in COOPERATIVE_ROLES:
            return self.cooperative_id == cooperative.id
        if self.role == AUDITOR:
            if self.scope_province and self.scope_province != cooperative.province_code:
                return False
            if self.scope_kabupaten and self.scope_kabupaten != cooperative.kabupaten_code:
                return False
            return True
        return False


class LoginFailure(db.Model):
    """One failed login: the username as typed (lowercased) and the client's address. Every
    process reads the same rows, so the throttle holds across workers (auth/throttle.py).
    Written with plain inserts: the audit trail does not record them."""

    __tablename__ = "login_failures"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False)
    address = db.Column(db.String(64), nullable=False)
    at = db.Column(db.DateTime, nullable=False)

    __table_args__ = (
        db.Index("ix_login_failures_username_at", "username", "at"),
        db.Index("ix_login_failures_address_at", "address", "at"),
        db.Index("ix_login_failures_at", "at"),
    )
