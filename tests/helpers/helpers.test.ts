// The test helpers are checked on inputs whose answers are known from the
// specifications (RFC 4180, the PNG filter definitions), independently of the
// code they are later used to test.
import { deflateSync, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvObjects } from './csv.ts';
import { decodePng, pixel } from './png.ts';

describe('parseCsv (RFC 4180)', () => {
  it('GIVEN quoted fields with commas, doubled quotes and line breaks THEN the values', () => {
    const text = 'a,"b,c","d""e"\r\n"x\r\ny",,z\r\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b,c', 'd"e'],
      ['x\r\ny', '', 'z'],
    ]);
  });

  it('GIVEN LF line ends and no final line break THEN the same records', () => {
    expect(parseCsv('h1,h2\n1,"2"')).toEqual([
      ['h1', 'h2'],
      ['1', '2'],
    ]);
  });

  it.each([['a"b,c\r\n'], ['"a"b,c\r\n'], ['"abc\r\n'], ['a\rb\r\n']])('GIVEN malformed %j THEN it throws', (text) => {
    expect(() => parseCsv(text)).toThrow();
  });

  it('GIVEN a record with the wrong number of fields THEN parseCsvObjects throws', () => {
    expect(() => parseCsvObjects('a,b\r\n1\r\n')).toThrow(/1 fields/);
  });
});

/** A PNG of `rows` (RGB triples), each row written with the given filter type. */
function encode(rows: number[][][], filters: number[]): Buffer {
  const height = rows.length;
  const width = rows[0]!.length;
  const stride = width * 3;
  const flat = rows.map((r) => r.flat());
  const raw: number[] = [];
  flat.forEach((line, y) => {
    const filter = filters[y]!;
    raw.push(filter);
    for (let x = 0; x < stride; x++) {
      const a = x >= 3 ? line[x - 3]! : 0;
      const b = y > 0 ? flat[y - 1]![x]! : 0;
      const c = x >= 3 && y > 0 ? flat[y - 1]![x - 3]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter]!;
      raw.push((line[x]! - predicted) & 0xff);
    }
  });
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(raw))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodePng', () => {
  const rows = [
    [[10, 20, 30], [200, 100, 50], [255, 255, 255]],
    [[0, 0, 0], [44, 111, 187], [250, 5, 128]],
    [[1, 2, 3], [90, 80, 70], [12, 240, 33]],
    [[7, 7, 7], [8, 8, 8], [255, 0, 255]],
    [[100, 0, 0], [0, 100, 0], [0, 0, 100]],
  ];

  it('GIVEN rows written with every filter type THEN every pixel decodes to its colour', () => {
    const img = decodePng(encode(rows, [0, 1, 2, 3, 4]));
    expect([img.width, img.height]).toEqual([3, 5]);
    rows.forEach((row, y) => row.forEach((rgb, x) => expect(pixel(img, x, y)).toEqual([...rgb, 255])));
  });

  it('GIVEN a corrupted chunk THEN it throws', () => {
    const png = encode(rows, [0, 0, 0, 0, 0]);
    png[20] = png[20]! ^ 0xff;
    expect(() => decodePng(png)).toThrow(/CRC/);
  });
});
