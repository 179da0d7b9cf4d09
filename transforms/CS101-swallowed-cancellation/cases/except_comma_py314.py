"""Integration setup in the Home Assistant style, using Python 3.14's unparenthesized
`except A, B:` (PEP 758). Binding a name needs the parentheses back:
`except (A, B) as exc:`."""

import asyncio
import logging

_LOGGER = logging.getLogger(__name__)


# A cancelled setup counted as a failed one (`return False`): unsafe.
# Error
async def async_setup_entry(hass, entry) -> bool:
    coordinator = entry.runtime_data
    try:
        await coordinator.async_config_entry_first_refresh()
    except asyncio.CancelledError, TimeoutError:
        _LOGGER.warning("Setup of %s was cancelled or timed out", entry.title)
        return False
    return True


class DeviceCoordinator:
    def __init__(self, api) -> None:
        self.api = api
        self.available = True

    # Falls off the end, nothing after the `try`: safe.
    # Error
    async def async_update_data(self) -> dict | None:
        try:
            return await self.api.get_state()
        except asyncio.CancelledError, ConnectionError:
            self.available = False


# No cancellation in the list.
# OK
async def async_unload_entry(hass, entry) -> bool:
    try:
        await entry.runtime_data.api.disconnect()
    except TimeoutError, ConnectionError:
        return False
    return True
