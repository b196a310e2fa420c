"""Blueprints by audience: auth, the JSON API, public pages, the applicant portal, the clerk console."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from views import api, auth, console, portal, public
    from extensions import csrf
    csrf.exempt(api.bp)          # the API authenticates with bearer tokens, not cookies
    for module in (auth, api, public, portal, console):
        app.register_blueprint(module.bp)
