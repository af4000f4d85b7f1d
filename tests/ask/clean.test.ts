// Only words are search words: mentions, @everyone/@here, custom emoji, the
// bot's name and links are taken out of a question before it is read, so a
// question with them is answered exactly as the same question without them.
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../commands/shared/answer.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { cleanQuestion, urlKey } from '../../src/core/ask/clean.ts';
import { NOW, seedArchive } from './helpers.ts';

let deps: CommandDeps;

beforeAll(async () => {
  const { archive } = await seedArchive();
  deps = { archive, now: () => NOW };
});

describe('cleanQuestion', () => {
  it.each([
    ['<@123456789012345678> how many attacks in Kabul @everyone', 'how many attacks in Kabul'],
    ['<@!123456789012345678> attacks <@&987654321098765432> in <#111111111111111111> Herat @here', 'attacks in Herat'],
    ['attacks <:flag_af:123456789012345678> <a:spin:42> in Kabul <t:1700000000:R>', 'attacks in Kabul'],
    ['email me@everyone.org', 'email me@everyone.org'],
  ])('%s', (input, text) => {
    expect(cleanQuestion(input).text).toBe(text);
  });

  it('GIVEN links THEN they are taken out and kept aside, without sentence punctuation', () => {
    const c = cleanQuestion('see https://example.org/a/b?x=1, and <https://Example.org/c>.');
    expect(c.text).toBe('see and .');
    expect(c.urls).toEqual(['https://example.org/a/b?x=1', 'https://Example.org/c']);
  });

  it("GIVEN the bot's own name THEN it is an address, not a word", () => {
    expect(cleanQuestion('@Archivist how many attacks?', ['Archivist']).text).toBe('how many attacks?');
    expect(cleanQuestion('Archivist, attacks in Herat', ['Archivist']).text).toBe('attacks in Herat');
    expect(cleanQuestion('hey archivist: attacks in Herat', ['Archivist']).text).toBe('attacks in Herat');
    expect(cleanQuestion('attacks in Herat, Archivist?', ['Archivist']).text).toBe('attacks in Herat?');
    // Inside a question the word stays.
    expect(cleanQuestion('what does the archivist say about Herat', ['Archivist']).text).toBe('what does the archivist say about Herat');
  });

  it('GIVEN two spellings of one address THEN one key', () => {
    expect(urlKey('https://www.Example.org/a/')).toBe(urlKey('http://example.org/a?utm=1#top'));
  });
});

describe('questions with markup', () => {
  it.each([
    'how many attacks in Kabul',
    'attacks during ramadan 2022',
    'latest publications',
    'who is Abdul Qahar?',
  ])('GIVEN "%s" with @everyone, a role mention and a link THEN the same answer as without them', (question) => {
    const plain = answerQuestion(question, deps);
    const marked = answerQuestion(`<@123456789012345678> ${question} @everyone <@&987654321098765432> https://example.org/not-a-source`, deps, undefined, {
      names: ['Archivist'],
    });
    expect(marked.ok).toBe(true);
    expect(marked.readAs).toBe(plain.readAs);
    expect(marked.view).toEqual(plain.view);
  });

  it('GIVEN a mention question ending in @everyone THEN the count is that of the question, not of the word "everyone"', () => {
    const answer = answerQuestion('<@123456789012345678> how many attacks in Kabul @everyone', deps);
    expect(answer.view.type).toBe('count');
    if (answer.view.type !== 'count') return;
    expect(answer.view.total).toBeGreaterThan(0);
    expect(answer.readAs).not.toMatch(/everyone/u);
  });

  it("GIVEN a source's address THEN the source and the records citing it", async () => {
    const { data } = await seedArchive();
    const source = data.sources[0]!;
    const answer = answerQuestion(`anything citing ${source.url.replace('https://', 'http://www.')} ?`, deps);
    expect(answer.view.type).toBe('list');
    if (answer.view.type !== 'list') return;
    const citing = [...data.incidents, ...data.publications].filter((r) => r.sources.some((c) => c.source === source.id));
    expect(answer.view.total).toBe(citing.length + 1);
    expect(answer.view.entries[0]?.id).toBe(source.id);
  });
});
