// How the process ends, for operators and supervisors (systemd, Docker). The
// README lists the same table; every fatal condition logs one error line
// naming the cause and what to change before the process exits.
export const EXIT = {
  /** Stopped by SIGINT/SIGTERM after finishing the replies in flight (or the console closed). */
  ok: 0,
  /** Unexpected: shutdown overran its deadline, a second signal, or an internal failure. */
  failure: 1,
  /** The configuration (environment / .env) is invalid; nothing was started. */
  config: 2,
  /** Discord refused the bot: the token was rejected (login or gateway close 4004), or a fatal gateway close (4010-4014). */
  discordRefused: 3,
  /** The state store (STATE_DIR/archivist.sqlite) cannot be used at start. */
  stateStore: 4,
} as const;

/** Gateway close codes Discord documents as fatal (reconnecting would fail the same way), with what to change. */
export const FATAL_CLOSE_CODES: ReadonlyMap<number, { cause: string; fix: string }> = new Map([
  [4004, { cause: 'Discord rejected the bot token (gateway close 4004: authentication failed; the token was reset or is wrong)', fix: 'copy the current token from the Developer Portal (your application > Bot > Reset Token) into DISCORD_TOKEN and start again' }],
  [4010, { cause: 'Discord refused the shard (gateway close 4010: invalid shard)', fix: 'run without shard settings (the bot connects as one shard)' }],
  [4011, { cause: 'Discord requires sharding (gateway close 4011: the bot is in too many servers for one connection)', fix: 'run the bot with sharding (discord.js ShardingManager)' }],
  [4012, { cause: 'Discord refused the gateway version (gateway close 4012)', fix: 'update discord.js (npm install) and start again' }],
  [4013, { cause: 'Discord refused the intents (gateway close 4013: invalid intents)', fix: 'check DISCORD_MESSAGE_CONTENT and update the bot' }],
  [4014, { cause: 'Discord refused the Message Content intent (gateway close 4014: disallowed intents)', fix: 'turn it on in the Developer Portal (your application > Bot > Privileged Gateway Intents > Message Content Intent), or set DISCORD_MESSAGE_CONTENT=false' }],
]);
