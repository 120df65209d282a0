"""The text of each e-mail, in the recipient's language. Core: Babel and the stdlib, no Flask.

Plain text only (no HTML to sanitise, readable in every client). Templates are English message
ids marked with `N_`, translated through the same catalogs the site uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from course.problems import N_

SUBJECTS = {
    "invitation": N_("Your account for the Frontline course"),
    "reset": N_("Set a new password for the Frontline course"),
    "reminder": N_("A reminder: your group's due date for the Frontline course"),
}
BODIES = {
    "invitation": N_(
        "Hello, {name}!\n\nAn account on the Frontline course has been made for you. Your login is your "
        "e-mail address, {email}.\n\nChoose your password with this link. It works once, until {expires} (UTC):\n\n"
        "{link}\n\nIf you did not expect this message, you can ignore it."
    ),
    "reset": N_(
        "Hello, {name}!\n\nAn administrator has made a link for you to set a new password. It works once, "
        "for {minutes} minutes:\n\n{link}\n\nIf you did not ask for this, tell your administrator."
    ),
    "reminder": N_(
        "Hello, {name}!\n\nYour group “{cohort}” is to finish the course by {due}. So far you have read "
        "{percent} of the lessons. Continue where you left off:\n\n{link}\n\n"
        "To stop these reminders, untick them in “My account”: {account_link}"
    ),
}


def compose(kind: str, params: Mapping[str, object], translate: Callable[[str], str]) -> tuple[str, str]:
    """(subject, body) of a message of `kind`, filled with `params`."""
    return translate(SUBJECTS[kind]), translate(BODIES[kind]).format(**params)
