"""The ini file a benchmark runs CKAN with: its own [app:main] settings over
one of the project's ini files, and logging to stderr at one level."""
from __future__ import annotations

LOGGING = """
[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = {level}
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""


def ini_text(base: str, settings: dict[str, object], level: str = "WARNING") -> str:
    """``[app:main]`` using ``base`` (an ini path) with ``settings``."""
    lines = ["[app:main]", f"use = config:{base}"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n" + LOGGING.format(level=level)
