"""Keeps personal data and secrets out of the logs.

RedactPersonalData is a logging filter on every handler (settings.LOGGING). It rewrites each record, in
place, before it is written: the message with its arguments, and any traceback. Masked wherever they
appear:

- email addresses;
- query strings (`?q=Smith`, `?next=...`): searches and links may carry names, numbers or keys;
- the secret in a calendar feed address, and in sign-in links (password reset and email confirmation);
- API tokens (`heft_...`), `Bearer`/`Token` credentials and any long random-looking string;
- six- and seven-digit numbers: authenticator (TOTP) codes and GMC numbers. A response size or a
  microsecond of that length is masked with them, which costs nothing worth keeping.

Masking in place means a handler that runs after this one (a test's log capture, say) sees the same
masked text as the console.
"""

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# After a path or a word character, so that a question mark in prose is left alone.
QUERY_STRING = re.compile(r"(?<=[\w/.-])\?[^\s\"'<>]+")
SECRET_PATHS = re.compile(
    r"(?P<prefix>/calendar/trainee/|/password/reset/key/|/confirm-email/|/login/code/)[^/\s\"'?.]+"
)
CREDENTIAL = re.compile(r"\b(?P<scheme>Bearer|Token)\s+[^\s\"']+", re.IGNORECASE)
API_TOKEN = re.compile(r"\bheft_[A-Za-z0-9_-]+")
# Random-looking: 20 or more URL-safe characters with upper case, lower case and a digit among them.
RANDOM = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}"
)
CODE_OR_GMC = re.compile(r"(?<!\d)\d{6,7}(?!\d)")


def redact(text: str) -> str:
    text = QUERY_STRING.sub("?[query]", text)
    text = SECRET_PATHS.sub(r"\g<prefix>[secret]", text)
    text = CREDENTIAL.sub(r"\g<scheme> [secret]", text)
    text = API_TOKEN.sub("heft_[secret]", text)
    text = EMAIL.sub("[email]", text)
    text = RANDOM.sub("[secret]", text)
    return CODE_OR_GMC.sub("[number]", text)


class RedactPersonalData(logging.Filter):
    """Masks personal data and secrets in every record that passes. Never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: log what can be logged rather than lose it
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
