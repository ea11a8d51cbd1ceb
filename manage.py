#!/usr/bin/env python
import os
import secrets
import sys

# Developer tools that read the code but never serve a request or touch secrets:
# they may run without configuration (the settings refuse to start without a
# SECRET_KEY when DEBUG is off, which is right for everything else).
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cwop_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
