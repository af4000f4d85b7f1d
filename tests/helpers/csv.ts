// A strict RFC 4180 CSV parser for tests, so exports are checked by reading
// them back rather than by matching the writer's own output: quoted fields,
// "" for a quote, commas and line breaks inside quotes, CRLF or LF between
// records. Anything malformed throws, so a writer bug cannot hide.
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quotedField = false;
  const endField = (): void => {
    record.push(field);
    field = '';
    quotedField = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      if (field !== '' || quotedField) throw new Error(`quote inside an unquoted field at ${i}`);
      quotedField = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      endField();
      records.push(record);
      record = [];
      i += ch === '\r' ? 2 : 1;
      continue;
    }
    if (quotedField) throw new Error(`text after a closing quote at ${i}`);
    field += ch;
    i++;
  }
  // A last record without a line break.
  if (field !== '' || quotedField || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}

/** Records as objects keyed by the header row; every record must have the header's number of fields. */
export function parseCsvObjects(text: string): { [column: string]: string }[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  return rows.map((row, n) => {
    if (row.length !== header.length) throw new Error(`record ${n + 1} has ${row.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h, row[i]!]));
  });
}
