import { describe, expect, it } from 'vitest';
import { Incident, Publication, SourceDocument } from '../../src/core/records/schema.ts';
import { normaliseForQuote } from '../../src/core/records/text.ts';
import { syntheticCorpus } from '../../src/core/search/synthetic.ts';

describe('syntheticCorpus', () => {
  const corpus = syntheticCorpus({ records: 400, seed: 7 });

  it('is the same for the same seed and differs for another', () => {
    expect(syntheticCorpus({ records: 400, seed: 7 })).toEqual(corpus);
    expect(syntheticCorpus({ records: 400, seed: 8 })).not.toEqual(corpus);
  });

  it('has the asked-for number of records, in the intended mix', () => {
    const { incidents, publications, sources } = corpus;
    expect(incidents.length + publications.length + sources.length).toBe(400);
    expect(incidents.length).toBeGreaterThan(publications.length);
    expect(publications.length).toBeGreaterThan(0);
  });

  it('makes records the schema accepts, quoting their sources verbatim', () => {
    for (const r of corpus.incidents) expect(Incident.safeParse(r).error).toBeUndefined();
    for (const r of corpus.publications) expect(Publication.safeParse(r).error).toBeUndefined();
    for (const r of corpus.sources) expect(SourceDocument.safeParse(r).error).toBeUndefined();
    const byId = new Map(corpus.sources.map((s) => [s.id, normaliseForQuote(`${s.title}\n${s.text}`)]));
    for (const r of [...corpus.incidents, ...corpus.publications]) {
      for (const c of r.sources) expect(byId.get(c.source)).toContain(normaliseForQuote(c.quote));
    }
  });
});
