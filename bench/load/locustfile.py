"""Locust: a working day of Harbin on Bianmin (bench/load/model.py has the mix, docs/PERFORMANCE.md derives it).

Three kinds of people, in proportion to their share of the requests: applicants filing (create, upload, submit)
and following their applications, clerks working their inbox and deciding (each decision issues a document), the
public verifying documents, looking up progress and searching a register. Each person sends one request every
PACE_S seconds, walking its cycle; bench/load/run.py starts the servers, seeds the data and names it in
BENCH_LOAD_CONFIG (a JSON file).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from itertools import count
from pathlib import Path

import gevent
from locust import HttpUser, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.load.model import CYCLES, PACE_S, weights  # noqa: E402

CONFIG = json.loads(Path(os.environ["BENCH_LOAD_CONFIG"]).read_text(encoding="utf-8"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_next_case = count()  # the clerks' decisions: each takes the next seeded application (one process, gevent)
_next_premise = count(random.randrange(10**6) * 1000)  # premise numbers no other run's locust reuses
WEIGHTS = weights()


class Person(HttpUser):
    abstract = True
    role = ""

    def on_start(self):
        # people do not all click in the same instant: each one's first request falls at a random moment of the
        # first pace, and every later one a whole pace after the one before (see wait_time), so that the requests
        # of a step stay spread over time instead of arriving in bursts of every user at once
        gevent.sleep(random.uniform(0, PACE_S))
        self.due = time.monotonic()
        self.step = random.randrange(len(CYCLES[self.role]))
        self.headers = {"Accept-Language": "zh"}
        token = CONFIG["tokens_by_role"].get(self.role)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def wait_time(self) -> float:
        """One request every PACE_S seconds on this person's own phase. (Locust's constant_pacing counts its first
        pace from the start of the run, whatever on_start waited: all users then fired together at every pace,
        a burst of 71 requests every 5 s that measured the load generator's queue, not the server.) A person
        who falls more than a pace behind starts again from now rather than catching up in a burst."""
        now = time.monotonic()
        self.due += PACE_S
        if self.due < now - PACE_S:
            self.due = now
        return max(0.0, self.due - now)

    @task
    def next_request(self):
        action = CYCLES[self.role][self.step % len(CYCLES[self.role])]
        self.step += 1
        getattr(self, action)()

    def get(self, url, name, **kw):
        return self.client.get(url, headers=self.headers, name=name, **kw)


class Applicant(Person):
    role = "applicant"
    weight = WEIGHTS["applicant"]
    draft: dict | None = None

    def create(self):
        # a premise of its own: the same enterprise may not register one address twice (the submit guard)
        fields = {**CONFIG["fields"], "premise_address": f"索菲亚小区{next(_next_premise)}号楼1单元102室"}
        r = self.client.post(
            "/api/v1/applications",
            json={"procedure": CONFIG["procedure"], "fields": fields},
            headers=self.headers,
            name="applicant: create",
        )
        self.draft = r.json() if r.status_code == 201 else None

    def upload(self):
        if self.draft:
            self.client.post(
                f"/api/v1/applications/{self.draft['id']}/attachments",
                data={"kind": CONFIG["attachment_kind"]},
                files={"file": ("lease.pdf", PDF, "application/pdf")},
                headers=self.headers,
                name="applicant: upload",
            )

    def submit(self):
        if self.draft:
            self.client.post(
                f"/api/v1/applications/{self.draft['id']}/events",
                json={"event": "submit", "version": self.draft["version"]},
                headers=self.headers,
                name="applicant: submit",
            )

    def view(self):
        if self.draft:
            self.get(f"/api/v1/applications/{self.draft['id']}", "applicant: view application")
        else:
            self.mine()

    def mine(self):
        self.get("/api/v1/applications?per_page=20", "applicant: my applications")


class Clerk(Person):
    role = "clerk"
    weight = WEIGHTS["clerk"]

    def inbox(self):
        self.get("/api/v1/applications?state=submitted&per_page=20", "clerk: inbox")

    def view(self):
        app_id, _version = random.choice(CONFIG["cases"])
        self.get(f"/api/v1/applications/{app_id}", "clerk: view application")

    def decide(self):
        k = next(_next_case)
        if k >= len(CONFIG["cases"]):
            return self.inbox()  # the seeded cases are used up: a longer run needs more (bench/load/run.py)
        app_id, version = CONFIG["cases"][k]
        self.client.post(
            f"/api/v1/applications/{app_id}/events",
            json={"event": CONFIG["decision"], "version": version, "comment": "准予登记"},
            headers=self.headers,
            name="clerk: decide (issues a document)",
        )


class Public(Person):
    role = "public"
    weight = WEIGHTS["public"]

    def verify_api(self):
        self.get(f"/api/v1/verify/{random.choice(CONFIG['tokens'])}", "public: verify (API)")

    def verify_page(self):
        self.get(f"/verify/{random.choice(CONFIG['tokens'])}", "public: verify (page)")

    def progress(self):
        number, code = random.choice(CONFIG["progress"])
        self.get(f"/api/v1/progress?number={number}&credit_code={code}", "public: progress")

    def search_api(self):
        q = random.choice(CONFIG["queries"])
        self.get(f"/api/v1/registers/{CONFIG['register']}?q={q}", "public: register search (API)")

    def search_page(self):
        q = random.choice(CONFIG["queries"])
        self.get(f"/registers/{CONFIG['register']}?q={q}", "public: register search (page)")
