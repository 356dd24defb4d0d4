"""The Discord side of reminders: a claimed delivery becomes a channel post or a DM, and its outcome is told.

Registered with the reminder timer when the events feature loads, so the timer knows no feature's text.
"""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import discord

from cogs.events._embeds import reminder_text
from db.deliveries import DeliveryClaim, DeliveryOutcome
from db.reminders import CHANNEL


class DiscordReminderSender:
    """Posts reminders in the event's channel (pinging only its role), in the server's language, and by DM, in the
    language the member last used the bot in."""

    def __init__(self, client: discord.Client, server_language: str | None = None) -> None:
        self.client = client
        self.server_language = server_language

    async def send(self, claim: DeliveryClaim) -> DeliveryOutcome:
        in_channel = claim.target == CHANNEL
        language = self.server_language if in_channel else claim.locale
        text = reminder_text(claim.notice, now=datetime.now(UTC), in_channel=in_channel, language=language)
        try:
            if claim.target == CHANNEL:
                channel = self.client.get_channel(claim.recipient_id) or await self.client.fetch_channel(
                    claim.recipient_id
                )
                role = claim.notice.ping_role_id
                mentions = discord.AllowedMentions(
                    everyone=False, users=False, roles=[discord.Object(role)] if role else False
                )
                await channel.send(text, allowed_mentions=mentions)  # type: ignore[union-attr]
            else:
                user = self.client.get_user(claim.recipient_id) or await self.client.fetch_user(claim.recipient_id)
                await user.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden as error:
            if claim.target == CHANNEL:
                return DeliveryOutcome("failed", f"no permission to post in the channel ({error.text})")
            return DeliveryOutcome("skipped", "the member's DMs are closed")
        except discord.NotFound as error:
            return DeliveryOutcome("failed", f"not found ({error.text})")
        except discord.HTTPException as error:
            if error.status == 429 or error.status >= 500:
                retry_after = getattr(error, "retry_after", None)
                return DeliveryOutcome("retry", f"Discord answered {error.status}", retry_after)
            return DeliveryOutcome("failed", f"Discord answered {error.status}: {error.text}")
        except aiohttp.ClientConnectorError as error:
            return DeliveryOutcome("retry", f"could not reach Discord ({error})")
        except (aiohttp.ClientError, TimeoutError) as error:
            # The request may have reached Discord: sending again could make a duplicate.
            return DeliveryOutcome("unconfirmed", f"connection lost mid-request ({type(error).__name__})")
        return DeliveryOutcome("sent")
