"""Import settings from the app's config, with the list values accepted in both languages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from course.accounts.choices import ORG_TYPES, REGIONS
from course.cohorts.csvfile import choice_aliases
from course.cohorts.imports import ImportSettings
from course.mail.settings import mail_enabled
from course.message_catalogs import translations_dir, translator


def import_settings(config: Mapping) -> ImportSettings:
    uk = translator("uk", translations_dir())
    return ImportSettings(
        max_bytes=config["IMPORT_MAX_BYTES"],
        max_changed_share=config["IMPORT_MAX_CHANGED_SHARE"],
        invitation_ttl=timedelta(days=config["INVITATION_DAYS"]),
        mail_enabled=mail_enabled(config),
        choices={"org_type": choice_aliases(ORG_TYPES, uk), "region": choice_aliases(REGIONS, uk)},
    )
