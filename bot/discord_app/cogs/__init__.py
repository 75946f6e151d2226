"""One cog per area; each module ends in `setup(bot)` so `StoryBot.setup_hook` can load it as an extension."""
