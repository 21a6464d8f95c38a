#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import BadSetting

    try:
        execute_from_command_line(sys.argv)
    except BadSetting as exc:
        # A mistyped environment variable: say which and what it expects, without a traceback.
        sys.exit(f"motcua: {exc}")
