// Follow-ups in a conversation: "and in Herat?", "only claimed ones",
// "what about 2021?", "as a timeline", "by month". A follow-up changes the
// parts of the previous question it names and keeps the rest; a follow-up
// that is a whole question of its own ("how many publications in 2022?")
// replaces the previous one.
//
// What a follow-up replaces: the place (place and country together: "and in
// Herat?" after Kabul is Herat, not Kabul-and-Herat), each other filter it
// names, the dates (a new year keeps a Hijri month but not its year, so
// "what about 2021?" after "during Ramadan 2022" is Ramadan 2021), the free
// words, and the command when it asks for one. "also", "too" and a leading
// "or" add instead of replacing. A change of kind drops the filters that do
// not apply to the new kind ("what about videos?" after attacks in Kabul
// lists videos, which have no place).
//
// Attacks or operations: a follow-up that names one side replaces the
// previous one ("what about operations?" after attacks), or adds it with
// "also" (both sides: every incident); one that names incidents without a
// side ("what about all incidents?") drops it; a change to publications
// drops it with the other incident-only filters.
import { build, effectiveKinds, notUnderstood } from './build.ts';
import { followUpExamples } from './examples.ts';
import { extract, hasFilter, hasSubject, type Extraction } from './extract.ts';
import { understandExtraction } from './fresh.ts';
import type { AskContext, Reading, Understanding, Understood } from './types.ts';
import type { RecordKindFilter } from '../search/types.ts';

/** A follow-up that is a complete question: it asks for a command and names its subject, and does not start like a fragment. */
export function isNewQuestion(ex: Extraction): boolean {
  if (ex.id !== undefined) return true;
  if (ex.fragment) return false;
  return (ex.cues.size > 0 || ex.publish) && hasSubject(ex);
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...a, ...b.filter((x) => !a.includes(x))];
}

const INCIDENT_ONLY = ['place', 'country', 'type', 'target'] as const;
const PUBLICATION_ONLY = ['outlet', 'medium', 'language'] as const;

/** The kinds the follow-up itself points at, if it points at one side only. */
function kindsOfFollowUp(ex: Extraction): RecordKindFilter[] | undefined {
  if (ex.kind.length > 0) return ex.kind;
  const incident = ex.category.length > 0 || INCIDENT_ONLY.some((k) => ex[k].length > 0) || ex.claimed !== undefined;
  const publication = PUBLICATION_ONLY.some((k) => ex[k].length > 0);
  if (incident && !publication) return ['incident'];
  if (publication && !incident) return ['publication'];
  return undefined;
}

/** The previous reading changed by the follow-up, or undefined when the follow-up changes nothing. */
export function merge(previous: Reading, ex: Extraction): Reading | undefined {
  const r: Reading = {
    ...previous,
    kind: [...previous.kind],
    category: [...previous.category],
    place: [...previous.place],
    country: [...previous.country],
    type: [...previous.type],
    target: [...previous.target],
    outlet: [...previous.outlet],
    medium: [...previous.medium],
    language: [...previous.language],
    terms: [...previous.terms],
  };
  if (previous.date !== undefined) r.date = { ...previous.date };
  if (previous.during !== undefined) r.during = { ...previous.during };
  if (previous.guessed !== undefined) r.guessed = previous.guessed.map((g) => ({ ...g }));
  let changed = false;
  const list = <K extends 'kind' | 'place' | 'country' | 'type' | 'target' | 'outlet' | 'medium' | 'language' | 'terms'>(name: K, values: Reading[K]): void => {
    if (values.length === 0) return;
    r[name] = (ex.add ? union<string>(r[name], values) : [...values]) as Reading[K];
    changed = true;
  };

  for (const c of ex.clears) {
    changed = true;
    if (c === 'date') {
      delete r.date;
      delete r.during;
    } else if (c === 'place') {
      r.place = [];
      r.country = [];
    } else if (c === 'claimed') delete r.claimed;
    else if (c === 'kind') {
      r.kind = [];
      r.category = [];
    }
    else r.terms = [];
  }

  if (ex.listThem || ex.cues.has('timeline')) {
    r.command = 'timeline';
    changed = true;
  } else if (ex.by !== undefined) {
    r.command = 'count';
    r.by = ex.by;
    r.byAsked = true;
    changed = true;
  } else if (ex.cues.has('count')) {
    r.command = 'count';
    changed = true;
  } else if (ex.cues.has('search')) {
    r.command = 'search';
    changed = true;
  }
  if (r.command === 'record') r.command = 'timeline';

  if (ex.place.length > 0 || ex.country.length > 0) {
    if (!ex.add) {
      r.place = [];
      r.country = [];
    }
    list('place', ex.place);
    list('country', ex.country);
  }
  for (const name of ['type', 'target', 'outlet', 'medium', 'language', 'kind', 'terms'] as const) list(name, ex[name]);
  if (ex.category.length > 0) {
    r.category = ex.add ? union(r.category, ex.category) : [...ex.category];
    changed = true;
  } else if (ex.kind.includes('incident')) {
    // "incidents", "events": every incident, whichever side acted.
    r.category = [];
  }
  if (ex.claimed !== undefined) {
    r.claimed = ex.claimed;
    changed = true;
  }
  if (ex.date !== undefined) {
    r.date = { ...ex.date };
    // The new dates replace the old ones; a Hijri month stays, without the year it had.
    if (r.during !== undefined && ex.during === undefined) r.during = { month: r.during.month, name: r.during.name };
    changed = true;
  }
  if (ex.during !== undefined) {
    const before = r.during;
    r.during = { ...ex.during };
    const hasYear = ex.during.hijriYear !== undefined || ex.during.gregorianYear !== undefined;
    if (!hasYear && ex.date === undefined && before !== undefined) {
      if (before.hijriYear !== undefined) r.during.hijriYear = before.hijriYear;
      if (before.gregorianYear !== undefined) r.during.gregorianYear = before.gregorianYear;
    }
    changed = true;
  }
  // What the follow-up guessed from nouns stays a guess; "newest first", "how many killed" carry on.
  if (ex.guessed !== undefined && ex.guessed.length > 0) r.guessed = [...(r.guessed ?? []), ...ex.guessed.map((g) => ({ ...g }))];
  if (ex.order !== undefined) {
    r.order = ex.order;
    changed = true;
  }
  if (ex.casualties === true) {
    r.casualties = true;
    if (r.command !== 'count' && !ex.cues.has('timeline') && !ex.cues.has('search')) r.command = 'count';
    changed = true;
  }
  if (!changed) return undefined;

  const kinds = kindsOfFollowUp(ex);
  if (kinds !== undefined && !ex.add) {
    if (!kinds.includes('incident')) {
      for (const k of INCIDENT_ONLY) r[k] = [];
      r.category = [];
      delete r.claimed;
    }
    if (!kinds.includes('publication')) for (const k of PUBLICATION_ONLY) r[k] = [];
    if (ex.kind.length === 0) r.kind = r.kind.filter((k) => kinds.includes(k));
  }
  return r;
}

/**
 * Reads `followUp` as a change to `previous`, or as a new question when it
 * is a whole one. A follow-up that changes nothing gets example follow-ups.
 */
export function refine(previous: Understood, followUp: string, ctx: Pick<AskContext, 'vocabulary' | 'now'>): Understanding {
  const kinds = effectiveKinds(previous.reading);
  const publicationsOnly = kinds.length > 0 && kinds.every((k) => k === 'publication');
  const ex = extract(followUp, { ...ctx, publicationsOnly });
  const examples = followUpExamples(ctx.vocabulary, previous.reading.place);
  if (ex.words === 0) return notUnderstood(followUp, 'The follow-up is empty.', examples);
  if (isNewQuestion(ex)) return understandExtraction(followUp, extract(followUp, ctx), ctx);
  // Words alone ("hmm", "taliban?") change the search only when said as a follow-up ("what about the Taliban?").
  const wordsOnly = !hasFilter(ex) && ex.cues.size === 0 && ex.by === undefined && !ex.listThem && ex.clears.length === 0 && !ex.publish;
  if (wordsOnly && !ex.fragment) {
    return notUnderstood(followUp, `I could not tell how "${ex.terms.join(' ')}" changes the previous question (${previous.readAs}).`, examples);
  }
  const merged = merge(previous.reading, ex);
  if (merged === undefined) {
    return notUnderstood(followUp, `I could not tell how that changes the previous question (${previous.readAs}).`, examples);
  }
  return build(followUp, merged, ctx.vocabulary);
}
