"""``makemessages`` that also extracts ``pgettext_office(...)`` messages.

Office records (case history, registers) are written in the office's language
through ``documents.services.common.pgettext_office``; xgettext must know that
name as a gettext keyword, which Django's command has no option for.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=pgettext_office"]
