"""The agent's part in autoscaling (docs/design.md: busy instances protect themselves from scale-in; the
termination lifecycle hook lets the agent drain before the instance goes).

Every ``fleet_poll_seconds``:

- **protection**: a busy agent sets scale-in protection on its instance at once; an idle one
  clears it after ``protection_debounce_seconds`` of idleness, so a gap between two jobs does not
  flap it. The group then only ever removes idle instances.
- **leaving**: the instance's target lifecycle state (IMDSv2) turning ``Terminated`` (scale-in,
  instance refresh) or a Spot interruption notice starts the agent's drain; once drained, a
  lifecycle-driven exit completes the lifecycle action (``CONTINUE``) so the group proceeds
  without waiting out the hook's timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from agent.imds import Imds
from agent.settings import AgentSettings

log = logging.getLogger(__name__)


class Member(Protocol):
    @property
    def running(self) -> int: ...

    def request_stop(self) -> None: ...


class GroupMember:
    def __init__(self, settings: AgentSettings, autoscaling: Any, agent: Member, imds: Imds) -> None:
        if settings.autoscaling_group is None:
            raise ValueError("GroupMember needs SNAPSHOT_AUTOSCALING_GROUP")
        self._settings = settings
        self._group: str = settings.autoscaling_group
        self._autoscaling = autoscaling
        self._agent = agent
        self._imds = imds
        self.instance_id: str | None = None
        self.leaving: str | None = None
        self.protected = False
        self._idle_since: float | None = None

    async def run(self) -> None:
        while True:
            try:
                if self.instance_id is None:
                    self.instance_id = await self._imds.get("meta-data/instance-id")
                await self._watch_for_termination()
                await self._keep_protection()
            except Exception:
                log.exception("fleet check failed; retrying")
            await asyncio.sleep(self._settings.fleet_poll_seconds)

    async def _watch_for_termination(self) -> None:
        if self.leaving is not None:
            return
        state = await self._imds.get("meta-data/autoscaling/target-lifecycle-state")
        spot = await self._imds.get("meta-data/spot/instance-action")
        if state == "Terminated" or spot is not None:
            self.leaving = "lifecycle" if state == "Terminated" else "spot"
            log.info("instance %s is leaving (%s): draining", self.instance_id, self.leaving)
            self._agent.request_stop()

    async def _keep_protection(self) -> None:
        if self.leaving is not None or self.instance_id is None:
            return
        now = time.monotonic()
        if self._agent.running > 0:
            self._idle_since = None
            if not self.protected:
                await self._protect(True)
            return
        self._idle_since = self._idle_since if self._idle_since is not None else now
        if self.protected and now - self._idle_since >= self._settings.protection_debounce_seconds:
            await self._protect(False)

    async def _protect(self, protected: bool) -> None:
        await self._autoscaling.set_instance_protection(
            InstanceIds=[self.instance_id], AutoScalingGroupName=self._group, ProtectedFromScaleIn=protected
        )
        self.protected = protected
        log.info("scale-in protection %s", "on" if protected else "off")

    async def finish(self) -> None:
        """After the drain: let the group terminate the instance now, not at the hook's timeout."""
        if self.leaving != "lifecycle" or self.instance_id is None:
            return
        try:
            await self._autoscaling.complete_lifecycle_action(
                LifecycleHookName=self._settings.lifecycle_hook,
                AutoScalingGroupName=self._group,
                InstanceId=self.instance_id,
                LifecycleActionResult="CONTINUE",
            )
            log.info("lifecycle action completed for %s", self.instance_id)
        except Exception:
            log.exception("could not complete the lifecycle action; the hook times out instead")
