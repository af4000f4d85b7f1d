// The registry and the command definitions: every definition must be
// accepted by Discord's API (the Discord layer converts them as they are),
// help must list every command, and runCommand must turn bad options into
// error Views that list what exists.
import { describe, expect, it } from 'vitest';
import { COMMANDS, DEFINITIONS, findCommand, runCommand } from '../../commands/index.ts';
import { HELP_DEFINITIONS } from '../../commands/help.ts';
import { as, deps, valid } from './helpers.ts';

const NAME = /^[-_\p{Ll}\p{N}]{1,32}$/u;

describe('command definitions', () => {
  it.each(DEFINITIONS.map((d) => [d.name, d] as const))('GIVEN /%s THEN it satisfies Discord limits', (_name, d) => {
    expect(d.name).toMatch(NAME);
    expect(d.description.length).toBeGreaterThan(0);
    expect(d.description.length).toBeLessThanOrEqual(100);
    expect(d.options.length).toBeLessThanOrEqual(25);
    const names = d.options.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    let seenOptional = false;
    for (const o of d.options) {
      expect(o.name).toMatch(NAME);
      expect(o.description.length).toBeGreaterThan(0);
      expect(o.description.length).toBeLessThanOrEqual(100);
      // Discord rejects a required option after an optional one.
      if (o.required === true) expect(seenOptional).toBe(false);
      else seenOptional = true;
      if (o.choices !== undefined) {
        expect(o.type).toBe('string');
        expect(o.choices.length).toBeGreaterThan(0);
        expect(o.choices.length).toBeLessThanOrEqual(25);
        for (const c of o.choices) expect(c.length).toBeLessThanOrEqual(100);
        expect(o.autocomplete).not.toBe(true);
      }
      if (o.minValue !== undefined || o.maxValue !== undefined) expect(o.type).toBe('integer');
      if (o.maxLength !== undefined) expect(o.maxLength).toBeLessThanOrEqual(6000);
    }
  });

  it('GIVEN the registry THEN command names are unique and each is found by name', () => {
    const names = DEFINITIONS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(findCommand(`/${name}`)?.definition.name).toBe(name);
  });

  it('GIVEN help THEN it lists exactly the registered commands, in the same order', () => {
    expect(HELP_DEFINITIONS.map((d) => d.name)).toEqual(COMMANDS.map((c) => c.definition.name));
  });
});

describe('runCommand', () => {
  it('GIVEN an unknown command THEN an error lists every command', () => {
    const view = as(valid(runCommand('serch', {}, deps())), 'error');
    expect(view.code).toBe('unknown-command');
    for (const d of DEFINITIONS) expect(view.hints.join(' ')).toContain(`/${d.name}`);
  });

  it('GIVEN an unknown option THEN the error names it and lists the options that exist', () => {
    const view = as(runCommand('count', { by: 'month', colour: 'red' }, deps()), 'error');
    expect(view.code).toBe('unknown-option');
    expect(view.message).toContain('colour');
    for (const o of ['by', 'query', 'from', 'to']) expect(view.message).toContain(o);
  });

  it('GIVEN a query filter used as an option THEN the hint shows it inside query', () => {
    const view = as(runCommand('search', { place: 'kabul' }, deps()), 'error');
    expect(view.code).toBe('unknown-option');
    expect(view.hints.join('\n')).toContain('query:"place:kabul"');
  });

  it('GIVEN a missing required option THEN the error names it and its choices', () => {
    const view = as(runCommand('count', {}, deps()), 'error');
    expect(view.code).toBe('missing-option');
    expect(view.message).toContain('by');
    expect(view.hints.join(' ')).toContain('month');
  });

  it('GIVEN a bad choice THEN the error lists the valid choices', () => {
    const view = as(runCommand('count', { by: 'colour' }, deps()), 'error');
    expect(view.code).toBe('bad-option');
    for (const c of ['month', 'year', 'outlet', 'claim']) expect(view.message).toContain(c);
  });

  it('GIVEN a choice in another case THEN it is accepted as the canonical choice', () => {
    expect(as(runCommand('count', { by: 'OUTLET' }, deps()), 'count').by).toBe('outlet');
  });

  it.each(['two', '1.5', '0', '-3', '99999999999999999999'])('GIVEN page:%s THEN the error says what page must be', (page) => {
    const view = as(runCommand('search', { query: 'kabul', page }, deps()), 'error');
    expect(view.code).toBe('bad-option');
    expect(view.message).toMatch(/^page must be/);
  });

  it('GIVEN page as a typed integer (as Discord sends it) THEN it is accepted', () => {
    expect(as(runCommand('search', { query: 'kabul', page: 1 }, deps()), 'list').page).toBe(1);
  });

  it('GIVEN an empty value for a required option THEN it counts as missing', () => {
    expect(as(runCommand('record', { id: '  ' }, deps()), 'error').code).toBe('missing-option');
  });
});
