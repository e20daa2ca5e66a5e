// Preloaded by bun test (bunfig.toml). Tests must never touch the user's real data dir or open a browser.
process.env.NO_OPEN = "1";
delete process.env.DATA_DIR;
delete process.env.OMNIROUTE_SECRET;
delete process.env.INITIAL_PASSWORD;
