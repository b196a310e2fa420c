"""Operations (STYLE.md 11): one function per admin or account data change, with its security-log entry
inside, called alike by the command line (cli/), the admin and account pages (views/) and the API
(views/api/). Each flushes and leaves the commit to its caller, so the change and its entry commit
together or not at all.

- accounts: log in and out, create a user, lock and unlock an account or an address, revoke tokens,
  change a password
- settings: an authority's [cfg] setting, the holiday table
- claims: take and release an application to handle
- keys: the signing keys (init, import, rotate)
- chains: verify every hash chain (a read: it records nothing, so running it twice changes nothing)
"""

from workflows.audit import verify_chains, verify_security_log  # noqa: F401
from workflows.operations.accounts import (  # noqa: F401
    change_password,
    create_user,
    lock_account,
    log_in,
    log_out,
    revoke_token,
    revoke_tokens,
    unlock_account,
    unlock_address,
)
from workflows.operations.claims import claim, release  # noqa: F401
from workflows.operations.keys import import_certificate, init_keys, rotate_key  # noqa: F401
from workflows.operations.settings import load_holidays, set_authority_setting  # noqa: F401
