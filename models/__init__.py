"""Database models, one module per aggregate; `db` is the shared Flask-SQLAlchemy handle."""
from models.base import db
from models.authority import Authority, Division
from models.user import ApiToken, User
from models.application import Application, Attachment
from models.audit import AuditEntry
from models.document import Document, DocumentCounter
from models.holiday import Holiday, HolidayYear
from models.notification import Notification
from models.opinion import ApplicationParty, Opinion
from models.draw import Draw
from models.evaluation import Evaluation
from models.security import AddressLock, SecurityEvent
from models.enterprise import Enterprise, EnterpriseAccount
from models.lookup import LookupLimit
from models.register import RegisterEntry

__all__ = ["db", "Authority", "Division", "ApiToken", "User", "Application", "Attachment",
           "AuditEntry", "Document", "DocumentCounter", "Holiday", "HolidayYear", "Notification",
           "Opinion", "ApplicationParty", "Draw", "Evaluation", "AddressLock", "SecurityEvent",
           "Enterprise", "EnterpriseAccount", "LookupLimit", "RegisterEntry"]
