// Typed access to the drafts table (migrations.ts, versions 4 and 5).
import type { Record } from '../core/records/schema.ts';
import type Database from 'better-sqlite3';
import { sqlPort, type SqlPort, type SqlValue } from '../db/sql.ts';

export type DraftStatus = 'pending' | 'approved' | 'rejected';

export interface Draft {
  id: number;
  guildId: string | null;
  channelId: string | null;
  sourceId: string;
  passage: number | null;
  kind: 'incident' | 'publication';
  recordId: string;
  record: Record;
  status: DraftStatus;
  draftedBy: string;
  /** The drafter's name as Discord showed it then (null for drafts from before names were kept). */
  draftedByName: string | null;
  draftedAt: string;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  reason: string | null;
  /** Ids of existing records it looked like when submitted (or last edited). */
  duplicates: string[];
}

export interface NewDraft {
  guildId: string | null;
  channelId: string | null;
  sourceId: string;
  passage: number | null;
  record: Record;
  draftedBy: string;
  draftedByName?: string | null;
  duplicates: string[];
}

interface Row {
  id: number;
  guild_id: string | null;
  channel_id: string | null;
  source_id: string;
  passage: number | null;
  kind: 'incident' | 'publication';
  record_id: string;
  record: string;
  status: DraftStatus;
  drafted_by: string;
  drafted_by_name: string | null;
  drafted_at: string;
  reviewed_by: string | null;
  reviewed_by_name: string | null;
  reviewed_at: string | null;
  reason: string | null;
  duplicates: string;
}

function fromRow(r: Row): Draft {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    sourceId: r.source_id,
    passage: r.passage,
    kind: r.kind,
    recordId: r.record_id,
    record: JSON.parse(r.record) as Record,
    status: r.status,
    draftedBy: r.drafted_by,
    draftedByName: r.drafted_by_name,
    draftedAt: r.drafted_at,
    reviewedBy: r.reviewed_by,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: r.reviewed_at,
    reason: r.reason,
    duplicates: JSON.parse(r.duplicates) as string[],
  };
}

export class DraftStore {
  readonly #db: SqlPort;

  /** SQLite or PostgreSQL (src/db/sql.ts); a better-sqlite3 database is wrapped. */
  constructor(db: SqlPort | Database.Database) {
    this.#db = sqlPort(db);
  }

  add(d: NewDraft, at: Date): Draft {
    const inserted = this.#db.get<{ id: number }>(
      `INSERT INTO drafts (guild_id, channel_id, source_id, passage, kind, record_id, record, status, drafted_by, drafted_by_name, drafted_at, duplicates)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id`,
      [d.guildId, d.channelId, d.sourceId, d.passage, d.record.kind, d.record.id, JSON.stringify(d.record), d.draftedBy, d.draftedByName ?? null, at.toISOString(), JSON.stringify(d.duplicates)],
    );
    return this.get(Number(inserted!.id))!;
  }

  get(id: number): Draft | undefined {
    const row = this.#db.get('SELECT * FROM drafts WHERE id = ?', [id]) as Row | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Drafts with this status (all when undefined), oldest first; a server's own when guildId is given. */
  list(status: DraftStatus | undefined, guildId?: string | null): Draft[] {
    // Conditions only for what is given: PostgreSQL cannot type a bare `? IS NULL`.
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (status !== undefined) {
      where.push('status = ?');
      params.push(status);
    }
    if (guildId !== undefined && guildId !== null) {
      where.push('guild_id = ?');
      params.push(guildId);
    }
    const rows = this.#db.all<Row>(`SELECT * FROM drafts${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, params);
    return rows.map(fromRow);
  }

  /** Record ids taken by drafts that are pending or approved. */
  recordIds(): Set<string> {
    const rows = this.#db.all(`SELECT record_id FROM drafts WHERE status != 'rejected'`) as Array<{ record_id: string }>;
    return new Set(rows.map((r) => r.record_id));
  }

  /** Marks a pending draft reviewed; false when it was not pending (someone else was quicker). */
  review(id: number, status: 'approved' | 'rejected', by: string, at: Date, reason?: string, byName?: string | null): boolean {
    const info = this.#db.run(`UPDATE drafts SET status = ?, reviewed_by = ?, reviewed_by_name = ?, reviewed_at = ?, reason = ? WHERE id = ? AND status = 'pending'`, [
      status,
      by,
      byName ?? null,
      at.toISOString(),
      reason ?? null,
      id,
    ]);
    return info.changes === 1;
  }

  /** Replaces a pending draft's record (its further fields edited) and its duplicate flags; false when it is no longer pending. */
  updateRecord(id: number, record: Record, duplicates: string[]): boolean {
    const info = this.#db.run(`UPDATE drafts SET record = ?, duplicates = ? WHERE id = ? AND status = 'pending' AND record_id = ?`, [
      JSON.stringify(record),
      JSON.stringify(duplicates),
      id,
      record.id,
    ]);
    return info.changes === 1;
  }

  /** Puts an approval back to pending (its file could not be written). */
  unapprove(id: number): void {
    this.#db.run(`UPDATE drafts SET status = 'pending', reviewed_by = NULL, reviewed_by_name = NULL, reviewed_at = NULL WHERE id = ? AND status = 'approved'`, [id]);
  }

  /** The approved draft of a record, for provenance. */
  approvedFor(recordId: string): Draft | undefined {
    const row = this.#db.get(`SELECT * FROM drafts WHERE record_id = ? AND status = 'approved' ORDER BY id DESC LIMIT 1`, [recordId]) as Row | undefined;
    return row === undefined ? undefined : fromRow(row);
  }
}
