"""Local run: the embedded SQLite default on a laptop or office PC."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", False)

# The embedded demo (`make run`) asks only the system administrator for a second factor (always required): every
# other demo role can be walked without an authenticator app. Production (base, prod) also requires it for the
# township leader, the working group and the discipline inspector; LIANXIN_2FA_REQUIRED_ROLES sets the list here too.
LIANXIN_2FA_REQUIRED_ROLES = sorted({*env_list("LIANXIN_2FA_REQUIRED_ROLES", ""), "system_admin"})
