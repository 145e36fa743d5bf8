"""``makemessages`` that also collects ``N_("…")``: the project marks labels declared at import time (ledger and
column labels, units) with ``gettext_noop as N_`` and translates them where they are shown."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
