"""A Discord API double: a fake Discord REST API and gateway on 127.0.0.1 for end-to-end tests of the bot.

    async with DiscordDouble() as double:
        ...start the real discord.py bot with api_base=double.api_base, gateway_url=double.gateway_url...
        sent = await double.send_command("ask", {"question": "who paused facial recognition?"})
        reply = await double.wait_for_reply(sent)
        assert "IBM" in reply.body["embeds"][0]["description"]

See `server.DiscordDouble` for the routes it serves and the controls it offers (closing or dropping the
gateway, op 7 RECONNECT, planned 429s), and `payloads` for the shapes of what it sends.
"""

from .payloads import MESSAGE_CONTENT_INTENT, Person
from .recording import GatewayFrame, RecordedRequest
from .server import GATEWAY_CUTS, DiscordDouble, Reply, SentInteraction

__all__ = [
    "GATEWAY_CUTS",
    "MESSAGE_CONTENT_INTENT",
    "DiscordDouble",
    "GatewayFrame",
    "Person",
    "RecordedRequest",
    "Reply",
    "SentInteraction",
]
