"""Local run: the embedded SQLite default on a laptop or office PC."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
