"""A datasource's URL as the agent connects with it: ``SNAPSHOT_DATA_SOURCES``' URL, with the
password of its secret (``SNAPSHOT_DATA_SOURCE_SECRETS``) when it has one. Renders and loads
fail with their own error kinds: an unknown datasource is the job's fault, an unreadable secret
the moment's."""

from __future__ import annotations

from agent.causes import hide_url
from agent.jobs.errors import JobError
from agent.secret_passwords import SecretPasswords, SecretUnavailable


class DatasourceUrls:
    def __init__(
        self,
        urls: dict[str, str],
        passwords: SecretPasswords | None,
        invalid: type[JobError],
        transient: type[JobError],
    ) -> None:
        self._urls = urls
        for url in urls.values():
            hide_url(url)
        self._passwords = passwords
        self._invalid = invalid
        self._transient = transient

    async def url(self, name: str) -> str:
        if name not in self._urls:
            raise self._invalid(
                f"datasource {name!r} is not configured on this agent (SNAPSHOT_DATA_SOURCES)"
            )
        if self._passwords is None:
            return self._urls[name]
        try:
            url = await self._passwords.url(name, self._urls[name])
        except SecretUnavailable as exc:
            raise self._transient(f"datasource {name!r}: {exc}") from exc
        hide_url(url)
        return url
