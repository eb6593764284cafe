"""prosodydata.py - fill a private Prosody's internal storage directly.

Creating 5,000 accounts with `prosodyctl register` (a Lua start-up each)
or 5,000 roster items over IQs takes minutes; writing the files Prosody's
internal storage would write takes a fraction of a second.  The formats
are Prosody 0.12's util/datamanager.lua ("return <serialized table>;" in
DATA_PATH/HOST/STORE/USER.dat, with HOST and USER %-encoded except for
[A-Za-z0-9_]) and core/rostermanager.lua (roster[false] holds the
metadata: version and pending requests; every other key is a contact JID
with subscription, name and a set of groups).

Call these after LocalServer.start() (which registers its accounts) and
before any client logs in: Prosody reads a roster from disk when it is
first needed and an account file at every log-in.
"""

import os
import re
import shutil

from localserver import lua_str


def encode(s):
    return re.sub(r"[^A-Za-z0-9_]",
                  lambda m: "".join("%%%02x" % b
                                    for b in m.group(0).encode("utf-8")), s)


def store_path(srv, store, user):
    d = os.path.join(srv.data_path, encode(srv.host), store)
    os.makedirs(d, mode=0o700, exist_ok=True)
    return os.path.join(d, encode(user) + ".dat")


def clone_accounts(srv, template_user, users):
    """Give every name in users an account with template_user's password
    (same salt and keys: fine for a benchmark, and one PBKDF2 instead of
    thousands)."""
    src = store_path(srv, "accounts", template_user)
    if not os.path.exists(src):
        raise RuntimeError("no account file for %s at %s"
                           % (template_user, src))
    for u in users:
        shutil.copyfile(src, store_path(srv, "accounts", u))
        srv.passwords[u] = srv.passwords[template_user]


def roster_lua(items, version=1):
    """items: iterable of (jid, name or None, [groups], subscription)."""
    parts = ["return {\n  [false] = { version = %d; pending = {}; };\n"
             % version]
    for jid, name, groups, sub in items:
        g = "".join("[%s] = true; " % lua_str(x) for x in groups)
        parts.append("  [%s] = { subscription = %s; groups = { %s}; %s};\n"
                     % (lua_str(jid), lua_str(sub), g,
                        ("name = %s; " % lua_str(name)) if name else ""))
    parts.append("};\n")
    return "".join(parts)


def write_roster(srv, owner, items, version=1):
    with open(store_path(srv, "roster", owner), "w") as f:
        f.write(roster_lua(items, version))
