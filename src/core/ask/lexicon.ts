// The fixed words of plain-English questions: what asks for a count, a
// timeline or a search, the words for kinds of record, media, targets,
// languages and claims. Names that come from the data (places, countries,
// outlets, attack types) are not here: they are read from the archive's
// vocabulary (vocabulary.ts), so new records teach the reader new names.
//
// Phrases are arrays of lower-case words as tokens.ts produces them:
// diacritics and apostrophes removed, hyphens split ("is-k" -> "is", "k").
import type { CountKey } from '../counts.ts';
import type { IncidentCategoryFilter, RecordKindFilter } from '../search/types.ts';

export type Phrase = readonly string[];

const words = (s: string): Phrase => s.split(' ');
const phrases = (list: readonly string[]): Phrase[] => list.map(words);

/** "How many ..." and friends: the question wants a count. */
export const COUNT_CUES = phrases([
  'how many',
  'how much',
  'how often',
  'number of',
  'numbers of',
  'count',
  'counts',
  'count of',
  'tally',
  'total',
  'totals',
  'total number of',
  'statistics',
  'stats',
  'breakdown',
  'break down',
]);

/** The question wants records in date order. */
export const TIMELINE_CUES = phrases([
  'timeline',
  'timelines',
  'time line',
  'chronology',
  'chronological',
  'chronologically',
  'over time',
  'in order',
  'date order',
  'in date order',
  'sequence of',
  'what happened',
  'anything',
  'list',
  'list of',
]);

/** The question wants the best matches for some words. */
export const SEARCH_CUES = phrases([
  'show me',
  'show',
  'find',
  'find me',
  'search',
  'search for',
  'look up',
  'look for',
  'looking for',
  'tell me about',
  'details of',
  'details on',
  'details about',
  'information on',
  'information about',
  'info on',
  'info about',
]);

/**
 * Questions about someone or something by name: "who is Abdul Qahar?",
 * "what is Khurasan Ghag". The name is searched across every field (authors,
 * producers, people in summaries and quotes). Each is a search cue.
 */
export const WHO_CUES = phrases([
  'who is',
  'who was',
  'who are',
  'who were',
  'whos',
  'what is',
  'what was',
  'what are',
  'what were',
  'whats',
  'what do you know about',
  'what do we know about',
  'what do you have on',
  'what do we have on',
  'anything on',
  'anything about',
  'everything on',
  'everything about',
  'background on',
]);

/** Asking for the order of a list: newest first or oldest first. */
export const ORDER_PHRASES: ReadonlyArray<readonly [Phrase, 'newest' | 'oldest']> = [
  ...phrases([
    'latest', 'most recent', 'the most recent', 'newest', 'recent', 'recently', 'lately', 'last', 'the last', 'newest first',
    'latest first', 'most recent first', 'most recently', 'last few', 'the latest', 'new', 'anything new', 'whats new',
  ]).map((p) => [p, 'newest'] as const),
  ...phrases(['earliest', 'oldest', 'first', 'the first', 'oldest first', 'earliest first', 'first ever']).map((p) => [p, 'oldest'] as const),
];

/** Words asking for casualty figures: "how many were killed". */
export const CASUALTY_WORDS = phrases([
  'killed', 'kill', 'kills', 'dead', 'deaths', 'death toll', 'died', 'wounded', 'injured', 'injuries', 'hurt', 'casualties',
  'casualty', 'casualty figures', 'fatalities', 'people killed', 'people were killed', 'people died', 'were killed', 'were wounded', 'were injured', 'killed and wounded', 'killed or wounded', 'body count',
]);

/**
 * Words after which the rest of the phrase is what records should contain,
 * not a filter: "publications that mention the Taliban", "about Shias".
 * Each is a search cue as well.
 */
export const MENTION_CUES = phrases([
  'mention',
  'mentions',
  'mentioning',
  'mentioned',
  'about',
  'regarding',
  'concerning',
  'refer to',
  'refers to',
  'referring to',
  'discuss',
  'discusses',
  'discussing',
  'containing',
  'contain',
  'contains',
  'with the word',
  'with the words',
  'on the topic of',
]);

/** Verbs of publishing: the question is about publications, in date order unless said otherwise. */
export const PUBLISH_CUES = phrases([
  'publish',
  'published',
  'publishes',
  'publishing',
  'release',
  'released',
  'releases',
  'put out',
  'issued',
  'produce',
  'produced',
  'came out',
  'come out',
  'write',
  'wrote',
  'written',
  'writes',
  'authored',
]);

/** "Show them" after a count: list the records just counted. */
export const LIST_THEM = phrases([
  'show them',
  'show me them',
  'list them',
  'show those',
  'show these',
  'list those',
  'list these',
  'which ones',
  'what are they',
  'show the records',
  'list the records',
]);

/** What to count by, and the phrases that ask for it. */
export const BY_PHRASES: ReadonlyArray<readonly [Phrase, CountKey]> = [
  ...phrases(['by month', 'by months', 'per month', 'each month', 'every month', 'monthly', 'month by month']).map((p) => [p, 'month'] as const),
  ...phrases(['by year', 'by years', 'per year', 'each year', 'every year', 'yearly', 'annually', 'year by year']).map((p) => [p, 'year'] as const),
  ...phrases([
    'by place', 'by places', 'by city', 'by cities', 'by location', 'by province', 'by district', 'by town', 'per place',
    'per city', 'per province', 'each city', 'each place', 'which places', 'which cities', 'which provinces', 'what places',
    'what cities', 'which locations',
  ]).map((p) => [p, 'place'] as const),
  ...phrases(['by country', 'by countries', 'per country', 'each country', 'which countries', 'what countries']).map((p) => [p, 'country'] as const),
  ...phrases([
    'by type', 'by attack type', 'by type of attack', 'by kind of attack', 'by method', 'by tactic', 'by weapon', 'per type',
    'which types', 'what types', 'what kinds', 'which kinds', 'types of', 'kinds of',
  ]).map((p) => [p, 'type'] as const),
  ...phrases(['by target', 'by targets', 'by target type', 'per target', 'which targets', 'what targets', 'who was targeted', 'who were targeted']).map(
    (p) => [p, 'target'] as const,
  ),
  ...phrases(['by outlet', 'by outlets', 'per outlet', 'each outlet', 'which outlets', 'what outlets', 'by publisher', 'which publishers']).map(
    (p) => [p, 'outlet'] as const,
  ),
  ...phrases(['by medium', 'by media', 'by format', 'per medium', 'which media', 'what media', 'which formats', 'what formats', 'by type of publication']).map(
    (p) => [p, 'medium'] as const,
  ),
  ...phrases(['by language', 'by languages', 'per language', 'which languages', 'what languages', 'in which languages']).map((p) => [p, 'language'] as const),
  ...phrases(['by claim', 'by claim status', 'claim status', 'claimed or not', 'claimed vs unclaimed', 'claimed versus unclaimed', 'claimed and unclaimed']).map(
    (p) => [p, 'claim'] as const,
  ),
];

/**
 * Words for incidents that say which side acted: attacks by the group, or
 * operations against it (a Taliban counter-terrorism raid). Each also names
 * incidents (see KIND_WORDS). Longest phrase wins, so "martyrdom operations"
 * (the group's own word for its attacks) is an attack and "drone strikes" an
 * operation. "bombing"/"suicide attacks" are attack types (TYPE_PHRASES) and
 * imply attacks there.
 */
export const CATEGORY_WORDS: ReadonlyArray<readonly [Phrase, IncidentCategoryFilter]> = [
  ...phrases([
    'attack', 'attacks', 'attacked', 'bombed', 'blast', 'blasts', 'killing', 'killings', 'massacre', 'massacres', 'assault',
    'assaults', 'ambush', 'ambushes', 'ambushed', 'strike', 'strikes', 'martyrdom operation', 'martyrdom operations',
    'suicide operation', 'suicide operations',
  ]).map((p) => [p, 'attack'] as const),
  ...phrases([
    'raid', 'raids', 'raided', 'operation', 'operations', 'crackdown', 'crackdowns', 'counter terrorism', 'counterterrorism',
    'counter terrorism operation', 'counter terrorism operations', 'counterterrorism operation', 'counterterrorism operations',
    'ct operation', 'ct operations', 'drone strike', 'drone strikes', 'air strike', 'air strikes', 'airstrike', 'airstrikes',
  ]).map((p) => [p, 'operation'] as const),
];

/** Words naming a kind of record. Attack types and media imply a kind too (see extract.ts). */
export const KIND_WORDS: ReadonlyArray<readonly [Phrase, RecordKindFilter]> = [
  // Incidents in general: no side implied.
  ...phrases(['incident', 'incidents', 'event', 'events', 'violence']).map((p) => [p, 'incident'] as const),
  ...CATEGORY_WORDS.map(([p]) => [p, 'incident'] as const),
  ...phrases(['publication', 'publications', 'propaganda', 'issue', 'issues', 'output', 'outputs']).map((p) => [p, 'publication'] as const),
  ...phrases(['source', 'sources', 'source document', 'source documents', 'document', 'documents']).map((p) => [p, 'source'] as const),
];

/** Nouns that end a definite description of one incident: "the Peshawar mosque bombing". */
export const INCIDENT_NOUNS: ReadonlySet<string> = new Set([
  'attack', 'attacks', 'bombing', 'bombings', 'blast', 'explosion', 'shooting', 'massacre', 'raid', 'operation', 'assault',
  'ambush', 'strike', 'siege', 'killing', 'killings', 'incident', 'bomb',
]);

/** Attack types asked for in so many words (the data's own types are matched from the vocabulary as well). */
export const TYPE_PHRASES: ReadonlyArray<readonly [Phrase, string]> = [
  ...phrases([
    'suicide bombing', 'suicide bombings', 'suicide bomber', 'suicide bombers', 'suicide attack', 'suicide attacks',
    'suicide blast', 'suicide blasts', 'suicide bomb', 'suicide bombs',
  ]).map((p) => [p, 'suicide bombing'] as const),
  ...phrases(['bombing', 'bombings', 'bomb attack', 'bomb attacks', 'bomb blast', 'bomb blasts', 'bomb', 'bombs']).map((p) => [p, 'bombing'] as const),
];

/** Media words; the value is what `medium:` takes (the query language resolves it). */
export const MEDIUM_PHRASES: ReadonlyArray<readonly [Phrase, string]> = [
  ...phrases(['magazine', 'magazines', 'magazine issue', 'magazine issues']).map((p) => [p, 'magazine'] as const),
  ...phrases(['newsletter', 'newsletters', 'newsletter issue', 'newsletter issues']).map((p) => [p, 'newsletter'] as const),
  ...phrases(['book', 'books']).map((p) => [p, 'book'] as const),
  ...phrases(['booklet', 'booklets', 'pamphlet', 'pamphlets', 'brochure', 'brochures']).map((p) => [p, 'booklet'] as const),
  ...phrases(['video', 'videos', 'film', 'films', 'clip', 'clips']).map((p) => [p, 'video'] as const),
  ...phrases(['audio', 'audios', 'recording', 'recordings', 'nasheed', 'nasheeds']).map((p) => [p, 'audio'] as const),
  ...phrases(['statement', 'statements']).map((p) => [p, 'statement'] as const),
  ...phrases(['fatwa', 'fatwas', 'fatawa']).map((p) => [p, 'fatwa'] as const),
  ...phrases(['article', 'articles', 'essay', 'essays']).map((p) => [p, 'article'] as const),
];

/**
 * Targets and the value given to `target:`. The filter matches every word of
 * the value against the record's target and target type, singular or plural,
 * so the value is the word records use ("Shia", not "Shiites").
 */
export const TARGET_PHRASES: ReadonlyArray<readonly [Phrase, string]> = [
  ...phrases(['school', 'schools', 'schoolchildren', 'pupils']).map((p) => [p, 'school'] as const),
  ...phrases(['education centre', 'education centres', 'education center', 'education centers', 'educational centre',
    'educational centres', 'educational center', 'educational centers', 'educational institutions', 'educational institution',
    'tuition centre', 'tuition centres', 'tuition center', 'tuition centers']).map((p) => [p, 'education'] as const),
  ...phrases(['mosque', 'mosques', 'masjid', 'masjids']).map((p) => [p, 'mosque'] as const),
  ...phrases(['imambargah', 'imambargahs', 'imambargas', 'imambarga']).map((p) => [p, 'imambargah'] as const),
  ...phrases(['shrine', 'shrines']).map((p) => [p, 'shrine'] as const),
  ...phrases(['church', 'churches']).map((p) => [p, 'church'] as const),
  ...phrases(['temple', 'temples']).map((p) => [p, 'temple'] as const),
  ...phrases(['gurdwara', 'gurdwaras']).map((p) => [p, 'gurdwara'] as const),
  ...phrases(['places of worship', 'place of worship']).map((p) => [p, 'worship'] as const),
  ...phrases(['religious sites', 'religious site', 'religious institutions', 'religious institution']).map((p) => [p, 'religious'] as const),
  ...phrases(['shia', 'shias', 'shiite', 'shiites', 'shii', 'shiis', 'shia muslims', 'shia community', 'shiia']).map((p) => [p, 'Shia'] as const),
  ...phrases(['hazara', 'hazaras']).map((p) => [p, 'Hazara'] as const),
  ...phrases(['sikh', 'sikhs']).map((p) => [p, 'Sikh'] as const),
  ...phrases(['hindu', 'hindus']).map((p) => [p, 'Hindu'] as const),
  ...phrases(['christian', 'christians']).map((p) => [p, 'Christian'] as const),
  ...phrases(['sufi', 'sufis']).map((p) => [p, 'Sufi'] as const),
  ...phrases(['taliban']).map((p) => [p, 'Taliban'] as const),
  ...phrases(['police', 'policemen', 'police officers', 'police station', 'police stations']).map((p) => [p, 'police'] as const),
  ...phrases(['soldiers', 'military', 'army', 'troops']).map((p) => [p, 'military'] as const),
  ...phrases(['security forces']).map((p) => [p, 'security'] as const),
  ...phrases(['civilian', 'civilians']).map((p) => [p, 'civilians'] as const),
  ...phrases(['worshipper', 'worshippers', 'worshipers']).map((p) => [p, 'worshippers'] as const),
  ...phrases(['journalist', 'journalists']).map((p) => [p, 'journalist'] as const),
  ...phrases(['embassy', 'embassies', 'diplomats']).map((p) => [p, 'embassy'] as const),
  ...phrases(['hospital', 'hospitals']).map((p) => [p, 'hospital'] as const),
  ...phrases(['bus', 'buses', 'minibus', 'minibuses']).map((p) => [p, 'bus'] as const),
  ...phrases(['procession', 'processions']).map((p) => [p, 'procession'] as const),
  ...phrases(['market', 'markets', 'bazaar', 'bazaars']).map((p) => [p, 'market'] as const),
  ...phrases(['university', 'universities']).map((p) => [p, 'university'] as const),
  ...phrases(['student', 'students']).map((p) => [p, 'student'] as const),
];

/** Claim words. "claimed or not" is a count by claim status (BY_PHRASES), matched first. */
export const CLAIM_PHRASES: ReadonlyArray<readonly [Phrase, boolean]> = [
  ...phrases(['unclaimed', 'not claimed', 'never claimed', 'not yet claimed', 'no claim', 'without a claim', 'without claim', 'without claims']).map(
    (p) => [p, false] as const,
  ),
  ...phrases(['claimed', 'claims', 'claim', 'claimed ones']).map((p) => [p, true] as const),
];

/** Languages publications are written in, as `language:` takes them. */
export const LANGUAGE_WORDS: ReadonlyMap<string, string> = new Map([
  ['english', 'English'],
  ['arabic', 'Arabic'],
  ['pashto', 'Pashto'],
  ['pashtu', 'Pashto'],
  ['pushto', 'Pashto'],
  ['persian', 'Persian'],
  ['farsi', 'Persian'],
  ['dari', 'Dari'],
  ['urdu', 'Urdu'],
  ['uzbek', 'Uzbek'],
  ['tajik', 'Tajik'],
  ['russian', 'Russian'],
  ['turkish', 'Turkish'],
  ['hindi', 'Hindi'],
  ['malayalam', 'Malayalam'],
  ['bengali', 'Bengali'],
  ['bangla', 'Bengali'],
  ['uyghur', 'Uyghur'],
  ['uighur', 'Uyghur'],
]);

/** Country adjectives, used when the country itself is in the vocabulary. */
export const DEMONYMS: ReadonlyMap<string, string> = new Map([
  ['afghan', 'Afghanistan'],
  ['pakistani', 'Pakistan'],
  ['iranian', 'Iran'],
  ['tajikistani', 'Tajikistan'],
  ['uzbekistani', 'Uzbekistan'],
  ['indian', 'India'],
]);

/**
 * The group itself. Every record is about it, so naming it narrows nothing
 * and is dropped; after "against" or "targeting" it is a target (operations
 * against the group).
 */
export const GROUP_NAMES = phrases([
  'iskp', 'iskp s', 'is k', 'isis k', 'isil k', 'isk', 'isis', 'isil', 'daesh', 'daish', 'islamic state', 'islamic state khorasan',
  'islamic state khurasan', 'islamic state khorasan province', 'islamic state khurasan province', 'islamic state of khorasan',
  'islamic state in khorasan', 'khorasan province', 'khurasan province', 'wilayat khorasan', 'wilayat khurasan', 'the group',
]);

/** Follow-ups that start like this refine the previous question instead of replacing it. */
export const FRAGMENT_STARTS = phrases([
  'and', 'what about', 'how about', 'only', 'just', 'but', 'also', 'same', 'instead', 'now', 'then', 'ok', 'okay', 'or', 'in',
  'for', 'by', 'as', 'with', 'without', 'excluding', 'except', 'not', 'plus', 'same for', 'from', 'since', 'during', 'before',
  'after', 'between', 'this', 'last',
]);

/** Follow-up words that add to the previous values instead of replacing them ("also in Herat", "Herat too"). */
export const ADD_MARKERS = phrases(['also', 'too', 'as well', 'as well as']);

export type Clearable = 'date' | 'place' | 'claimed' | 'kind' | 'terms';

/** Follow-ups that take a filter away: "any time", "everywhere". */
export const CLEAR_PHRASES: ReadonlyArray<readonly [Phrase, Clearable]> = [
  ...phrases(['any time', 'anytime', 'all time', 'all dates', 'all years', 'any year', 'any date', 'ever', 'whenever', 'without dates', 'without a date']).map(
    (p) => [p, 'date'] as const,
  ),
  ...phrases(['anywhere', 'everywhere', 'all places', 'any place', 'all countries', 'any country']).map((p) => [p, 'place'] as const),
  ...phrases(['regardless of claim', 'any claim', 'claimed or unclaimed', 'whether claimed or not']).map((p) => [p, 'claimed'] as const),
  ...phrases(['everything', 'all kinds', 'all records', 'any kind']).map((p) => [p, 'kind'] as const),
  ...phrases(['any words', 'without words', 'no words']).map((p) => [p, 'terms'] as const),
];

/** Words that introduce a place: names after them may be matched more loosely ("in Mazar"). */
export const PLACE_PREPOSITIONS: ReadonlySet<string> = new Set(['in', 'at', 'near', 'around', 'inside', 'outside', 'across', 'from']);

/** Words that introduce a target: "attacks on schools", "against Shias". */
export const TARGET_PREPOSITIONS: ReadonlySet<string> = new Set(['on', 'against', 'targeting', 'targetting', 'targeted', 'targetted', 'target', 'targets']);

/** Words that end a mention phrase or a definite description. */
export const PREPOSITIONS: ReadonlySet<string> = new Set([
  'in', 'on', 'at', 'of', 'against', 'during', 'since', 'from', 'before', 'after', 'until', 'till', 'between', 'by', 'with', 'for',
  'to', 'and', 'or', 'near', 'around', 'through', 'throughout', 'targeting', 'that', 'which', 'who', 'where', 'when',
]);

/**
 * Words that carry no search meaning in a question. Dropped from the free
 * text so "what did ... publish" does not search for "what" and "did".
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  // function words
  'a', 'an', 'the', 'of', 'in', 'on', 'at', 'to', 'for', 'from', 'by', 'with', 'without', 'and', 'or', 'but', 'not', 'no', 'nor',
  'as', 'into', 'onto', 'over', 'under', 'about', 'than', 'then', 'so', 'if', 'that', 'this', 'these', 'those', 'there', 'here',
  'it', 'its', 'they', 'them', 'their', 'theirs', 'we', 'us', 'our', 'you', 'your', 'i', 'me', 'my', 'he', 'she', 'his', 'her',
  'him', 'one', 'ones', 'some', 'any', 'all', 'each', 'every', 'both', 'either', 'neither', 'other', 'others', 'another', 'such',
  'same', 'very', 'more', 'most', 'less', 'least', 'much', 'many', 'few', 'only', 'just', 'also', 'too', 'even', 'still', 'yet',
  'again', 'ever', 'up', 'down', 'out', 'off', 'via', 'per', 'between', 'during', 'since', 'before', 'after', 'until', 'till',
  'through', 'throughout', 'against', 'near', 'around', 'across', 'inside', 'outside', 'within', 'upon', 'like', 'plus', 'versus', 'vs',
  // question and auxiliary words
  'what', 'which', 'who', 'whom', 'whose', 'where', 'when', 'why', 'how', 'whether', 'is', 'are', 'was', 'were', 'be', 'been',
  'being', 'am', 'do', 'does', 'did', 'done', 'doing', 'have', 'has', 'had', 'having', 'can', 'could', 'would', 'should', 'will',
  'shall', 'may', 'might', 'must', 'let', 'lets',
  // conversation
  'please', 'pls', 'thanks', 'thank', 'hi', 'hello', 'hey', 'ok', 'okay', 'now', 'well', 'tell', 'give', 'get', 'got', 'want',
  'need', 'know', 'see', 'show', 'find', 'search', 'look', 'looking', 'list', 'display', 'bring', 'pull', 'fetch', 'check',
  'instead', 'again', 'yes', 'yeah', 'sure', 'else', 'anything', 'something', 'everything', 'nothing', 'stuff', 'things', 'thing',
  // archive words that narrow nothing
  'record', 'records', 'entry', 'entries', 'result', 'results', 'data', 'archive', 'index', 'database', 'info', 'information',
  'details', 'detail', 'happened', 'happen', 'happening', 'occurred', 'occur', 'took', 'place', 'places', 'carried', 'conducted',
  'committed', 'perpetrated', 'launched', 'total', 'number', 'numbers', 'count', 'recent', 'recently', 'latest', 'newest', 'new',
  'old', 'oldest', 'earliest', 'last', 'first', 'next', 'previous', 'time', 'times', 'date', 'dates', 'period', 'year', 'years',
  'month', 'months', 'day', 'days', 'week', 'weeks', 'ago', 'far', 'so', 'city', 'cities', 'province', 'provinces', 'district',
  'districts', 'people', 'persons', 'language', 'languages', 'country', 'countries', 'region', 'area', 'town', 'location', 'locations', 'kind', 'kinds', 'type', 'types', 'sort',
  'sorts', 'group', 'groups', 'militants', 'militant', 'members', 'fighters', 'targeted', 'targetted', 'hit', 'struck',
]);
