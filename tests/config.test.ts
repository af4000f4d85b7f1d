import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, parseConfig, Secret } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

describe('parseConfig', () => {
  it('GIVEN nothing set THEN the defaults and no token', () => {
    const r = parseConfig({});
    expect(r).toEqual({ ok: true, config: { dataDir: 'data', stateDir: 'var', logLevel: 'info', leaseSeconds: 60 } });
  });

  it('GIVEN values THEN they are used (log level case-insensitive)', () => {
    const r = parseConfig({ DATA_DIR: '/srv/data', STATE_DIR: '/srv/state', LOG_LEVEL: 'DEBUG', DISCORD_TOKEN: 'abc.def' });
    expect(r.ok && r.config.logLevel).toBe('debug');
    expect(r.ok && r.config.discordToken?.reveal()).toBe('abc.def');
  });

  it('GIVEN DATABASE_URL THEN kept as a Secret; empty THEN SQLite (absent); not a PostgreSQL URL THEN one line naming it, without the value', () => {
    const url = 'postgres://archivist:pa55word@db.example.org:5432/archivist?sslmode=require';
    const r = parseConfig({ DATABASE_URL: url });
    expect(r.ok && r.config.databaseUrl?.reveal()).toBe(url);
    expect(r.ok && String(r.config.databaseUrl)).toBe('[redacted]');
    expect(parseConfig({ DATABASE_URL: 'postgresql:///archivist?host=/var/run/postgresql' }).ok).toBe(true);
    const empty = parseConfig({ DATABASE_URL: '  ' });
    expect(empty.ok && empty.config.databaseUrl).toBeUndefined();
    for (const bad of ['mysql://u:pa55word@h/db', 'pa55word', 'postgres://', 'http://db.example.org/x']) {
      const b = parseConfig({ DATABASE_URL: bad });
      expect(b.ok).toBe(false);
      if (!b.ok) {
        expect(b.message).toMatch(/^config: DATABASE_URL must be a PostgreSQL URL/);
        expect(b.message).not.toContain('pa55word');
      }
    }
    expect(describeDatabaseUrl(url)).toBe('postgres://archivist@db.example.org:5432/archivist');
  });

  it('GIVEN an empty token THEN it counts as not set', () => {
    const r = parseConfig({ DISCORD_TOKEN: '' });
    expect(r.ok && r.config.discordToken).toBeUndefined();
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATA_DIR: '   ' }, 'DATA_DIR'],
    [{ STATE_DIR: '' }, 'STATE_DIR'],
  ])('GIVEN %j THEN one line naming %s', (env, name) => {
    const r = parseConfig(env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(name);
      expect(r.message).not.toContain('\n');
    }
  });

  it('GIVEN a malformed token THEN the message names it without its value', () => {
    const r = parseConfig({ DISCORD_TOKEN: 'abc def-secret' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('DISCORD_TOKEN');
      expect(r.message).not.toContain('def-secret');
    }
  });
});

describe('parseConfig: shards and leases', () => {
  it('GIVEN SHARD_IDS and SHARD_COUNT THEN the ids (sorted) of the count', () => {
    const r = parseConfig({ SHARD_IDS: ' 3, 1 ', SHARD_COUNT: '4' });
    expect(r.ok && r.config.shards).toEqual({ ids: [1, 3], count: 4 });
  });

  it('GIVEN SHARD_COUNT alone THEN this process runs every shard', () => {
    const r = parseConfig({ SHARD_COUNT: '3' });
    expect(r.ok && r.config.shards).toEqual({ ids: [0, 1, 2], count: 3 });
  });

  it('GIVEN neither THEN no shard settings (discord.js connects one shard)', () => {
    const r = parseConfig({ SHARD_IDS: '', SHARD_COUNT: '' });
    expect(r.ok && r.config.shards).toBeUndefined();
  });

  it('GIVEN LEASE_SECONDS THEN it is used', () => {
    const r = parseConfig({ LEASE_SECONDS: '5' });
    expect(r.ok && r.config.leaseSeconds).toBe(5);
  });

  it.each([
    [{ SHARD_IDS: '0,1' }, /SHARD_COUNT must be set with SHARD_IDS/],
    [{ SHARD_IDS: '0,2', SHARD_COUNT: '2' }, /SHARD_IDS lists shard 2, but SHARD_COUNT is 2/],
    [{ SHARD_IDS: 'zero', SHARD_COUNT: '2' }, /SHARD_IDS must be shard ids separated by commas/],
    [{ SHARD_IDS: '1,1', SHARD_COUNT: '2' }, /SHARD_IDS must not list a shard twice/],
    [{ SHARD_IDS: '-1', SHARD_COUNT: '2' }, /SHARD_IDS must be shard ids/],
    [{ SHARD_COUNT: '0' }, /SHARD_COUNT must be a whole number of shards/],
    [{ SHARD_COUNT: '2.5' }, /SHARD_COUNT must be a whole number of shards/],
    [{ LEASE_SECONDS: '0' }, /LEASE_SECONDS must be a whole number of seconds/],
    [{ LEASE_SECONDS: 'soon' }, /LEASE_SECONDS must be a whole number of seconds/],
  ])('GIVEN %j THEN one line naming the variable and what is wrong', (env, message) => {
    const r = parseConfig(env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      expect(r.message).not.toContain('\n');
    }
  });
});

describe('Secret', () => {
  it('GIVEN any way of printing THEN the value does not appear', () => {
    const s = new Secret('top-secret');
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).not.toContain('top-secret');
    expect(JSON.stringify({ s })).not.toContain('top-secret');
    expect(inspect({ s })).not.toContain('top-secret');
  });
});

describe('logger', () => {
  it('GIVEN a token or the config in a log line THEN it is redacted', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = await createLogger({ level: 'info', destination });
    const child = log.child({ module: 'test' });
    child.info({ token: 'plain-secret', config: { discordToken: new Secret('wrapped-secret'), dataDir: 'data' } }, 'hello');
    const parsed = JSON.parse(lines.join('')) as { module: string; msg: string; token: string; config: { dataDir: string } };
    expect(parsed.module).toBe('test');
    expect(parsed.msg).toBe('hello');
    expect(parsed.config.dataDir).toBe('data');
    expect(lines.join('')).not.toContain('plain-secret');
    expect(lines.join('')).not.toContain('wrapped-secret');
  });
});

describe('DRAFT_REVIEWER_ROLE', () => {
  it('GIVEN a role id THEN kept; empty THEN absent; not an id THEN one line naming it', () => {
    const set = parseConfig({ DRAFT_REVIEWER_ROLE: '700000000000000007' });
    expect(set.ok && set.config.draftReviewerRole).toBe('700000000000000007');
    const empty = parseConfig({ DRAFT_REVIEWER_ROLE: '' });
    expect(empty.ok && empty.config.draftReviewerRole).toBeUndefined();
    expect(parseConfig({ DRAFT_REVIEWER_ROLE: 'reviewers' })).toEqual({ ok: false, message: 'config: DRAFT_REVIEWER_ROLE must be a Discord id (17-20 digits)' });
  });
});

describe('SEARCH_BACKEND', () => {
  it('GIVEN embedded or postgres (any case) THEN kept; postgres without DATABASE_URL or another value THEN one line naming it', () => {
    const pg = parseConfig({ SEARCH_BACKEND: 'Postgres', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/archivist' });
    expect(pg.ok && pg.config.searchBackend).toBe('postgres');
    const embedded = parseConfig({ SEARCH_BACKEND: 'embedded' });
    expect(embedded.ok && embedded.config.searchBackend).toBe('embedded');
    const unset = parseConfig({ SEARCH_BACKEND: '' });
    expect(unset.ok).toBe(true);
    expect(unset.ok && unset.config.searchBackend).toBeUndefined();
    const alone = parseConfig({ SEARCH_BACKEND: 'postgres' });
    expect(alone.ok).toBe(false);
    expect(!alone.ok && alone.message).toMatch(/^config: SEARCH_BACKEND=postgres needs DATABASE_URL/);
    expect(parseConfig({ SEARCH_BACKEND: 'elastic' })).toEqual({ ok: false, message: 'config: SEARCH_BACKEND must be embedded or postgres' });
  });
});
