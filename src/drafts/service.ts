// Drafting, reviewing and publishing records from sources (issue 14). The
// suggestions come from the pure core (src/core/suggest); drafts and reviews
// live in the state store (DraftStore); an approved record is written to
// STATE_DIR/curated/<folder>/<id>.json and the archive reloaded, so it is
// searchable, countable and citable at once, and `records:export` copies it
// into data/ for git.
import { writeFileAtomically } from '../core/records/write.ts';
import { join } from 'node:path';
import { applyFields, fieldsOf, recordFileText, recordFromSuggestion, recordIdFor, type DraftFields, type FieldProblem } from '../core/suggest/draft.ts';
import { applyExtraFields, applyPick, pickMenu, picksFor, type ExtraKey, type ExtraProblem, type PickKey, type PickMenu } from '../core/suggest/extra.ts';
import { likelyDuplicates, vocabularyOf } from '../core/suggest/match.ts';
import { SUGGESTED_ATTACK_TYPES, suggestRecords, type Suggestion } from '../core/suggest/suggest.ts';
import { recordText } from '../core/records/overlay.ts';
import type { Record, SourceDocument } from '../core/records/schema.ts';
import type { ArchiveHolder } from '../core/search/holder.ts';
import type { Draft, DraftStore } from '../state/draft-store.ts';
import { curatedRecordsDir } from './paths.ts';

export interface DraftActor {
  userId: string;
  /** The member's name as Discord shows it, kept with the id for readable provenance. */
  name?: string;
  guildId: string | null;
  channelId: string | null;
}

/** Who reviews: the id, and the name Discord showed. */
export interface Reviewer {
  userId: string;
  name?: string;
}

export type ApproveResult =
  | { ok: true; draft: Draft }
  /** `duplicates` set: the draft looks like these live records; approve again with confirmDuplicates once they were looked at. */
  | { ok: false; message: string; duplicates?: Record[] };

export type EditResult = { ok: true; draft: Draft; duplicates: Record[] } | { ok: false; problems: ExtraProblem[] };

export type SuggestResult =
  | { ok: true; source: SourceDocument; passage: number | null; suggestions: Suggestion[] }
  | { ok: false; field: 'source' | 'passage'; message: string };

export interface ListedDraft {
  draft: Draft;
  /** data/ holds a different record under this id (data/ wins). */
  differsInData: boolean;
  /** data/ holds this very record (exported; the bot's copy steps aside). */
  exported: boolean;
  /** Live records a pending draft looks like now (for an approved one: those flagged when it was submitted). */
  duplicates: string[];
}

/** Who drafted and approved a record: Discord user ids, and the names Discord showed then (when kept). */
export interface Provenance {
  draftedBy: string;
  draftedByName?: string;
  draftedAt: string;
  approvedBy: string;
  approvedByName?: string;
  approvedAt: string;
}

export class DraftService {
  readonly #store: DraftStore;
  readonly #holder: ArchiveHolder;
  readonly #dir: string;

  constructor(opts: { store: DraftStore; holder: ArchiveHolder; stateDir: string }) {
    this.#store = opts.store;
    this.#holder = opts.holder;
    this.#dir = curatedRecordsDir(opts.stateDir);
  }

  /** Every record of a kind, read from the archive's record store (the one accessor for full records). */
  #all<K extends 'incident' | 'publication' | 'source'>(kinds: readonly K[]): Array<Extract<Record | SourceDocument, { kind: K }>> {
    const archive = this.#holder.current;
    const out: Array<Extract<Record | SourceDocument, { kind: K }>> = [];
    for (let r = 0; r < archive.count; r++) {
      if ((kinds as readonly string[]).includes(archive.recordKind(r))) out.push(archive.record(r) as Extract<Record | SourceDocument, { kind: K }>);
    }
    return out;
  }

  #records(): Record[] {
    return this.#all(['incident', 'publication']);
  }

  source(id: string): SourceDocument | undefined {
    const found = this.#holder.current.get(id);
    return found?.kind === 'source' ? (found as SourceDocument) : undefined;
  }

  /** The source a message names (by id or link) or quotes (a passage's text), with that passage. */
  findSourceIn(text: string): { source: SourceDocument; passage?: number } | undefined {
    const sources: SourceDocument[] = this.#all(['source']);
    const byName = sources.find((s) => text.includes(s.url) || new RegExp(`(^|[^a-z0-9-])${s.id}($|[^a-z0-9-])`).test(text));
    if (byName !== undefined) return { source: byName };
    const lines = text.split('\n').map((l) => l.replace(/^>\s?/, '').trim()).filter((l) => l.length >= 30);
    for (const s of sources) {
      for (const line of lines) {
        const p = s.passages.find((x) => x.text.includes(line) || line.includes(x.text));
        if (p !== undefined) return { source: s, passage: p.n };
      }
    }
    return undefined;
  }

  suggest(sourceId: string, passage?: number): SuggestResult {
    const source = this.source(sourceId.trim());
    if (source === undefined) return { ok: false, field: 'source', message: `no source has the id "${sourceId}"` };
    if (passage !== undefined && !source.passages.some((p) => p.n === passage)) {
      return { ok: false, field: 'passage', message: `source "${source.id}" has passages 1-${source.passages.length}, not ${passage}` };
    }
    // The vocabulary leaves out records of this source, so a suggestion is read from the text, not copied.
    const others = this.#records().filter((r) => !r.sources.some((c) => c.source === source.id));
    const suggestions = suggestRecords(source, { vocabulary: vocabularyOf(others), ...(passage !== undefined ? { passage } : {}) });
    return { ok: true, source, passage: passage ?? null, suggestions };
  }

  /** The record a suggestion stands for, with a fresh id, and its modal fields. */
  prepare(source: SourceDocument, suggestion: Suggestion): { record: Record; fields: DraftFields } {
    const record = recordFromSuggestion(suggestion, source.id);
    const taken = new Set([...this.#records().map((r) => r.id), ...this.#store.recordIds()]);
    record.id = recordIdFor(record, (id) => taken.has(id));
    return { record, fields: fieldsOf(record) };
  }

  /** Validates the edited fields and stores a pending draft; problems name the field. */
  submit(actor: DraftActor, sourceId: string, passage: number | null, suggestionKey: string, fields: DraftFields, now: Date): { ok: true; draft: Draft; duplicates: Record[] } | { ok: false; problems: FieldProblem[] } {
    const found = this.suggest(sourceId, passage ?? undefined);
    if (!found.ok) return { ok: false, problems: [{ field: 'record', message: found.message }] };
    const suggestion = found.suggestions.find((s) => s.key === suggestionKey);
    if (suggestion === undefined) return { ok: false, problems: [{ field: 'record', message: `suggestion ${suggestionKey} is no longer offered for this source; run /draft again` }] };
    const { record } = this.prepare(found.source, suggestion);
    const applied = applyFields(record, fields, found.source);
    if (!applied.ok) return applied;
    // The id follows the title as submitted (the researcher's words, not the suggestion's).
    const taken = new Set([...this.#records().map((r) => r.id), ...this.#store.recordIds()]);
    applied.record.id = recordIdFor(applied.record, (id) => taken.has(id));
    const duplicates = likelyDuplicates(applied.record, this.#records());
    const draft = this.#store.add(
      { guildId: actor.guildId, channelId: actor.channelId, sourceId: found.source.id, passage, record: applied.record, draftedBy: actor.userId, draftedByName: actor.name ?? null, duplicates: duplicates.map((d) => d.id) },
      now,
    );
    return { ok: true, draft, duplicates };
  }

  get(id: number): Draft | undefined {
    return this.#store.get(id);
  }

  list(guildId: string | null): ListedDraft[] {
    const byId = new Map(this.#records().map((r) => [r.id, r]));
    const drafts = [...this.#store.list('pending', guildId), ...this.#store.list('approved', guildId)];
    return drafts.map((draft) => {
      const served = byId.get(draft.recordId);
      const same = served !== undefined && recordText(served) === recordText(draft.record);
      const duplicates = draft.status === 'pending' ? this.duplicatesOf(draft).map((r) => r.id) : draft.duplicates;
      return { draft, differsInData: draft.status === 'approved' && served !== undefined && !same, exported: false, duplicates };
    });
  }

  /** The live records a draft looks like now (the archive may have changed since it was submitted). */
  duplicatesOf(draft: Draft): Record[] {
    const live = this.#records();
    const found = likelyDuplicates(draft.record, live);
    // Flags from submission whose record is still served, even if an edit made them less alike.
    for (const id of draft.duplicates) {
      const r = live.find((x) => x.id === id);
      if (r !== undefined && !found.includes(r)) found.push(r);
    }
    return found;
  }

  /**
   * Approves a pending draft: writes its record file and reloads the archive,
   * so it is live at once. A draft that looks like an existing record is not
   * approved until the reviewer confirms having seen the duplicates
   * (`confirmDuplicates`).
   */
  async approve(id: number, reviewer: string | Reviewer, now: Date, opts: { confirmDuplicates?: boolean } = {}): Promise<ApproveResult> {
    const who: Reviewer = typeof reviewer === 'string' ? { userId: reviewer } : reviewer;
    const draft = this.#store.get(id);
    if (draft === undefined) return { ok: false, message: `there is no draft ${id}` };
    if (draft.status !== 'pending') return { ok: false, message: `draft ${id} is already ${draft.status}` };
    const duplicates = this.duplicatesOf(draft);
    if (duplicates.length > 0 && opts.confirmDuplicates !== true) {
      return { ok: false, message: `draft ${id} looks like ${duplicates.map((d) => d.id).join(', ')}; confirm it is a different record to approve it`, duplicates };
    }
    if (!this.#store.review(id, 'approved', who.userId, now, undefined, who.name ?? null)) return { ok: false, message: `draft ${id} was reviewed meanwhile` };
    const folder = draft.kind === 'incident' ? 'incidents' : 'publications';
    const dir = join(this.#dir, folder);
    const file = join(dir, `${draft.recordId}.json`);
    try {
      await writeFileAtomically(file, recordFileText(draft.record));
    } catch (err) {
      this.#store.unapprove(id);
      return { ok: false, message: `could not write ${file}: ${err instanceof Error ? err.message : String(err)}` };
    }
    await this.#holder.reload();
    return { ok: true, draft: this.#store.get(id)! };
  }

  /** A pending draft a member may edit: its drafter, or a reviewer. */
  #editable(id: number, actor: DraftActor, isReviewer: boolean): { ok: true; draft: Draft } | { ok: false; problems: ExtraProblem[] } {
    const draft = this.#store.get(id);
    const no = (message: string): { ok: false; problems: ExtraProblem[] } => ({ ok: false, problems: [{ field: 'record', label: 'Record', message }] });
    if (draft === undefined) return no(`there is no draft ${id}`);
    if (draft.status !== 'pending') return no(`draft ${id} is already ${draft.status}; only drafts waiting for review can be edited`);
    if (draft.draftedBy !== actor.userId && !isReviewer) return no(`only the member who drafted #${id}, or a reviewer, may edit it`);
    return { ok: true, draft };
  }

  #saveEdit(draft: Draft, record: Record): EditResult {
    const duplicates = likelyDuplicates(record, this.#records());
    if (!this.#store.updateRecord(draft.id, record, duplicates.map((d) => d.id))) {
      return { ok: false, problems: [{ field: 'record', label: 'Record', message: `draft ${draft.id} was reviewed meanwhile` }] };
    }
    return { ok: true, draft: this.#store.get(draft.id)!, duplicates };
  }

  /** Applies the second form (attack types, target, claim...; language, author...): validated with the record schema. */
  editFields(id: number, actor: DraftActor, isReviewer: boolean, values: { [K in ExtraKey]?: string }): EditResult {
    const found = this.#editable(id, actor, isReviewer);
    if (!found.ok) return found;
    const applied = applyExtraFields(found.draft.record, values);
    if (!applied.ok) return applied;
    return this.#saveEdit(found.draft, applied.record);
  }

  /** Applies a select's values (claim status, category, medium, attack types): validated with the record schema. */
  pick(id: number, actor: DraftActor, isReviewer: boolean, key: PickKey, values: readonly string[]): EditResult {
    const found = this.#editable(id, actor, isReviewer);
    if (!found.ok) return found;
    const applied = applyPick(found.draft.record, key, values);
    if (!applied.ok) return applied;
    return this.#saveEdit(found.draft, applied.record);
  }

  /** The selects a draft offers, with its current values chosen. */
  pickMenus(draft: Draft): PickMenu[] {
    const archiveTypes = this.#records().flatMap((r) => (r.kind === 'incident' ? r.attackTypes : []));
    const types = [...new Set([...SUGGESTED_ATTACK_TYPES, ...archiveTypes])].sort();
    return picksFor(draft.kind).map((key) => pickMenu(key, draft.record, types));
  }

  reject(id: number, reviewer: string | Reviewer, reason: string, now: Date): { ok: true; draft: Draft } | { ok: false; message: string } {
    const who: Reviewer = typeof reviewer === 'string' ? { userId: reviewer } : reviewer;
    const draft = this.#store.get(id);
    if (draft === undefined) return { ok: false, message: `there is no draft ${id}` };
    if (reason.trim() === '') return { ok: false, message: 'reason: say why the draft is rejected' };
    if (!this.#store.review(id, 'rejected', who.userId, now, reason.trim(), who.name ?? null)) return { ok: false, message: `draft ${id} is already ${draft.status}` };
    return { ok: true, draft: this.#store.get(id)! };
  }

  /** Who drafted and approved a record, when it came from a draft. */
  provenance(recordId: string): Provenance | undefined {
    const d = this.#store.approvedFor(recordId);
    if (d === undefined || d.reviewedBy === null || d.reviewedAt === null) return undefined;
    return {
      draftedBy: d.draftedBy,
      ...(d.draftedByName !== null ? { draftedByName: d.draftedByName } : {}),
      draftedAt: d.draftedAt,
      approvedBy: d.reviewedBy,
      ...(d.reviewedByName !== null ? { approvedByName: d.reviewedByName } : {}),
      approvedAt: d.reviewedAt,
    };
  }
}
