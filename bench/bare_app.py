"""The yardstick for verify_rps_vs_bare_flask: a bare Flask app answering the verify URL from memory.

`gunicorn "bench.bare_app:app"` with BENCH_VERIFY_JSON naming a file that holds the JSON to return.
"""

import json
import os

from flask import Flask

app = Flask(__name__)
with open(os.environ["BENCH_VERIFY_JSON"], encoding="utf-8") as fh:
    ANSWER = json.load(fh)


@app.get("/api/v1/verify/<token>")
def verify(token):
    return ANSWER
