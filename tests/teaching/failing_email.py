"""An email backend whose server is down, to prove that a failed send keeps nothing."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class DownEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SomeAddressesDownBackend(BaseEmailBackend):
    """Delivers to the test outbox, except mail to an address at unreachable.invalid, which is refused."""

    def send_messages(self, email_messages):
        from django.core import mail

        for message in email_messages:
            refused = [a for a in message.to if a.endswith("@unreachable.invalid")]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"No such mailbox")))
            mail.outbox.append(message)
        return len(email_messages)
