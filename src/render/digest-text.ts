// Console text for the digest Views: the digest (what /digest preview shows)
// and the subscription list. Same 80-column wrapping and sanitising as every
// other View (src/render/text.ts); each item carries its citation inline, as
// in the Discord messages, so the preview reads like the real post.
import { countsLine, emptyDigestLine, OBSERVANCE_DAYS } from '../core/digest/content.ts';
import { formatPartial } from '../core/records/dates.ts';
import type { DigestView, Entry, SubscriptionsView, WatchesView } from '../core/views.ts';
import { wrap } from './text.ts';

function itemLines(e: Entry, extra = ''): string[] {
  const pad = '    ';
  const date = `${e.imprecise ? '≈ ' : ''}${e.dateLabel}`;
  const lines = wrap(`${date} — ${e.title}${extra}`, { first: '  - ', rest: pad });
  lines.push(...wrap([e.where, e.kind, e.id].filter((p): p is string => p !== null).join(' · '), { first: pad }));
  const c = e.citations[0];
  if (c === undefined) {
    lines.push(...wrap('(no citable source in the index)', { first: pad }));
  } else {
    lines.push(...wrap(`"${c.quote}"`, { first: pad, rest: `${pad} ` }));
    const passage = c.passage !== null ? `, passage ${c.passage}` : '';
    lines.push(...wrap(`— ${c.title}, ${c.publisher}${passage}`, { first: pad, rest: `${pad}  ` }));
    lines.push(...wrap(c.url, { first: pad }));
    if (e.citations.length > 1) lines.push(...wrap(`(+${e.citations.length - 1} more: /record id:${e.id})`, { first: pad }));
  }
  return lines;
}

function section(title: string, entries: readonly Entry[], total: number, extra: (e: Entry) => string = () => ''): string[] {
  const lines = ['', ...wrap(title)];
  if (total === 0) lines.push('  None.');
  for (const e of entries) lines.push(...itemLines(e, extra(e)));
  if (total > entries.length) lines.push(...wrap(`…and ${total - entries.length} more.`, { first: '  ' }));
  return lines;
}

export function renderDigestText(view: DigestView): string[] {
  if (view.empty) return wrap(emptyDigestLine(view));
  const lines = wrap(`Digest ${view.localDate} (${view.timezone})`);
  if (view.readAs.length > 0) lines.push(...wrap(view.readAs.join('; '), { first: 'Scope: ', rest: '  ' }));
  if (view.tracked) {
    lines.push(...wrap(view.since !== null ? `New and changed since the digest of ${view.since}.` : 'New and changed since subscribing.'));
    lines.push(...section(`New records (${view.newRecords.total})`, view.newRecords.entries, view.newRecords.total));
    const ns = view.newSources;
    if (ns.total > 0) {
      lines.push('', `New sources (${ns.total})`);
      for (const s of ns.items) {
        lines.push(...wrap(`${s.title} — ${s.publisher}, ${formatPartial(s.published.slice(0, 10))} [${s.id}]`, { first: '  - ', rest: '    ' }));
        lines.push(...wrap(s.url, { first: '    ', rest: '    ' }));
      }
      if (ns.total > ns.items.length) lines.push(...wrap(`…and ${ns.total - ns.items.length} more.`, { first: '  ' }));
    }
    if (view.changedRecords.total > 0) {
      lines.push(...section(`Changed records (${view.changedRecords.total})`, view.changedRecords.entries, view.changedRecords.total));
    }
  }
  if (view.onThisDay.total > 0) {
    const year = Number(view.localDate.slice(0, 4));
    const day = formatPartial(view.localDate).replace(/ \d+$/, '');
    lines.push(
      ...section(`On this day (${day}) in earlier years`, view.onThisDay.entries, view.onThisDay.total, (e) =>
        e.date === null ? '' : ` (${year - Number(e.date.slice(0, 4))} years ago)`,
      ),
    );
  }
  if (view.observances.length > 0) {
    lines.push('', ...wrap(`Coming up in the next ${OBSERVANCE_DAYS} days`));
    for (const o of view.observances) {
      const when = o.inDays === 0 ? 'today' : o.inDays === 1 ? 'tomorrow' : `in ${o.inDays} days`;
      lines.push(...wrap(`${o.label} — ${formatPartial(o.date)} (${when})`, { first: '  * ', rest: '    ' }));
      lines.push(
        ...wrap(`Same period last year, ${o.lastYear.label}: ${o.lastYear.total} record${o.lastYear.total === 1 ? '' : 's'} in scope.`, {
          first: '    ',
        }),
      );
      for (const e of o.lastYear.entries) lines.push(...itemLines(e));
      if (o.lastYear.total > o.lastYear.entries.length) lines.push(...wrap(`…and ${o.lastYear.total - o.lastYear.entries.length} more.`, { first: '    ' }));
    }
  }
  const k = view.counts;
  lines.push('', 'Counts');
  lines.push(
    ...wrap(
      `${countsLine(k)}` +
        (view.tracked ? ` New: ${view.newRecords.total}; changed: ${view.changedRecords.total}.` : ''),
      { first: '  ', rest: '  ' },
    ),
  );
  lines.push(...wrap(view.disclaimer, { first: '  ', rest: '  ' }));
  for (const note of view.notes) lines.push(...wrap(note, { first: 'Note: ', rest: '  ' }));
  return lines;
}

export function renderSubscriptionsText(view: SubscriptionsView): string[] {
  const lines = wrap(view.message);
  if (view.action === 'unsubscribe') return lines;
  if (view.subscriptions.length === 0 && view.action === 'status') return lines;
  for (const s of view.subscriptions) {
    lines.push('');
    lines.push(...wrap(`${s.channelName !== null ? `#${s.channelName} ` : ''}(channel ${s.channelId})`, { first: '  - ', rest: '    ' }));
    lines.push(...wrap(`Daily at ${s.time} ${s.timezone}${s.query !== '' ? `, query: ${s.query}` : ', all records'}`, { first: '    ', rest: '      ' }));
    if (s.nextLocal !== null) lines.push(...wrap(`Next: ${s.nextLocal} (${s.nextRun})`, { first: '    ', rest: '      ' }));
    if (s.lastRun !== null) {
      const err = s.lastRun.error !== null ? ` — ${s.lastRun.error}` : '';
      lines.push(...wrap(`Last: ${s.lastRun.localDate} ${s.lastRun.status}${err}`, { first: '    ', rest: '      ' }));
    }
  }
  return lines;
}

/** /sources: what was done, then each watch with how its polling goes. */
export function renderWatchesText(view: WatchesView): string[] {
  const lines = wrap(view.message);
  if (view.action === 'remove') return lines;
  for (const w of view.watches) {
    lines.push('');
    const channel = `${w.channelName !== null ? `#${w.channelName} ` : ''}(channel ${w.channelId})`;
    lines.push(...wrap(`${w.id}. ${w.site} -> ${channel}`, { first: '  ', rest: '    ' }));
    lines.push(...wrap(`Every ${w.everyMinutes} min${w.query !== '' ? `, only posts containing: ${w.query}` : ''}; ${w.imported} post${w.imported === 1 ? '' : 's'} imported`, { first: '    ', rest: '      ' }));
    lines.push(...wrap(`Polls ${w.endpoint}`, { first: '    ', rest: '      ' }));
    const state =
      w.backedOffAt !== null
        ? `BACKED OFF since ${w.backedOffAt} after ${w.failures} failures in a row`
        : w.failures > 0
          ? `${w.failures} failure${w.failures === 1 ? '' : 's'} in a row`
          : w.lastSuccessAt !== null
            ? 'OK'
            : 'not polled yet';
    lines.push(...wrap(`State: ${state}; last success ${w.lastSuccessAt ?? 'never'}; next poll ${w.nextPollAt}`, { first: '    ', rest: '      ' }));
    if (w.lastError !== null) lines.push(...wrap(`Last error: ${w.lastError}`, { first: '    ', rest: '      ' }));
    if (w.cursor !== null) lines.push(...wrap(`Seen up to: ${w.cursor} (site time)`, { first: '    ', rest: '      ' }));
  }
  return lines;
}
