"""bin/setup waits for another apt process's lock instead of failing (issue 17 item 11): run on a copy of the
script with stand-ins for dpkg-query (everything missing) and apt-get (the lock held for the first two calls)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _workspace(tmp_path: Path, busy_calls: int) -> tuple[Path, dict]:
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "setup", tmp_path / "bin" / "setup")
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    _exe(venv / "python", "#!/bin/sh\nexit 0\n")
    # requirements already installed: the script must not reach pip
    (tmp_path / ".venv" / ".requirements.sha256").write_text(
        hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest() + "\n"
    )
    fake = tmp_path / "fakebin"
    fake.mkdir()
    _exe(fake / "dpkg-query", "#!/bin/sh\nexit 1\n")
    _exe(fake / "pg_dump", "#!/bin/sh\nexit 0\n")
    _exe(fake / "sudo", '#!/bin/sh\nexec "$@"\n')
    log = tmp_path / "apt.log"
    _exe(
        fake / "apt-get",
        f"""#!/bin/sh
echo "$@" >> {log}
n=$(wc -l < {log})
if [ "$n" -le {busy_calls} ]; then
  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
  exit 100
fi
exit 0
""",
    )
    env = {
        **os.environ,
        "PATH": f"{fake}:{os.environ['PATH']}",
        "BIANMIN_APT_RETRY_SECONDS": "0",
        "BIANMIN_APT_LOCK_TIMEOUT": "5",
    }
    return tmp_path, env


def test_setup_waits_for_the_dpkg_lock_and_goes_on(tmp_path):
    where, env = _workspace(tmp_path, busy_calls=2)
    r = subprocess.run(["bash", str(where / "bin" / "setup")], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "waiting for the apt/dpkg lock" in r.stderr
    calls = (where / "apt.log").read_text().splitlines()
    assert calls[0].startswith("-o DPkg::Lock::Timeout=5 update") and calls[-1].startswith(
        "-o DPkg::Lock::Timeout=5 install -y -qq libharfbuzz-subset0"
    )
    assert len(calls) == 4  # update twice refused, then update, then install


def test_setup_gives_up_after_the_timeout_and_says_why(tmp_path):
    where, env = _workspace(tmp_path, busy_calls=1000)
    r = subprocess.run(["bash", str(where / "bin" / "setup")], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode != 0
    assert "Could not get lock" in r.stderr and "apt-get update failed" in r.stderr


def test_the_readme_names_the_host_and_port_variables():
    readme = (ROOT / "README.md").read_text()
    assert "BIANMIN_PORT" in readme and "BIANMIN_HOST" in readme
