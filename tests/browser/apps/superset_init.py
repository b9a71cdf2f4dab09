"""Initialise a fresh Superset's metadata database in one process (run by ``.tools/superset``'s
Python, with ``SUPERSET_CONFIG_PATH`` set): what ``superset db upgrade``, ``superset init`` and
two ``superset fab create-user`` do, without paying Superset's start-up four times.

``python superset_init.py <admin password> <viewer password>``: an ``admin`` (Admin) who seeds
the dashboards and a ``viewer`` (Alpha) the renderer signs in as.
"""

from __future__ import annotations

import sys
from pathlib import Path

import superset
from flask_migrate import upgrade
from superset import appbuilder, security_manager
from superset.app import create_app
from superset.extensions import db


def main(admin_password: str, viewer_password: str) -> None:
    with create_app().app_context():
        upgrade(directory=str(Path(superset.__file__).parent / "migrations"))
        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()
        for name, role, password in (
            ("admin", "Admin", admin_password),
            ("viewer", "Alpha", viewer_password),
        ):
            found = security_manager.add_user(
                name,
                "Snap",
                "Shot",
                f"{name}@example.com",
                security_manager.find_role(role),
                password=password,
            )
            if not found:
                raise SystemExit(f"could not create the {name} user")
        db.session.commit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
