import { describe, expect, it } from 'vitest';
import { parseSlashLine } from '../../src/console/slash.ts';
import { answerLine } from '../../src/console/answer.ts';
import { as, deps } from '../commands/helpers.ts';

function options(line: string): Record<string, string> {
  const r = parseSlashLine(line);
  if (!r.ok) throw new Error(`expected ${line} to parse: ${r.error.message}`);
  return Object.fromEntries(r.line.options);
}

function error(line: string) {
  const r = parseSlashLine(line);
  if (r.ok) throw new Error(`expected ${line} to fail, got ${JSON.stringify([...r.line.options])}`);
  return r.error;
}

describe('parseSlashLine', () => {
  it('GIVEN name:value options THEN the command and each option', () => {
    const r = parseSlashLine('/count by:outlet  query:kabul');
    expect(r.ok && r.line.command).toBe('count');
    expect(options('/count by:outlet  query:kabul')).toEqual({ by: 'outlet', query: 'kabul' });
  });

  it('GIVEN a quoted value with spaces and colons THEN it is one value without the quotes', () => {
    expect(options('/timeline query:"during:muharram year:2022"')).toEqual({ query: 'during:muharram year:2022' });
  });

  it('GIVEN \\" inside quotes THEN it is a literal quote; \\\\ a backslash', () => {
    expect(options('/count by:place query:"type:\\"suicide bombing\\""')).toEqual({ by: 'place', query: 'type:"suicide bombing"' });
    expect(options('/search query:"a\\\\b"')).toEqual({ query: 'a\\b' });
  });

  it('GIVEN an unquoted value with colons THEN everything after the first colon is the value', () => {
    expect(options('/search query:place:kabul')).toEqual({ query: 'place:kabul' });
  });

  it('GIVEN quoted and unquoted parts together THEN they join', () => {
    expect(options('/search query:ka"bul mosque"')).toEqual({ query: 'kabul mosque' });
  });

  it('GIVEN no leading slash or upper case THEN it is still read', () => {
    expect(parseSlashLine('ABOUT').ok).toBe(true);
    expect(options('Search Query:kabul')).toEqual({ query: 'kabul' });
  });

  it('GIVEN an option without a value THEN the error names the option', () => {
    const e = error('/search query:');
    expect(e.code).toBe('syntax');
    expect(e.message).toContain('query has no value');
    expect(error('/search query: kabul').message).toContain('query has no value');
  });

  it('GIVEN an unclosed quote THEN the error says so', () => {
    expect(error('/search query:"kabul').message).toContain('without a closing');
  });

  it('GIVEN a bare word THEN the error shows the name:value form', () => {
    const e = error('/search peshawar');
    expect(e.message).toContain('"peshawar" is not an option');
    expect(e.hints.join(' ')).toContain('query:peshawar');
  });

  it('GIVEN the same option twice THEN an error', () => {
    expect(error('/search query:a query:b').message).toContain('given twice');
  });

  it('GIVEN an empty line THEN an error asking for a command', () => {
    expect(error('   ').code).toBe('syntax');
    expect(error('/').code).toBe('syntax');
  });
});

describe('answerLine', () => {
  it('GIVEN an unknown command THEN the error lists the commands', () => {
    const view = as(answerLine('/serch query:x', deps()), 'error');
    expect(view.code).toBe('unknown-command');
    expect(view.hints.join(' ')).toContain('/search');
  });

  it('GIVEN an unknown option THEN the error lists the options', () => {
    const view = as(answerLine('/count by:month colour:red', deps()), 'error');
    expect(view.message).toContain('by, query, from, to');
  });

  it('GIVEN a valid line THEN the command answers', () => {
    expect(as(answerLine('/timeline query:"during:ramadan 2022"', deps()), 'list').total).toBeGreaterThan(0);
  });
});
