"""Flask extensions, created unbound so that no module imports the package root for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeAlias

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase, scoped_session
from sqlalchemy.orm import Session as OrmSession

if TYPE_CHECKING:
    from flask_sqlalchemy.session import Session as FlaskSession

# Named constraints make Alembic's batch ("move and copy") migrations on SQLite repeatable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model maps one Table (DeclarativeBase types it as any FromClause).
    __table__: ClassVar[Table]


# Objects stay readable after the view's single commit (the 303 that follows needs no refresh
# query for the user or the attempt); every request starts a fresh session anyway.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
if TYPE_CHECKING:
    # mypy cannot take a base class from an attribute (python/mypy#8603); db.Model extends Base.
    Model = Base
else:
    Model = db.Model

# What services take: a plain Session, or `db.session`, Flask-SQLAlchemy's scoped proxy of one
# (it forwards every Session method but is not a subclass, so the type says both).
Session: TypeAlias = "OrmSession | scoped_session[FlaskSession]"

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
