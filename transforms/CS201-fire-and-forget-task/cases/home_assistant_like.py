"""Integration code in the Home Assistant style. `hass.loop` is the event loop: a task created on
it and dropped is reported. `hass.create_task` / `hass.async_create_task` are the framework's own
tracked spawners (the receiver is not named like a loop): not reported."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

_LOGGER = logging.getLogger(__name__)
SCAN_INTERVAL = timedelta(seconds=30)


# `hass.loop.create_task`: a raw loop task, dropped.
# Error
async def async_setup_entry(hass, entry) -> bool:
    coordinator = entry.runtime_data
    hass.loop.create_task(coordinator.async_refresh())
    return True


# The framework's spawners keep their own references.
# OK
async def async_setup(hass, config) -> bool:
    hass.async_create_task(async_load_platforms(hass, config))
    hass.create_task(async_discover(hass))
    return True


class Doorbell:
    def __init__(self, hass, device) -> None:
        self.hass = hass
        self._device = device

    # Called from the device library's thread: `self.hass.loop.create_task` in a sync method.
    # Error
    def on_ring(self, event) -> None:
        _LOGGER.debug("ring: %s", event)
        self.hass.loop.create_task(self._async_handle_ring(event))

    # Scheduled through `call_soon_threadsafe` with the framework spawner, not a lambda.
    # OK
    def on_motion(self, event) -> None:
        self.hass.loop.call_soon_threadsafe(self.hass.async_create_task, self._async_handle_motion(event))

    # The entry's background-task API, and the loop task kept in an attribute.
    # OK
    async def async_added_to_hass(self, entry) -> None:
        entry.async_create_background_task(self.hass, self._device.listen(), "doorbell-listen")
        self._poller = self.hass.loop.create_task(self._device.poll())

    async def _async_handle_ring(self, event) -> None:
        await asyncio.sleep(0)

    async def _async_handle_motion(self, event) -> None:
        await asyncio.sleep(0)


async def async_load_platforms(hass, config) -> None: ...
async def async_discover(hass) -> None: ...
