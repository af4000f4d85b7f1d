// The core never imports discord.js (DESIGN.md): commands return plain Views
// and only src/discord/ turns them into Discord payloads. This test reads the
// import lines of every file outside src/discord/ so a stray import fails CI.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DISCORD_FREE = ['src/core', 'commands', 'src/render', 'src/console', 'src/state', 'src/digest', 'src/cli', 'src/jobs', 'src/db'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

// Static imports, re-exports and dynamic import() of discord.js or any @discordjs package.
const DISCORD_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:discord\.js|@discordjs\/[^'"]+)['"]/u;

describe('architecture', () => {
  it('keeps discord.js out of the core, commands, renderers, console, state and digest runner', () => {
    const files = DISCORD_FREE.flatMap((d) => tsFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => DISCORD_IMPORT.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('recognises the import forms it guards against', () => {
    for (const line of ["import { Client } from 'discord.js';", 'export { x } from "@discordjs/rest";', "await import('discord.js')"]) {
      expect(DISCORD_IMPORT.test(line), line).toBe(true);
    }
    expect(DISCORD_IMPORT.test("import { z } from 'zod';")).toBe(false);
  });
});
