// Example questions for an answer that could not be read. They are built
// from the archive's own names, so every example, if asked, gets an answer.
import type { Vocabulary } from './vocabulary.ts';

function prefer(list: readonly string[], wanted: string): string | undefined {
  return list.find((x) => x.toLowerCase() === wanted.toLowerCase()) ?? list.find((x) => !/\s/u.test(x)) ?? list[0];
}

/** Two or three questions that work on this archive; the first searches the question's own words when it had some. */
export function questionExamples(vocabulary: Vocabulary, words: readonly string[] = []): string[] {
  const place = prefer(vocabulary.places, 'Kabul');
  const outlet = prefer(vocabulary.outlets, 'Voice of Khurasan');
  const examples = [
    ...(words.length > 0 ? [`find ${words.join(' ')}`] : []),
    place !== undefined ? `how many attacks in ${place} by year?` : 'how many attacks by year?',
    outlet !== undefined ? `what did ${outlet} publish during Ramadan?` : 'which publications mention the Taliban?',
    'timeline of attacks on schools',
  ];
  return examples.slice(0, 3);
}

/** Follow-ups that refine the previous question. */
export function followUpExamples(vocabulary: Vocabulary, previousPlaces: readonly string[] = []): string[] {
  const place = vocabulary.places.find((p) => !previousPlaces.includes(p) && !/\s/u.test(p)) ?? 'Herat';
  return [`and in ${place}?`, 'only claimed ones', 'what about 2021?'];
}
