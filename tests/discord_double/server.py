"""A small fake Discord on 127.0.0.1: the REST routes and the gateway that StoryBot's discord.py client uses.

The real discord.py client talks to it over HTTP and WebSocket exactly as it would to Discord, so tests
exercise the real library: login, IDENTIFY/READY, RESUME after a dropped connection, rate limits, slash
commands, buttons and replies. The double records every REST request and every gateway frame the bot sends;
tests drive it by dispatching gateway events and then wait, event-driven, for what the bot sent back.

Only what the bot uses is implemented (modals included: the bot opens them, tests submit them). Any other
route is logged as an error, answered 404 and listed in `problems`, so a test notices a call the double (and
so the test) did not expect. So is a message Discord would refuse for its size (see `limits`) and an
interaction answered twice.

Deliberate simplifications: one guild with two text channels (talk and a moderators' log); JSON encoding only.
discord.py asks for `compress=zlib-stream` (or zstd) in the gateway URL; the double ignores it and sends text
frames, which the client reads uncompressed (it only decompresses binary frames).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import math
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import limits
from .payloads import (
    ADMINISTRATOR,
    EMBED_LINKS,
    EPHEMERAL,
    EVERYONE_PERMISSIONS,
    JSON,
    LOADING,
    MANAGE_GUILD,
    MENTION_EVERYONE,
    MESSAGE_CONTENT_INTENT,
    SEND_MESSAGES,
    Person,
    Snowflakes,
    dm_channel_payload,
    guild_payload,
    interaction_payload,
    iso_now,
    member_payload,
    message_payload,
    role_payload,
    text_channel_payload,
    thread_payload,
    user_payload,
)
from .recording import GatewayFrame, Log, RecordedRequest

log = logging.getLogger(__name__)
GATEWAY_CUTS = ("close 4000", "dropped socket", "op 7 RECONNECT")  # the ways a gateway connection ends

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
RESUME_GATEWAY_PATH = "/gateway-resume"  # a different path, so a test can tell a RESUME went where READY said

# Interaction and callback types (Discord's numbering).
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL_SUBMIT = 5  # an interaction type
MODAL = 9  # a callback type: open a modal (a pop-up form)

# Privileged intents need approval in the developer portal; without it Discord closes the gateway with 4014.
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | MESSAGE_CONTENT_INTENT

# The close codes Discord sends for good (no RESUME or IDENTIFY will succeed), with its reasons.
FATAL_CLOSE_REASONS = {
    4004: "Authentication failed.",
    4010: "Invalid shard.",
    4011: "Sharding required.",
    4012: "Invalid API version.",
    4013: "Invalid intent(s).",
    4014: "Disallowed intent(s).",
}

OPTION_TYPES: dict[int, Callable[[Any], Any]] = {3: str, 4: int, 5: bool, 10: float}

RECORDED = web.RequestKey("recorded", RecordedRequest)

Handler = Callable[[web.Request, RecordedRequest], Awaitable[web.Response]]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py decodes a body only when Content-Type is exactly "application/json"; aiohttp's json_response
    # would add "; charset=utf-8" and the client would see a str instead of a dict.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def error_response(status: int, code: int, message: str, problems: list[str] | None = None) -> web.Response:
    body: JSON = {"code": code, "message": message}
    if problems:
        body["errors"] = {"_errors": [{"code": "INVALID_FORM_BODY", "message": p} for p in problems]}
    return json_response(body, status)


@dataclass
class SentInteraction:
    """An interaction the double dispatched, and what the bot did with it."""

    id: int
    token: str
    payload: JSON
    dispatched_at: float  # event-loop time when INTERACTION_CREATE went out
    callback_type: int | None = None
    original_message_id: int | None = None
    modal: JSON | None = None  # the form the bot opened in answer (callback type 9)
    followup_message_ids: list[int] = field(default_factory=list)

    def concerns(self, request: RecordedRequest) -> bool:
        """Whether a request answers this interaction (its callback, follow-ups and edits carry its token)."""
        return f"/{self.token}" in request.path


@dataclass
class Reply:
    """A message the bot sent: the request as sent, its message fields, and the message Discord made of it."""

    request: RecordedRequest
    body: JSON  # content, embeds, components, allowed_mentions, flags... as the bot sent them
    message: JSON | None  # the stored message after the request, with resolved mentions; None for autocomplete


@dataclass
class Connection:
    """One gateway WebSocket the bot opened."""

    index: int
    path: str
    query: dict[str, str]
    ws: web.WebSocketResponse
    request: web.Request
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, frame: JSON) -> None:
        async with self.send_lock:
            await self.ws.send_str(json.dumps(frame))


@dataclass
class Session:
    """A gateway session: survives its connection, so a RESUME can replay what the bot missed."""

    id: str
    intents: int
    connection: Connection | None
    seq: int = 0
    sent: list[JSON] = field(default_factory=list)  # every dispatch, in order, for replay
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class _PlannedRateLimit:
    matches: Callable[[RecordedRequest], bool]
    retry_after: float
    is_global: bool


class DiscordDouble:
    """A fake Discord API and gateway for one bot in one guild. Use `async with DiscordDouble() as double:`."""

    def __init__(
        self,
        *,
        token: str = "double-token",  # noqa: S107 - a made-up token the bot must present
        heartbeat_interval: float = 1.0,
        privileged_intents: int = 0,
    ) -> None:
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents  # the ones the application is approved for
        self.snowflakes = Snowflakes()

        # The cast: a bot user (same id as its application, as for modern apps), a guild and its people.
        self.application_id = self.snowflakes.next()
        self.guild_id = self.snowflakes.next()
        self.channel_id = self.snowflakes.next()
        self.mod_log_channel_id = self.snowflakes.next()  # a second text channel, e.g. for moderators' notes
        self.mod_role_id = self.snowflakes.next()
        self.bot_role_id = self.snowflakes.next()
        # The bot may ping everyone, so only its allowed_mentions stand between a question and a mass ping.
        self.bot_permissions = EVERYONE_PERMISSIONS | MENTION_EVERYONE | SEND_MESSAGES | EMBED_LINKS
        self.bot = Person(
            self.application_id, "storybot", bot=True, role_ids=(self.bot_role_id,), permissions=self.bot_permissions
        )
        self.owner = Person(self.snowflakes.next(), "owner", permissions=ADMINISTRATOR | EVERYONE_PERMISSIONS)
        self.alice = Person(self.snowflakes.next(), "alice")  # an ordinary member
        self.moderator = Person(self.snowflakes.next(), "moderator", role_ids=(self.mod_role_id,))
        self.admin = Person(self.snowflakes.next(), "admin", permissions=EVERYONE_PERMISSIONS | MANAGE_GUILD)
        self.people: dict[int, Person] = {
            p.id: p for p in (self.bot, self.owner, self.alice, self.moderator, self.admin)
        }

        # What the bot sent, and what the double holds.
        self.requests: Log[RecordedRequest] = Log()
        self.frames: Log[GatewayFrame] = Log(lambda f: f"op {f.op} on connection {f.connection} ({f.path})")
        self.connections: list[Connection] = []
        self.sessions: dict[str, Session] = {}
        self.session: Session | None = None  # the latest one
        self.connected: Log[Session] = Log(lambda s: f"session {s.id}")  # sessions sent READY and their guild
        self.commands: dict[int | None, list[JSON]] = {}  # guild id (None: global) -> registered commands
        self.messages: dict[int, JSON] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> id of their direct-message channel with the bot
        self.threads: dict[int, JSON] = {}  # thread id -> the thread, started from a message in `channel_id`
        self.interactions: dict[int, SentInteraction] = {}
        self.problems: list[str] = []  # unknown routes, refused requests, double acknowledgements

        self._guild_delivered = asyncio.Event()
        self._identify_refusals: list[int] = []  # close codes for the next IDENTIFYs (see refuse_next_identify)
        self._rate_limits: list[_PlannedRateLimit] = []
        self._marks: dict[int, int] = {}  # message id -> len(requests) when it was dispatched
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._app = self._build_app()

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> DiscordDouble:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("Discord double listening on %s", self.api_base)

    async def stop(self) -> None:
        for connection in self.connections:
            if not connection.ws.closed:
                await connection.ws.close(code=1001, message=b"double stopping")
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def guild_channel_ids(self) -> tuple[int, ...]:
        return (self.channel_id, self.mod_log_channel_id, *self.threads)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{RESUME_GATEWAY_PATH}"

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get(GATEWAY_PATH, self._gateway)
        app.router.add_get(RESUME_GATEWAY_PATH, self._gateway)
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("POST", "/channels/{channel}/messages", self._post_channel_message),
            ("GET", "/channels/{channel}/messages/{message}", self._get_channel_message),
            ("PATCH", "/channels/{channel}/messages/{message}", self._patch_channel_message),
            ("DELETE", "/channels/{channel}/messages/{message}", self._delete_channel_message),
            ("POST", "/channels/{channel}/typing", self._typing),
            ("POST", "/interactions/{interaction}/{token}/callback", self._interaction_callback),
            ("POST", "/webhooks/{app}/{token}", self._post_followup),
            ("GET", "/webhooks/{app}/{token}/messages/{message}", self._get_webhook_message),
            ("PATCH", "/webhooks/{app}/{token}/messages/{message}", self._patch_webhook_message),
            ("DELETE", "/webhooks/{app}/{token}/messages/{message}", self._delete_webhook_message),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API_PREFIX + path, self._wrap(handler))
        app.router.add_route("*", "/{tail:.*}", self._wrap(self._unknown_route))
        return app

    @staticmethod
    def _wrap(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def call(request: web.Request) -> web.StreamResponse:
            return await handler(request, request[RECORDED])

        return call

    # ------------------------------------------------------------------ recording and test controls

    def rate_limit_next(
        self, matches: Callable[[RecordedRequest], bool], *, retry_after: float = 0.05, is_global: bool = False
    ) -> None:
        """Answer the next request that `matches` with 429 and `retry_after`, as Discord's rate limiter would."""
        self._rate_limits.append(_PlannedRateLimit(matches, retry_after, is_global))

    async def wait_until_connected(self, *, timeout: float = 5.0) -> None:
        """Until the bot has identified and been sent READY and its guild.

        The bot reads gateway events in order, so anything dispatched after this finds the guild in its cache.
        """
        try:
            await asyncio.wait_for(self._guild_delivered.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not identify on the gateway within {timeout} s") from None

    async def wait_for_new_session(self, old: Session | None, *, timeout: float = 5.0) -> Session:
        """Until a session other than `old` has been sent READY and its guild (a restarted bot's); that session."""
        return await self.connected.wait_for(lambda session: session is not old, timeout=timeout)

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], *, timeout: float = 5.0, after: int = 0
    ) -> RecordedRequest:
        return await self.requests.wait_for(predicate, timeout=timeout, after=after)

    async def wait_for_frame(
        self, predicate: Callable[[GatewayFrame], bool], *, timeout: float = 5.0, after: int = 0
    ) -> GatewayFrame:
        return await self.frames.wait_for(predicate, timeout=timeout, after=after)

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path in (GATEWAY_PATH, RESUME_GATEWAY_PATH):
            return await handler(request)
        body, files = await _read_body(request)
        recorded = RecordedRequest(
            method=request.method,
            path=request.path.removeprefix(API_PREFIX),
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            at=asyncio.get_running_loop().time(),
            files=files,
        )
        request[RECORDED] = recorded
        response: web.StreamResponse | None = self._planned_rate_limit(recorded) or self._refuse_unauthorised(recorded)
        if response is None:
            try:
                response = await handler(request)
            except Exception as error:
                # A request the double cannot digest fails the test loudly; a 500 would only make discord.py
                # retry it, slowly.
                log.exception("The Discord double failed on %s %s", request.method, request.path)
                recorded.problems.append(f"the double failed: {error!r}")
                response = error_response(400, 50035, "Invalid Form Body", recorded.problems)
        recorded.status = response.status
        recorded.index = len(self.requests)
        if response.status >= 400 and response.status != 429:
            self.problems.append(f"{recorded}: {'; '.join(recorded.problems) or 'refused'}")
        self.requests.append(recorded)
        return response

    def _planned_rate_limit(self, recorded: RecordedRequest) -> web.Response | None:
        for plan in self._rate_limits:
            if plan.matches(recorded):
                self._rate_limits.remove(plan)
                reset = time.time() + plan.retry_after
                headers = {
                    "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
                    "Retry-After": str(math.ceil(plan.retry_after)),
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{reset:.3f}",
                    "X-RateLimit-Reset-After": f"{plan.retry_after:.3f}",
                    "X-RateLimit-Bucket": "double-bucket",
                    "X-RateLimit-Scope": "global" if plan.is_global else "user",
                }
                if plan.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": plan.retry_after,
                    "global": plan.is_global,
                }
                return json_response(body, 429, headers)
        return None

    def _refuse_unauthorised(self, recorded: RecordedRequest) -> web.Response | None:
        # Interaction callbacks and webhook routes are authorised by the token in their path.
        if recorded.path.startswith(("/interactions/", "/webhooks/")):
            return None
        if recorded.headers.get("Authorization") != f"Bot {self.token}":
            recorded.problems.append("missing or wrong bot token")
            return error_response(401, 0, "401: Unauthorized")
        return None

    # ------------------------------------------------------------------ REST: identity and command sync

    async def _get_me(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        return json_response({**user_payload(self.bot), "verified": True, "mfa_enabled": False, "locale": "en-US"})

    async def _get_application(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        return json_response(
            {
                "id": str(self.application_id),
                "name": "StoryBot",
                "icon": None,
                "description": "Answers questions about one news story.",
                "summary": "",
                "type": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": user_payload(self.owner),
                "team": None,
                "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED: the message content intent is not approved
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "rpc_origins": [],
                "tags": [],
                "bot": user_payload(self.bot),
            }
        )

    async def _get_gateway(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        body: JSON = {"url": self.gateway_url}
        if recorded.path.endswith("/bot"):
            body["shards"] = 1
            body["session_start_limit"] = {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            }
        return json_response(body)

    def _command_scope(self, request: web.Request) -> int | None:
        guild = request.match_info.get("guild")
        return int(guild) if guild is not None else None

    async def _get_commands(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        if int(request.match_info["app"]) != self.application_id:
            return error_response(404, 10002, "Unknown Application")
        return json_response(self.commands.get(self._command_scope(request), []))

    async def _put_commands(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        if int(request.match_info["app"]) != self.application_id:
            return error_response(404, 10002, "Unknown Application")
        scope = self._command_scope(request)
        previous = {(c["name"], c["type"]): c for c in self.commands.get(scope, [])}
        registered: list[JSON] = []
        for command in recorded.json or []:
            kind = command.get("type", 1)
            old = previous.get((command["name"], kind))
            stored: JSON = {
                "default_member_permissions": None,
                "nsfw": False,
                "description": "",
                "options": [],
                **command,
                "id": old["id"] if old else str(self.snowflakes.next()),
                "application_id": str(self.application_id),
                "type": kind,
                "version": str(self.snowflakes.next()),
            }
            if scope is not None:
                stored["guild_id"] = str(scope)
            registered.append(stored)
        self.commands[scope] = registered
        return json_response(registered)

    # ------------------------------------------------------------------ REST: messages

    async def _post_channel_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        channel_id = int(request.match_info["channel"])
        if channel_id not in self.guild_channel_ids and channel_id not in self.dm_channels.values():
            recorded.problems.append("Unknown Channel")
            return error_response(404, 10003, "Unknown Channel")
        body: JSON = recorded.json or {}
        recorded.problems = limits.message_problems(body)
        reference = body.get("message_reference")
        if (
            reference
            and int(reference["message_id"]) not in self.messages
            and reference.get("fail_if_not_exists", True)
        ):
            recorded.problems.append("message_reference: Unknown message")
        if recorded.problems:
            return error_response(400, 50035, "Invalid Form Body", recorded.problems)
        message = self._create_message(channel_id, body, reference=reference)
        recorded.message = copy.deepcopy(message)
        # Discord echoes the bot's own messages on the gateway; a bot must not answer itself.
        await self.dispatch("MESSAGE_CREATE", message)
        return json_response(message)

    async def _get_channel_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        message = self.messages.get(int(request.match_info["message"]))
        if message is None or int(message["channel_id"]) != int(request.match_info["channel"]):
            return error_response(404, 10008, "Unknown Message")
        return json_response(message)

    async def _patch_channel_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        return self._edit_message(int(request.match_info["message"]), recorded)

    async def _delete_channel_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        return self._delete_message(int(request.match_info["message"]))

    async def _typing(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        return web.Response(status=204)

    def _create_message(
        self,
        channel_id: int,
        body: JSON,
        *,
        reference: JSON | None = None,
        flags: int | None = None,
        extra: JSON | None = None,
    ) -> JSON:
        in_guild = channel_id in self.guild_channel_ids
        mentions, role_ids, everyone = self._resolve_mentions(
            self.bot, body.get("content") or "", body.get("allowed_mentions"), reference
        )
        message = message_payload(
            self.snowflakes.next(),
            channel_id=channel_id,
            author=self.bot,
            content=body.get("content") or "",
            guild_id=self.guild_id if in_guild else None,
            mentions=mentions,
            mention_role_ids=role_ids,
            mention_everyone=everyone,
            embeds=[{"type": "rich", **embed} for embed in body.get("embeds") or []],
            components=body.get("components") or [],
            flags=body.get("flags", 0) if flags is None else flags,
            message_type=19 if reference else 0,
            message_reference=reference and {"type": 0, "channel_id": str(channel_id), **reference},
            extra=extra,
        )
        self.messages[int(message["id"])] = message
        return message

    def _edit_message(self, message_id: int, recorded: RecordedRequest) -> web.Response:
        message = self.messages.get(message_id)
        if message is None:
            recorded.problems.append("Unknown Message")
            return error_response(404, 10008, "Unknown Message")
        body: JSON = recorded.json or {}
        recorded.problems = limits.message_problems(body, partial=True)
        if recorded.problems:
            return error_response(400, 50035, "Invalid Form Body", recorded.problems)
        self._apply_edit(message, body)
        recorded.message = copy.deepcopy(message)
        return json_response(message)

    def _apply_edit(self, message: JSON, body: JSON) -> None:
        for key in ("content", "components"):
            if key in body:
                message[key] = body[key] or ([] if key == "components" else "")
        if "embeds" in body:
            message["embeds"] = [{"type": "rich", **embed} for embed in body["embeds"] or []]
        if "content" in body:
            mentions, role_ids, everyone = self._resolve_mentions(
                self.bot, message["content"], body.get("allowed_mentions"), None
            )
            message["mentions"] = [user_payload(p) for p in mentions]
            message["mention_roles"] = [str(r) for r in role_ids]
            message["mention_everyone"] = everyone
        message["flags"] = message.get("flags", 0) & ~LOADING
        message["edited_timestamp"] = iso_now()

    def _delete_message(self, message_id: int) -> web.Response:
        if self.messages.pop(message_id, None) is None:
            return error_response(404, 10008, "Unknown Message")
        return web.Response(status=204)

    def _resolve_mentions(
        self, author: Person, content: str, allowed: JSON | None, reference: JSON | None
    ) -> tuple[list[Person], list[int], bool]:
        """Who a message pings, by Discord's allowed_mentions rules (no allowed_mentions: everything parses)."""
        parse = set(allowed.get("parse", [])) if allowed is not None else {"users", "roles", "everyone"}
        allowed_users = {int(u) for u in (allowed or {}).get("users", [])}
        allowed_roles = {int(r) for r in (allowed or {}).get("roles", [])}
        user_ids = [int(m) for m in re.findall(r"<@!?(\d+)>", content)]
        users = [self.people[u] for u in user_ids if u in self.people and ("users" in parse or u in allowed_users)]
        if reference and (allowed is None or allowed.get("replied_user")):
            replied = self.messages.get(int(reference["message_id"]))
            if replied is not None:
                users.append(self.people.get(int(replied["author"]["id"])) or self.bot)
        roles = [int(r) for r in re.findall(r"<@&(\d+)>", content) if "roles" in parse or int(r) in allowed_roles]
        everyone = (
            bool(re.search(r"@(everyone|here)", content))
            and "everyone" in parse
            and bool(author.permissions & MENTION_EVERYONE)
        )
        return users, roles, everyone

    # ------------------------------------------------------------------ REST: interaction responses

    async def _interaction_callback(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        interaction = self.interactions.get(int(request.match_info["interaction"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            recorded.problems.append("Unknown interaction")
            return error_response(404, 10062, "Unknown interaction")
        if interaction.callback_type is not None:
            recorded.problems.append("the interaction was already acknowledged")
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        body: JSON = recorded.json or {}
        kind = body.get("type")
        data: JSON = body.get("data") or {}
        if kind == CHANNEL_MESSAGE:
            recorded.problems = limits.message_problems(data)
        elif kind == UPDATE_MESSAGE:
            recorded.problems = limits.message_problems(data, partial=True)
        elif kind == AUTOCOMPLETE_RESULT:
            recorded.problems = limits.autocomplete_problems(data)
        elif kind == MODAL:
            recorded.problems = limits.modal_problems(data)
            if interaction.payload["type"] == MODAL_SUBMIT:
                recorded.problems.append("a modal cannot be answered with another modal")
        elif kind not in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE):
            recorded.problems = [f"callback type {kind} is not implemented by the double"]
        if kind in (UPDATE_MESSAGE, DEFERRED_UPDATE_MESSAGE) and "message" not in interaction.payload:
            recorded.problems.append("there is no message to update: the interaction did not come from one")
        if recorded.problems:
            return error_response(400, 50035, "Invalid Form Body", recorded.problems)

        interaction.callback_type = kind
        if kind == MODAL:
            interaction.modal = copy.deepcopy(data)
        message: JSON | None = None
        channel_id = int(interaction.payload["channel_id"])
        metadata = {
            "interaction_metadata": self._interaction_metadata(interaction),
            "webhook_id": str(self.application_id),
        }
        if kind == CHANNEL_MESSAGE:
            message = self._create_message(channel_id, data, extra=metadata)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = LOADING | (data.get("flags", 0) & EPHEMERAL)
            message = self._create_message(channel_id, {"content": ""}, flags=flags, extra=metadata)
        elif kind in (UPDATE_MESSAGE, DEFERRED_UPDATE_MESSAGE):
            message = self.messages.get(int(interaction.payload["message"]["id"]))
            if message is not None and kind == UPDATE_MESSAGE:
                self._apply_edit(message, data)
        if message is not None:
            interaction.original_message_id = int(message["id"])
            recorded.message = copy.deepcopy(message)

        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return web.Response(status=204)
        result: JSON = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.payload["type"],
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
            }
        }
        if message is not None:
            result["resource"] = {"type": kind, "message": message}
        return json_response(result)

    def _interaction_metadata(self, interaction: SentInteraction) -> JSON:
        user = interaction.payload.get("member", {}).get("user") or interaction.payload.get("user")
        return {
            "id": str(interaction.id),
            "type": interaction.payload["type"],
            "user": user,
            "authorizing_integration_owners": interaction.payload["authorizing_integration_owners"],
        }

    def _webhook_interaction(self, request: web.Request, recorded: RecordedRequest) -> SentInteraction | None:
        if int(request.match_info["app"]) != self.application_id:
            return None
        token = request.match_info["token"]
        for interaction in self.interactions.values():
            if interaction.token == token and interaction.callback_type is not None:
                return interaction
        # Discord knows the webhook only after the interaction has been acknowledged.
        recorded.problems.append("Unknown Webhook (follow-up or edit before the interaction was acknowledged)")
        return None

    def _webhook_message_id(self, interaction: SentInteraction, raw: str) -> int | None:
        if raw == "@original":
            return interaction.original_message_id
        message_id = int(raw)
        known = message_id == interaction.original_message_id or message_id in interaction.followup_message_ids
        return message_id if known else None

    async def _post_followup(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        interaction = self._webhook_interaction(request, recorded)
        if interaction is None:
            return error_response(404, 10015, "Unknown Webhook")
        body: JSON = recorded.json or {}
        recorded.problems = limits.message_problems(body)
        if recorded.problems:
            return error_response(400, 50035, "Invalid Form Body", recorded.problems)
        metadata = {
            "interaction_metadata": self._interaction_metadata(interaction),
            "webhook_id": str(self.application_id),
        }
        message = self._create_message(int(interaction.payload["channel_id"]), body, extra=metadata)
        interaction.followup_message_ids.append(int(message["id"]))
        recorded.message = copy.deepcopy(message)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(message)
        return web.Response(status=204)

    async def _get_webhook_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        interaction = self._webhook_interaction(request, recorded)
        message_id = interaction and self._webhook_message_id(interaction, request.match_info["message"])
        if not message_id or message_id not in self.messages:
            return error_response(404, 10008, "Unknown Message")
        return json_response(self.messages[message_id])

    async def _patch_webhook_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        interaction = self._webhook_interaction(request, recorded)
        if interaction is None:
            return error_response(404, 10015, "Unknown Webhook")
        message_id = self._webhook_message_id(interaction, request.match_info["message"])
        return self._edit_message(message_id or 0, recorded)

    async def _delete_webhook_message(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        interaction = self._webhook_interaction(request, recorded)
        if interaction is None:
            return error_response(404, 10015, "Unknown Webhook")
        return self._delete_message(self._webhook_message_id(interaction, request.match_info["message"]) or 0)

    async def _unknown_route(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        log.error("The Discord double does not implement %s %s; answering 404", request.method, request.path)
        recorded.problems.append("route not implemented by the double")
        return error_response(404, 0, "404: Not Found")

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(len(self.connections), request.path, dict(request.query), ws, request)
        self.connections.append(connection)
        await connection.send(
            {"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}, "s": None, "t": None}
        )
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    log.warning(
                        "Gateway connection %d sent a %s frame; the double speaks JSON text",
                        connection.index,
                        message.type,
                    )
                    continue
                frame = json.loads(message.data)
                self.frames.append(
                    GatewayFrame(
                        frame.get("op", -1),
                        frame.get("d"),
                        connection.index,
                        connection.path,
                        asyncio.get_running_loop().time(),
                    )
                )
                await self._on_frame(connection, frame)
        finally:
            for session in self.sessions.values():
                if session.connection is connection:
                    session.connection = None
        return ws

    async def _on_frame(self, connection: Connection, frame: JSON) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            await connection.send({"op": 11, "d": None})
        elif op == 2:
            await self._identify(connection, data)
        elif op == 6:
            await self._resume(connection, data)
        elif op in (3, 4, 8):
            log.debug("Gateway op %s noted and ignored", op)  # presence, voice state, member requests
        else:
            await connection.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, connection: Connection, data: JSON) -> None:
        if self._identify_refusals:
            code = self._identify_refusals.pop(0)
            await connection.ws.close(code=code, message=FATAL_CLOSE_REASONS.get(code, "Refused.").encode())
            return
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await connection.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        session = Session(secrets.token_hex(16), intents, connection)
        self.sessions[session.id] = session
        self.session = session
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**user_payload(self.bot), "verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.resume_gateway_url,
                "shard": data.get("shard", [0, 1]),
                "application": {"id": str(self.application_id), "flags": 1 << 19},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "_trace": ["discord-double"],
            },
        )
        # The guild follows READY at once, so discord.py's wait for unavailable guilds ends promptly.
        await self.dispatch("GUILD_CREATE", self.guild_create_payload())
        self._guild_delivered.set()
        self.connected.append(session)

    async def _resume(self, connection: Connection, data: JSON) -> None:
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        session = self.sessions.get(data.get("session_id", ""))
        if session is None:
            await connection.send({"op": 9, "d": False})  # not resumable: the client identifies again
            return
        async with session.lock:
            session.connection = connection
            seen = data.get("seq") or 0
            for frame in session.sent:
                if frame["s"] > seen:
                    await connection.send(frame)
        await self.dispatch("RESUMED", {"_trace": ["discord-double"]})

    async def dispatch(self, event: str, data: Any) -> int:
        """Send a DISPATCH to the bot; kept for replay if its connection is down. Returns the sequence number."""
        session = self.session
        if session is None:
            raise AssertionError("the bot has not identified on the gateway yet")
        async with session.lock:
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.sent.append(frame)
            connection = session.connection
            if connection is not None and not connection.ws.closed:
                try:
                    await connection.send(frame)
                except ConnectionError:
                    log.info("Gateway connection dropped before %s; it will be replayed on RESUME", event)
            return session.seq

    def guild_create_payload(self) -> JSON:
        roles = [
            role_payload(self.guild_id, "@everyone", permissions=EVERYONE_PERMISSIONS, position=0),
            role_payload(self.mod_role_id, "Story moderators", permissions=EVERYONE_PERMISSIONS, position=1),
            {
                **role_payload(self.bot_role_id, "StoryBot", permissions=self.bot_permissions, position=2),
                "managed": True,
            },
        ]
        return guild_payload(
            self.guild_id,
            name="Newsroom",
            owner_id=self.owner.id,
            roles=roles,
            channels=[
                text_channel_payload(self.channel_id, self.guild_id, "story-talk"),
                text_channel_payload(self.mod_log_channel_id, self.guild_id, "mod-log"),
            ],
            members=[member_payload(self.bot)],
        )

    # ------------------------------------------------------------------ gateway controls

    def _live_connection(self) -> Connection:
        if self.session is None or self.session.connection is None:
            raise AssertionError("the bot has no live gateway connection")
        return self.session.connection

    def refuse_next_identify(self, code: int = 4004) -> None:
        """Close the next IDENTIFY with `code` and Discord's reason for it, as Discord does when a token is
        revoked after login (4004), or shards, API version or intents are wrong (4010-4014). The REST API
        still accepts the token: only the gateway refuses."""
        self._identify_refusals.append(code)

    async def close_gateway(self, code: int = 4000) -> None:
        """Close the bot's gateway connection with `code`, as Discord does on its side's errors."""
        await self._live_connection().ws.close(code=code, message=b"closed by the test")

    def drop_gateway(self) -> None:
        """Cut the TCP connection under the gateway WebSocket without a closing handshake."""
        transport = self._live_connection().request.transport
        if transport is not None:
            transport.abort()

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client should close and RESUME at resume_gateway_url."""
        await self._live_connection().send({"op": 7, "d": None})

    async def cut_gateway(self, how: str) -> None:
        """End the bot's gateway connection in one of the `GATEWAY_CUTS` ways."""
        if how == "close 4000":
            await self.close_gateway(4000)
        elif how == "dropped socket":
            self.drop_gateway()
        elif how == "op 7 RECONNECT":
            await self.send_reconnect()
        else:
            raise ValueError(f"no gateway cut {how!r}; the cuts are {GATEWAY_CUTS}")

    # ------------------------------------------------------------------ driving the bot as a user would

    def dm_channel_id(self, user: Person) -> int:
        """The id of `user`'s direct-message channel with the bot, made on first use."""
        return self.dm_channels.setdefault(user.id, self.snowflakes.next())

    def registered_command(self, name: str, *, command_type: int = 1, in_dm: bool = False) -> JSON:
        """The command the bot registered under `name` (its guild commands first), or a failed assertion."""
        # A guild's commands exist only in that guild; in a DM only global commands can be run.
        candidates = (
            self.commands.get(None, []) if in_dm else self.commands.get(self.guild_id, []) + self.commands.get(None, [])
        )
        for command in candidates:
            if command["name"] == name and command["type"] == command_type:
                return command
        names = sorted(f"{c['name']} (type {c['type']})" for c in candidates)
        raise AssertionError(f"the bot registered no command {name!r} of type {command_type}; it has: {names}")

    async def send_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: Person | None = None,
        in_dm: bool = False,
        locale: str = "en-GB",
    ) -> SentInteraction:
        """A user runs a slash command; `name` may name a subcommand ("kb reload"); `locale` is their client's."""
        return await self._send_chat_input(name, options or {}, APPLICATION_COMMAND, None, user, in_dm, locale)

    async def send_autocomplete(
        self, name: str, options: dict[str, Any], *, focused: str, user: Person | None = None
    ) -> SentInteraction:
        """A user types into option `focused`; Discord asks the bot for suggestions."""
        return await self._send_chat_input(name, options, AUTOCOMPLETE, focused, user, False)

    async def _send_chat_input(
        self,
        name: str,
        options: dict[str, Any],
        kind: int,
        focused: str | None,
        user: Person | None,
        in_dm: bool,
        locale: str = "en-GB",
    ) -> SentInteraction:
        top, *path = name.split()
        command = self.registered_command(top, in_dm=in_dm)
        data: JSON = {"id": command["id"], "name": top, "type": 1}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        holder, definitions = data, command.get("options", [])
        for part in path:  # walk down subcommand groups and subcommands
            definition = next((o for o in definitions if o["name"] == part and o["type"] in (1, 2)), None)
            if definition is None:
                raise AssertionError(f"/{top} has no subcommand {part!r}")
            child: JSON = {"name": part, "type": definition["type"], "options": []}
            holder.setdefault("options", []).append(child)
            holder, definitions = child, definition.get("options", [])
        holder.setdefault("options", [])
        for option_name, value in options.items():
            definition = next((o for o in definitions if o["name"] == option_name), None)
            if definition is None or definition["type"] not in OPTION_TYPES:
                raise AssertionError(f"/{name} has no simple option {option_name!r}")
            option: JSON = {"name": option_name, "type": definition["type"]}
            if option_name == focused:
                option["value"], option["focused"] = str(value), True  # what the user has typed so far
            else:
                option["value"] = OPTION_TYPES[definition["type"]](value)
            holder["options"].append(option)
        if kind == APPLICATION_COMMAND:
            missing = [o["name"] for o in definitions if o.get("required") and o["name"] not in options]
            if missing:
                raise AssertionError(f"Discord would not send /{name} without {missing}")
        return await self.send_interaction(kind, data, user=user, in_dm=in_dm, locale=locale)

    async def send_message_command(self, name: str, target: JSON, *, user: Person | None = None) -> SentInteraction:
        """A user picks `name` from a message's Apps menu (a message context-menu command)."""
        command = self.registered_command(name, command_type=3)
        data: JSON = {
            "id": command["id"],
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self.send_interaction(APPLICATION_COMMAND, data, user=user)

    async def press_button(self, message: JSON, custom_id: str, *, user: Person | None = None) -> SentInteraction:
        """A user presses a button on one of the bot's messages (as the double holds it now)."""
        current = self.messages.get(int(message["id"]), message)
        buttons = [c for row in current.get("components", []) for c in row.get("components", [])]
        button = next((b for b in buttons if b.get("custom_id") == custom_id), None)
        if button is None or button.get("disabled"):
            shown = [(b.get("label"), b.get("custom_id"), b.get("disabled", False)) for b in buttons]
            raise AssertionError(f"no enabled button {custom_id!r} on the message; it shows {shown}")
        data = {"custom_id": custom_id, "component_type": button["type"]}
        return await self.send_interaction(MESSAGE_COMPONENT, data, user=user, message=copy.deepcopy(current))

    async def wait_for_modal(self, interaction: SentInteraction, *, timeout: float = 5.0) -> JSON:
        """The form the bot opened in answer to `interaction` (callback type 9): custom_id, title, components."""
        await self.wait_for_request(
            lambda r: interaction.concerns(r) and r.path.endswith("/callback") and (r.json or {}).get("type") == MODAL,
            timeout=timeout,
        )
        assert interaction.modal is not None
        return interaction.modal

    async def submit_modal(
        self, opened_by: SentInteraction, values: dict[str, str], *, user: Person | None = None
    ) -> SentInteraction:
        """The user fills in the form the bot opened for `opened_by` and presses Submit.

        `values` maps text inputs' custom ids to what the user typed; the others are sent with the value the
        bot pre-filled (or empty). Like Discord, the double refuses to submit a required field left empty.
        """
        modal = opened_by.modal
        if modal is None:
            raise AssertionError("the bot opened no modal for that interaction")
        inputs = {text_input["custom_id"]: text_input for text_input in _modal_text_inputs(modal)}
        unknown = set(values) - set(inputs)
        if unknown:
            raise AssertionError(f"the modal has no text inputs {sorted(unknown)}; it has {sorted(inputs)}")
        components: list[JSON] = []
        for row in modal["components"]:
            text_input = row["component"] if row["type"] == 18 else row["components"][0]
            value = values.get(text_input["custom_id"], text_input.get("value") or "")
            if text_input.get("required", True) and not value:
                raise AssertionError(f"Discord would not submit the modal with {text_input['custom_id']!r} empty")
            submitted = {"type": 4, "custom_id": text_input["custom_id"], "value": value}
            components.append(
                {"type": 18, "component": submitted} if row["type"] == 18 else {"type": 1, "components": [submitted]}
            )
        data: JSON = {"custom_id": modal["custom_id"], "components": components}
        # A modal opened from a button belongs to that button's message, which the submission carries.
        message = opened_by.payload.get("message")
        return await self.send_interaction(
            MODAL_SUBMIT,
            data,
            user=user or self.people.get(int(_interaction_user_id(opened_by.payload))),
            message=copy.deepcopy(self.messages.get(int(message["id"]), message)) if message else None,
        )

    async def send_interaction(
        self,
        kind: int,
        data: JSON,
        *,
        user: Person | None = None,
        in_dm: bool = False,
        message: JSON | None = None,
        locale: str = "en-GB",
    ) -> SentInteraction:
        """Dispatch INTERACTION_CREATE with a realistic payload; the other helpers build `data`."""
        user = user or self.alice
        if in_dm:
            channel = dm_channel_payload(self.dm_channel_id(user), user)
        else:
            channel = text_channel_payload(self.channel_id, self.guild_id, "story-talk")
        interaction_id = self.snowflakes.next()
        token = f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}"
        payload = interaction_payload(
            interaction_id,
            interaction_type=kind,
            token=token,
            application_id=self.application_id,
            user=user,
            channel=channel,
            data=data,
            guild_id=None if in_dm else self.guild_id,
            app_permissions=self.bot_permissions,
            message=message,
            locale=locale,
        )
        sent = SentInteraction(interaction_id, token, payload, asyncio.get_running_loop().time())
        self.interactions[interaction_id] = sent
        await self.dispatch("INTERACTION_CREATE", payload)
        return sent

    async def start_thread(self, message: JSON, *, by: Person | None = None, name: str = "follow-up") -> int:
        """A member starts a public thread from `message`; like Discord's, it has the message's id. Returns it."""
        thread_id = int(message["id"])
        owner = by or self.alice
        thread = thread_payload(thread_id, self.guild_id, int(message["channel_id"]), owner.id, name)
        self.threads[thread_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return thread_id

    async def post_message(
        self,
        author: Person,
        content: str,
        *,
        reply_to: JSON | None = None,
        in_dm: bool = False,
        in_thread: int | None = None,
    ) -> JSON:
        """A user posts in the guild's channel (or a thread of it, or, `in_dm`, writes to the bot directly);
        returns the message.

        Without the message-content intent, Discord blanks the content of guild messages that do not mention
        the bot; the double does the same to what it dispatches. Direct messages keep their content.
        """
        channel_id = self.dm_channel_id(author) if in_dm else in_thread or self.channel_id
        reference = {"message_id": reply_to["id"], "channel_id": str(channel_id)} if reply_to else None
        # A reply pings the replied-to author by default, which lists them in `mentions` (not in the text).
        mentions, role_ids, everyone = self._resolve_mentions(author, content, None, reference)
        message = message_payload(
            self.snowflakes.next(),
            channel_id=channel_id,
            author=author,
            content=content,
            guild_id=None if in_dm else self.guild_id,
            mentions=mentions,
            mention_role_ids=role_ids,
            mention_everyone=everyone,
            message_type=19 if reply_to else 0,
            message_reference=reference,
            extra={"referenced_message": copy.deepcopy(self.messages.get(int(reply_to["id"])))} if reply_to else None,
        )
        self.messages[int(message["id"])] = message
        visible = copy.deepcopy(message)
        intents = self.session.intents if self.session else 0
        if not intents & MESSAGE_CONTENT_INTENT and not in_dm and self.bot not in mentions:
            visible.update(content="", embeds=[], attachments=[], components=[])
        self._marks[int(message["id"])] = len(self.requests)
        await self.dispatch("MESSAGE_CREATE", visible)
        return message

    # ------------------------------------------------------------------ waiting for what the bot said

    async def wait_for_reply(self, interaction: SentInteraction, *, after: int = 0, timeout: float = 5.0) -> Reply:
        """The first message-bearing response to `interaction` from request index `after` on: its callback,
        an edit of its deferral or original message, or a follow-up. Autocomplete results count too."""

        def says_something(request: RecordedRequest) -> bool:
            if not (interaction.concerns(request) and 200 <= request.status < 300):
                return False
            if request.path.endswith("/callback"):
                return (request.json or {}).get("type") in (CHANNEL_MESSAGE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT)
            return request.method in ("POST", "PATCH")

        request = await self.wait_for_request(says_something, timeout=timeout, after=after)
        sent: JSON = request.json or {}
        body = sent.get("data") or {} if request.path.endswith("/callback") else sent
        return Reply(request, body, request.message)

    async def wait_for_replies(self, interaction: SentInteraction, count: int, *, timeout: float = 5.0) -> list[Reply]:
        """The first `count` message-bearing responses to `interaction`, in order."""
        replies: list[Reply] = []
        while len(replies) < count:
            after = replies[-1].request.index + 1 if replies else 0
            replies.append(await self.wait_for_reply(interaction, after=after, timeout=timeout))
        return replies

    async def wait_for_channel_reply(self, message: JSON, *, timeout: float = 5.0) -> Reply:
        """The first message the bot posted in `message`'s channel after `message` was dispatched."""
        channel_path = f"/channels/{message['channel_id']}/messages"
        request = await self.wait_for_request(
            lambda r: r.method == "POST" and r.path == channel_path and 200 <= r.status < 300,
            timeout=timeout,
            after=self._marks.get(int(message["id"]), 0),
        )
        return Reply(request, request.json or {}, request.message)


def _modal_text_inputs(modal: JSON) -> list[JSON]:
    """The text inputs of a modal, in a Label (type 18) or, the older way, alone in an action row."""
    return [row["component"] if row["type"] == 18 else row["components"][0] for row in modal["components"]]


def _interaction_user_id(payload: JSON) -> str:
    """Who sent an interaction: a member in a server, a user in a DM."""
    user: JSON = (payload.get("member") or {}).get("user") or payload.get("user") or {}
    return str(user.get("id"))


async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
    """The request's JSON body, or multipart's payload_json and the names of its files."""
    if request.content_type == "application/json":
        return await request.json(), []
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[str] = []
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "payload_json":
                body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files.append(getattr(part, "filename", None) or "")
                await part.read()  # type: ignore[union-attr]
        return body, files
    text = await request.text() if request.can_read_body else ""
    return (text or None), []
