// The Discord settings from the environment: each variable validated, a
// missing one named in one line, and the token never in a message.
import { describe, expect, it } from 'vitest';
import { DISCORD_API_DEFAULT, discordSettings, parseConfig } from '../../src/config.ts';

const TOKEN = 'MTIz.secret-part.abc';
const APP = '200000000000000001';

function settings(env: NodeJS.ProcessEnv) {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.message);
  return discordSettings(parsed.config);
}

describe('Discord configuration', () => {
  it('GIVEN a token and an application id THEN Discord\'s API by default and no guild', () => {
    const r = settings({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings.token.reveal()).toBe(TOKEN);
    expect(r.settings).toMatchObject({ applicationId: APP, apiUrl: DISCORD_API_DEFAULT });
    expect(r.settings.guildId).toBeUndefined();
  });

  it('GIVEN DISCORD_API_URL and DISCORD_GUILD_ID THEN they are used (trailing slash dropped)', () => {
    const r = settings({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: 'http://127.0.0.1:8080/api/', DISCORD_GUILD_ID: '300000000000000001' });
    expect(r.ok && r.settings).toMatchObject({ apiUrl: 'http://127.0.0.1:8080/api', guildId: '300000000000000001' });
  });

  it.each([
    [{ DISCORD_TOKEN: TOKEN }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_APPLICATION_ID: APP }, 'DISCORD_TOKEN'],
  ])('GIVEN %j THEN one line naming %s', (env, name) => {
    const r = settings(env);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(name);
      expect(r.message).not.toContain('\n');
      expect(r.message).not.toContain('secret-part');
    }
  });

  it.each([
    [{ DISCORD_APPLICATION_ID: 'my-bot' }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_GUILD_ID: '12' }, 'DISCORD_GUILD_ID'],
    [{ DISCORD_API_URL: 'not a url' }, 'DISCORD_API_URL'],
    [{ DISCORD_API_URL: 'ftp://example.org/api' }, 'DISCORD_API_URL'],
  ])('GIVEN the malformed %j THEN one line naming %s, without the token', (env, name) => {
    const r = parseConfig({ DISCORD_TOKEN: TOKEN, ...env });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(new RegExp(`^config: ${name} `));
      expect(r.message).not.toContain('\n');
      expect(r.message).not.toContain('secret-part');
    }
  });

  it('GIVEN empty Discord variables (blank lines in .env) THEN they count as unset', () => {
    const r = parseConfig({ DISCORD_APPLICATION_ID: '', DISCORD_GUILD_ID: ' ', DISCORD_API_URL: '' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config).toEqual({ dataDir: 'data', stateDir: 'var', logLevel: 'info', leaseSeconds: 60 });
  });
});
