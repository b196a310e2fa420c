"""Database models, one module per aggregate; `db` is the shared Flask-SQLAlchemy handle."""

from models.application import Application, Attachment
from models.audit import AuditEntry
from models.authority import Authority, Division
from models.base import db
from models.document import Document, DocumentCounter
from models.draw import Draw
from models.enterprise import Enterprise, EnterpriseAccount
from models.evaluation import Evaluation
from models.holiday import Holiday, HolidayYear
from models.lookup import LookupLimit
from models.notification import Notification
from models.opinion import ApplicationParty, Opinion
from models.register import RegisterEntry
from models.security import AddressLock, SecurityEvent
from models.user import ApiToken, User

__all__ = [
    "db",
    "Authority",
    "Division",
    "ApiToken",
    "User",
    "Application",
    "Attachment",
    "AuditEntry",
    "Document",
    "DocumentCounter",
    "Holiday",
    "HolidayYear",
    "Notification",
    "Opinion",
    "ApplicationParty",
    "Draw",
    "Evaluation",
    "AddressLock",
    "SecurityEvent",
    "Enterprise",
    "EnterpriseAccount",
    "LookupLimit",
    "RegisterEntry",
]
