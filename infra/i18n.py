"""Chinese first, English second: Flask-Babel, the locale choice (cookie > Accept-Language > zh) and the switch.

Source strings (msgids) are the Chinese texts; translations/en/LC_MESSAGES/messages.po holds English.
Refresh the catalogue after changing a page or a message:

    .venv/bin/pybabel extract -F babel.cfg -k bi -k bt -k _b -k lazy_bt -k _l --no-location \
        --ignore-dirs='.* __pycache__' -o /tmp/messages.pot .          # (the default skips templates/_macros)
    .venv/bin/pybabel update -i /tmp/messages.pot -d translations -N -w 120
    (translate the new entries in messages.po)
    .venv/bin/pybabel compile -d translations

tests/web/test_i18n.py fails while a page string has no English or the .mo is not the compiled .po.

Presentation: in Chinese a page is Chinese with the English as a small secondary hint
(`中文 <small lang="en">English</small>`, as `bi()` renders it); in English a page is English only.
"""

from __future__ import annotations

import os
from functools import lru_cache

from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, has_request_context, redirect, request, url_for
from flask_babel import Babel, get_locale, lazy_gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from infra.extensions import login_manager
from infra.redirects import local_path

COOKIE = "bianmin_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}  # the choice -> the Babel locale
HTML_LANG = {"zh": "zh-CN", "en": "en"}
TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations")

babel = Babel()
bp = Blueprint("i18n", __name__)
_l = lazy_gettext


def choose_language() -> str:
    """'zh' or 'en': an explicit choice (the cookie), else the browser's best match, else Chinese."""
    choice = request.cookies.get(COOKIE)
    if choice in LOCALES:
        return choice
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    return "en" if best == "en" else "zh"


def _select_locale() -> str:
    """Flask-Babel's selector; outside a request (commands, jobs, mail) Chinese."""
    return LOCALES[choose_language() if has_request_context() else "zh"]


def lang() -> str:
    """The current page's language, 'zh' or 'en' (outside a request: Chinese)."""
    try:
        return "en" if get_locale().language == "en" else "zh"
    except AttributeError:  # no context at all
        return "zh"


@lru_cache(maxsize=1)
def _english() -> NullTranslations:
    return Translations.load(TRANSLATIONS_DIR, ["en"])


def english(msgid: str, **params) -> str:
    """The English of a Chinese msgid, whatever the page's language (for the secondary hint)."""
    text = _english().gettext(msgid)
    return text % params if params else text


def _format(text: str, params: dict) -> Markup:
    return Markup(escape(text)) % params if params else Markup(escape(text))


def bi(msgid: str, **params) -> Markup:
    """A catalogue text as HTML: Chinese with its English as a small hint, or English alone."""
    if lang() == "en":
        return _format(english(msgid), params)
    return _format(msgid, params) + Markup(' <small lang="en">%s</small>') % _format(english(msgid), params)


def bi_of(msgid: str, **pairs) -> Markup:
    """Like bi(), with each parameter a pair (an Event, a Text…): the Chinese text takes the Chinese side and
    its English hint the English side, never "Done: 提交申请"."""
    zh = {k: _sides(v, None)[0] for k, v in pairs.items()}
    en = {k: _sides(v, None)[1] for k, v in pairs.items()}
    if lang() == "en":
        return _format(english(msgid), en)
    return _format(msgid, zh) + Markup(' <small lang="en">%s</small>') % _format(english(msgid), en)


def bt(msgid: str, **params) -> str:
    """A catalogue text as plain text, for attributes and flash messages: "中文 English" or "English"."""
    if lang() == "en":
        return english(msgid, **params)
    return f"{msgid % params if params else msgid} {english(msgid, **params)}"


def _sides(zh, en):
    """(zh, en) from two strings, or from anything with .zh/.en (Reason, Event, Field…) or ["zh"]/["en"]."""
    if en is not None:
        return zh, en
    if isinstance(zh, dict):
        return zh["zh"], zh["en"]
    return zh.zh, zh.en


def pick(zh, en: str | None = None) -> str:
    """One side of a pair the workflows give (a Reason, an Event, a Field… or two strings)."""
    zh, en = _sides(zh, en)
    return en if lang() == "en" else zh


def pair(zh, en: str | None = None) -> Markup:
    """A pair the workflows give, as HTML: Chinese with the English as a small hint, or English alone."""
    zh, en = _sides(zh, en)
    if lang() == "en" or not en or en == zh:
        return Markup(escape(pick(zh, en)))
    return Markup('%s <small lang="en">%s</small>') % (zh, en)


def pair_text(zh, en: str | None = None) -> str:
    """A pair as plain text, for <option>s: "中文 English" in Chinese, "English" in English."""
    zh, en = _sides(zh, en)
    return en if lang() == "en" else f"{zh} {en}"


def lazy_bt(msgid: str, **params) -> LazyString:
    """bt() when rendered: for form labels, choices and validation messages defined at import time."""
    return LazyString(bt, msgid, **params)


def lazy_pair_text(zh: str, en: str) -> LazyString:
    return LazyString(pair_text, zh, en)


def paren(text: str) -> str:
    """An aside in brackets, full-width in Chinese: （暂定） or " (provisional)"."""
    return f" ({text})" if lang() == "en" else f"（{text}）"


def safe_next(target: str | None) -> str:
    """A path of this site to go back to (infra/redirects.py judges it), else the home page."""
    return local_path(target) or url_for("public.index")


@bp.post("/lang")
def switch():
    """The header's 中文 | English buttons: remember the choice for a year and go back to the page."""
    choice = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")), 303)
    if choice in LOCALES:
        response.set_cookie(
            COOKIE, choice, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=request.is_secure, path="/"
        )
    return response


def _here() -> str:
    """The current page as a local path, for the switch to come back to (a form page shown after a POST
    comes back as a GET of the same path: every such page has one)."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def _vary(response):
    """A page's language depends on Accept-Language (and the cookie): caches must not mix them."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def _login_message(_configured: str) -> Markup:
    """Flask-Login's flash on the way to the login page, in the page's language."""
    return bi("请先登录")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=_select_locale, default_translation_directories=TRANSLATIONS_DIR)
    app.register_blueprint(bp)
    login_manager.localize_callback = _login_message
    app.after_request(_vary)
    app.jinja_env.globals.update(
        bi=bi,
        bt=bt,
        pick=pick,
        pair=pair,
        lang=lang,
        html_lang=lambda: HTML_LANG[lang()],
        colon=lambda: ": " if lang() == "en" else "：",
        semicolon=lambda: "; " if lang() == "en" else "；",
        paren=paren,
        lang_switch_next=_here,
    )
