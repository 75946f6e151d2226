"""The moderators' lists and confirmations, built from the services they use, with no bot behind them."""

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Engine
from bot.answering.answer import Outcome
from bot.answering.stories import one_story
from bot.app.live_engine import LibraryHolder
from bot.curation.store import Store
from bot.discord_app.cogs.moderation._services import ModerationServices
from bot.discord_app.cogs.moderation._views import GroupButton, TeachConfirmView, UnansweredView
from bot.discord_app.curator import Curator
from bot.knowledge import bundled_knowledge_dir, load_knowledge

from .conftest import fake_interaction

QUESTION = "who runs mijente"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = Store(tmp_path / "data" / "store.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
async def services(tmp_path: Path, store: Store) -> Any:
    directory = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge_dir(), directory, ignore=shutil.ignore_patterns(".*"))
    library = LibraryHolder(one_story(Engine(load_knowledge(directory))), single_dir=directory)
    notes: list[str] = []

    async def notify(text: str, *, guild_id: int | None = None) -> None:
        notes.append(text)

    curator = Curator(library, lambda: store, notify)
    yield ModerationServices(curator, library, lambda: store, lambda interaction: None)
    await curator.close()


def sent_view(interaction: Any) -> Any:
    interaction.response.send_message.assert_awaited_once()
    return interaction.response.send_message.await_args.kwargs["view"]


async def test_teaching_from_the_unanswered_list_needs_only_the_services(
    services: ModerationServices, store: Store
) -> None:
    store.record_question(
        question=QUESTION, outcome=Outcome.DECLINED.value, entry_id=None, confidence=0.1, user_id=1, guild_id=None
    )
    groups = store.unanswered_groups(services.engine(None))
    assert [g.question for g in groups] == [QUESTION]
    nearest = groups[0].nearest[0].entry_id
    view = UnansweredView(services, groups, "all")
    teach = next(b for b in view.children if isinstance(b, GroupButton) and b.action == "teach")
    assert nearest in str(teach.label)

    press = fake_interaction(None)  # no client: nothing may be reached through the bot
    await teach.callback(press)
    confirm_view = sent_view(press)
    assert isinstance(confirm_view, TeachConfirmView) and confirm_view.preview.warning is None

    confirm = fake_interaction(None)
    await confirm_view.confirm.callback(confirm)

    assert confirm_view.change is not None and confirm_view.change.target == nearest
    assert QUESTION in services.engine(None).kb.entries[nearest].questions, "the live engine has the phrasing"
    assert store.unanswered_groups(services.engine(None)) == [], "the question left the unanswered list"
    assert view.done[0].startswith(f"taught to `{nearest}`")
    assert all(b.disabled for b in view.children if isinstance(b, GroupButton)), "its buttons are retired"


async def test_dismissing_takes_the_question_off_the_list(services: ModerationServices, store: Store) -> None:
    store.record_question(
        question="what colour is the moon", outcome=Outcome.DECLINED.value, entry_id=None, confidence=0.1,
        user_id=1, guild_id=None,
    )  # fmt: skip
    view = UnansweredView(services, store.unanswered_groups(services.engine(None)), "all")
    dismiss = next(b for b in view.children if isinstance(b, GroupButton) and b.action == "dismiss")
    await dismiss.callback(fake_interaction(None))
    assert store.unanswered_groups(services.engine(None)) == []
    assert view.done == {0: "dismissed"}


async def test_a_view_refuses_whom_its_services_refuse(services: ModerationServices, store: Store) -> None:
    refused = ModerationServices(services.curator, services.library, lambda: store, lambda interaction: "Not you.")
    view = UnansweredView(refused, [], "all")
    interaction = fake_interaction(None)
    assert not await view.interaction_check(interaction)
    interaction.response.send_message.assert_awaited_once()
    assert interaction.response.send_message.await_args.args == ("Not you.",)
    assert await UnansweredView(services, [], "all").interaction_check(fake_interaction(None))
