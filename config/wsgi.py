import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# Refuse to serve with keys that do not belong to the database (lianxin.core.keys): every stored ID would
# be unreadable and every new one sealed with the wrong key.
from lianxin.core.keys import keys_check_at_start  # noqa: E402

keys_check_at_start()
