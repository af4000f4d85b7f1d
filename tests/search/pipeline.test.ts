import { describe, expect, it } from 'vitest';
import { normaliseToken, queryTokens } from '../../src/core/search/pipeline.ts';

describe('normaliseToken', () => {
  it('folds case and diacritics and trims punctuation at the edges only', () => {
    expect(normaliseToken('Nangarhār,')).toBe('nangarhar');
    expect(normaliseToken('"Jama\'at"')).toBe("jama'at");
    expect(normaliseToken('10:30.')).toBe('10:30');
  });

  it('keeps words in Arabic script, which lunr\'s own trimmer would empty', () => {
    expect(normaliseToken('«خراسان»')).toBe('خراسان');
  });

  it('leaves nothing of a word without letters or digits', () => {
    expect(normaliseToken('--')).toBe('');
    expect(normaliseToken('…')).toBe('');
  });
});

describe('queryTokens', () => {
  it('splits on hyphens like the indexer, drops stop words and stems', () => {
    const r = queryTokens(['al-Naba', 'the', 'attacks', '-', 42]);
    expect(r.tokens).toEqual([
      { raw: 'al', stem: 'al' },
      { raw: 'naba', stem: 'naba' },
      { raw: 'attacks', stem: 'attack' },
    ]);
    expect(r.stopWords).toEqual(['the']);
  });
});
