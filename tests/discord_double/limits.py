"""Discord's size limits on what a bot sends, checked the way Discord's API would reject a request.

The double answers a request that breaks one of these with 400 "Invalid Form Body" (code 50035), as Discord
does, so a bot that sends an over-long embed fails in tests the way it would fail in production.
Limits from Discord's documentation of messages, embeds, components and autocomplete.
"""

from __future__ import annotations

from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000  # summed over every embed in one message
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100


# The texts of one embed Discord counts and limits: where each stands in the embed, and its limit.
EMBED_TEXTS = (
    (("title",), EMBED_TITLE_MAX),
    (("description",), EMBED_DESCRIPTION_MAX),
    (("footer", "text"), EMBED_FOOTER_MAX),
    (("author", "name"), EMBED_AUTHOR_MAX),
)


def _text_at(embed: dict[str, Any], path: tuple[str, ...]) -> str | None:
    value: Any = embed
    for key in path:
        value = (value or {}).get(key)
    return value if isinstance(value, str) else None


def embed_length(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6000 total for one embed."""
    total = sum(len(_text_at(embed, path) or "") for path, _ in EMBED_TEXTS)
    for embed_field in embed.get("fields") or []:
        total += len(embed_field.get("name") or "") + len(embed_field.get("value") or "")
    return total


def message_problems(body: dict[str, Any], *, partial: bool = False) -> list[str]:
    """Why Discord would refuse this message body; empty when it would accept it.

    `partial` is for edits, which may leave out every field.
    """
    problems: list[str] = []

    def over(path: str, value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            problems.append(f"{path}: {len(value)} characters, the limit is {limit}")

    def too_many(path: str, items: list[Any], limit: int, what: str) -> None:
        if len(items) > limit:
            problems.append(f"{path}: {len(items)} {what}, the limit is {limit}")

    over("content", body.get("content"), CONTENT_MAX)
    embeds = body.get("embeds") or []
    too_many("embeds", embeds, EMBEDS_MAX, "embeds")
    for i, embed in enumerate(embeds):
        for path, limit in EMBED_TEXTS:
            over(f"embeds.{i}.{'.'.join(path)}", _text_at(embed, path), limit)
        fields = embed.get("fields") or []
        too_many(f"embeds.{i}.fields", fields, EMBED_FIELDS_MAX, "fields")
        for j, embed_field in enumerate(fields):
            name, value = embed_field.get("name") or "", embed_field.get("value") or ""
            over(f"embeds.{i}.fields.{j}.name", name, EMBED_FIELD_NAME_MAX)
            over(f"embeds.{i}.fields.{j}.value", value, EMBED_FIELD_VALUE_MAX)
            if not name.strip() or not value.strip():  # Discord trims them first, so blank is empty
                problems.append(f"embeds.{i}.fields.{j}: a field needs a name and a value")
    total = sum(embed_length(embed) for embed in embeds)
    if total > EMBED_TOTAL_MAX:
        problems.append(f"embeds: {total} characters in all, the limit is {EMBED_TOTAL_MAX}")

    rows = body.get("components") or []
    too_many("components", rows, ACTION_ROWS_MAX, "rows")
    for i, row in enumerate(rows):
        buttons = row.get("components") or []
        too_many(f"components.{i}", buttons, BUTTONS_PER_ROW_MAX, "buttons")
        for j, button in enumerate(buttons):
            over(f"components.{i}.components.{j}.label", button.get("label"), BUTTON_LABEL_MAX)
            over(f"components.{i}.components.{j}.custom_id", button.get("custom_id"), CUSTOM_ID_MAX)

    sends_something = any(body.get(key) for key in ("content", "embeds", "components", "attachments", "poll"))
    if not partial and not sends_something:
        problems.append("Cannot send an empty message")
    return problems


def autocomplete_problems(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices") or []
    problems: list[str] = []
    if len(choices) > CHOICES_MAX:
        problems.append(f"choices: {len(choices)} choices, the limit is {CHOICES_MAX}")
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= CHOICE_NAME_MAX:
            problems.append(f"choices.{i}.name: {len(name)} characters, it must be 1 to {CHOICE_NAME_MAX}")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > CHOICE_STRING_VALUE_MAX:
            problems.append(f"choices.{i}.value: {len(value)} characters, the limit is {CHOICE_STRING_VALUE_MAX}")
    return problems


MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
LABEL_MAX = 45
LABEL_DESCRIPTION_MAX = 100
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100


def modal_problems(data: dict[str, Any]) -> list[str]:
    """Why Discord would refuse to open this modal (callback type 9); empty when it would open it."""
    problems: list[str] = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= MODAL_TITLE_MAX:
        problems.append(f"title: {len(title)} characters, it must be 1 to {MODAL_TITLE_MAX}")
    custom_id = data.get("custom_id") or ""
    if not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
        problems.append(f"custom_id: {len(custom_id)} characters, it must be 1 to {CUSTOM_ID_MAX}")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_COMPONENTS_MAX:
        problems.append(f"components: {len(rows)}, a modal holds 1 to {MODAL_COMPONENTS_MAX}")
    for i, row in enumerate(rows):
        if row.get("type") == 18:  # a Label around one component: the current way
            label, description, inner = row.get("label") or "", row.get("description"), row.get("component") or {}
            if description is not None and len(description) > LABEL_DESCRIPTION_MAX:
                problems.append(f"components.{i}.description: longer than {LABEL_DESCRIPTION_MAX} characters")
        elif row.get("type") == 1 and len(row.get("components") or []) == 1:  # an action row: the older way
            inner = row["components"][0]
            label = inner.get("label") or ""
        else:
            problems.append(f"components.{i}: a modal row is a Label (18) or an action row with one text input")
            continue
        if not 1 <= len(label) <= LABEL_MAX:
            problems.append(f"components.{i}: label of {len(label)} characters, it must be 1 to {LABEL_MAX}")
        if inner.get("type") != 4:
            problems.append(f"components.{i}: the double only knows text inputs (type 4) in modals")
            continue
        if not 1 <= len(inner.get("custom_id") or "") <= CUSTOM_ID_MAX:
            problems.append(f"components.{i}.custom_id: it must be 1 to {CUSTOM_ID_MAX} characters")
        value, placeholder = inner.get("value"), inner.get("placeholder")
        if value is not None and len(value) > TEXT_INPUT_VALUE_MAX:
            problems.append(f"components.{i}.value: {len(value)} characters, the limit is {TEXT_INPUT_VALUE_MAX}")
        if placeholder is not None and len(placeholder) > TEXT_INPUT_PLACEHOLDER_MAX:
            problems.append(f"components.{i}.placeholder: longer than {TEXT_INPUT_PLACEHOLDER_MAX} characters")
        max_length = inner.get("max_length")
        if value is not None and max_length is not None and len(value) > max_length:
            problems.append(f"components.{i}.value: longer than its own max_length {max_length}")
    return problems
