"""Blueprints by audience: auth, the JSON API, public pages, the applicant portal, the clerk console."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from views import admin, api, auth, console, health, portal, public, stats
    from extensions import csrf
    csrf.exempt(api.bp)          # the API authenticates with bearer tokens, not cookies
    for module in (health, auth, api, public, portal, console, stats, admin):
        app.register_blueprint(module.bp)
