"""QuickSight embed URLs as the ``browser`` renderer's page: a report's ``source.quicksight``
instead of ``source.url``.

```toml
[reports.sales_embed.source]
quicksight = { dashboard_id = "sales" }   # anonymous: session tags are the caller's scope
# quicksight = { dashboard_id = "sales", user_arn = "arn:aws:quicksight:...:user/default/ana" }
wait_for = "selector:#dashboard-ready"
```

Anonymous users get GenerateEmbedUrlForAnonymousUser (RLS session tags: the caller's scope of
the governed tables the report ``reads``); a
``user_arn`` gets GenerateEmbedUrlForRegisteredUser, the way to render what a registered user
sees, which the snapshot job API cannot. An embed URL is single-use and short-lived, so one is
made per job, just before the page is opened.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent.pacer import Pacer
from agent.renderers.quicksight.calls import QuickSightCalls
from agent.renderers.spec import quicksight_id


class EmbedSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dashboard_id: str = Field(pattern=r"^[\w\-{}]+$", max_length=512)
    namespace: str = "default"
    user_arn: str | None = Field(default=None, pattern=r"^arn:aws[\w-]*:quicksight:")
    session_minutes: int = Field(default=15, ge=15, le=600)


class EmbedUrls:
    def __init__(self, client: Any, account_id: str, region: str, calls_per_second: float) -> None:
        self._calls = QuickSightCalls(client, Pacer(1 / calls_per_second))
        self._account = account_id
        self._region = region

    async def url(
        self, source: EmbedSource, params: dict[str, Any], report: str, tags: list[dict[str, str]]
    ) -> str:
        dashboard = quicksight_id(source.dashboard_id, params, report)
        experience = {"Dashboard": {"InitialDashboardId": dashboard}}
        if source.user_arn is not None:
            response = await self._calls.call(
                "generate_embed_url_for_registered_user",
                AwsAccountId=self._account,
                UserArn=source.user_arn,
                SessionLifetimeInMinutes=source.session_minutes,
                ExperienceConfiguration=experience,
            )
        else:
            response = await self._calls.call(
                "generate_embed_url_for_anonymous_user",
                AwsAccountId=self._account,
                Namespace=source.namespace,
                SessionLifetimeInMinutes=source.session_minutes,
                AuthorizedResourceArns=[
                    f"arn:aws:quicksight:{self._region}:{self._account}:dashboard/{dashboard}"
                ],
                ExperienceConfiguration=experience,
                **({"SessionTags": tags} if tags else {}),
            )
        return str(response["EmbedUrl"])
