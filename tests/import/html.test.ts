import { describe, expect, it } from 'vitest';
import { htmlToInlineText, htmlToPassages, MAX_PASSAGE_CHARS, splitBlock } from '../../src/core/import/html.ts';
import { stripInvisible } from '../../src/core/hygiene.ts';
import { seedPost } from './posts.ts';

describe('htmlToPassages', () => {
  it('decodes named and numeric entities, including &nbsp; as a plain space', () => {
    expect(htmlToPassages('<p>Khorasan Diary&#8217;s&nbsp;database &amp; &quot;notes&quot; &#x2013; 2022</p>')).toEqual([
      'Khorasan Diary’s database & "notes" – 2022',
    ]);
  });

  it('drops <style>, <script> and images but keeps the text around them', () => {
    const html =
      '<div><style>.elementor-x{font-size:50px}</style><p>Before</p><script>var a = {b: 1};</script>' +
      '<img src="a.jpg" alt="alt text"><p>After <img src="b.jpg" alt="inline alt">end</p></div>';
    const passages = htmlToPassages(html);
    expect(passages).toEqual(['Before', 'After end']);
  });

  it('makes each paragraph, heading, list item and blockquote its own passage', () => {
    const html =
      '<h2>Title</h2><p>One <em>two</em></p><p>Three</p><ul><li>Item A</li><li>Item B</li></ul>' +
      '<ol><li>Step 1</li></ol><blockquote>Quoted words</blockquote>';
    expect(htmlToPassages(html)).toEqual(['Title', 'One two', 'Three', 'Item A', 'Item B', 'Step 1', 'Quoted words']);
  });

  it('keeps inline markup and links inside one passage, without link targets', () => {
    expect(htmlToPassages('<p>See <a href="https://x.test/a">the <strong>report</strong></a>, page 2.</p>')).toEqual([
      'See the report, page 2.',
    ]);
  });

  it('normalises whitespace: newlines, tabs, runs of spaces, <br> and zero-width spaces', () => {
    expect(htmlToPassages('<p>  a\n\tb  &nbsp;&nbsp; c<br>d\u200be </p>')).toEqual(['a b c d e']);
  });

  it('drops paragraphs with no visible text', () => {
    expect(htmlToPassages('<p>&nbsp;</p><p> </p><p><img src="x.jpg"></p><p>Kept</p><p><strong> </strong></p>')).toEqual([
      'Kept',
    ]);
  });

  it('keeps table cells apart and makes each row a passage', () => {
    expect(htmlToPassages('<table><tr><th>City</th><th>Killed</th></tr><tr><td>Kabul</td><td>12</td></tr></table>')).toEqual([
      'City Killed',
      'Kabul 12',
    ]);
  });

  it('returns nothing for markup without text', () => {
    expect(htmlToPassages('<div><style>p{}</style><img src="x.jpg"></div>')).toEqual([]);
  });
});

describe('htmlToInlineText', () => {
  it('strips tags and decodes entities in a title', () => {
    expect(htmlToInlineText('ISKP&#8217;s <em>campaign</em>&nbsp;&#8211; 2022')).toBe('ISKP’s campaign – 2022');
  });
});

describe('the seed post (Elementor page with inline CSS)', () => {
  const post = seedPost() as { content: { rendered: string } };
  const passages = htmlToPassages(post.content.rendered);

  it("keeps the article's paragraphs as passages", () => {
    expect(passages[0]).toMatch(/^The Islamic State Khorasan Province \(ISKP\) continued its sectarian campaign/);
    expect(passages).toContain('ASSESSMENT AND FUTURE DEVELOPMENTS');
    expect(passages.some((p) => p.startsWith('By capitalising on these attacks, ISKP not only gains popularity'))).toBe(true);
    // Spans split mid-sentence and joined by &nbsp; must read as one sentence.
    expect(passages.some((p) => p.includes('Shia Fatemyioun and Zainabiyoun Brigade in Iraq, Syria, and Pakistan'))).toBe(true);
  });

  it('contains no CSS, markup or entity residue', () => {
    for (const p of passages) {
      expect(p).not.toMatch(/elementor/i);
      expect(p).not.toContain('{');
      expect(p).not.toMatch(/font-size/i);
      expect(p).not.toMatch(/<\/?[a-z]/i);
      expect(p).not.toMatch(/&(nbsp|amp|#\d+);/);
      expect(p).not.toMatch(/\u00a0|\s{2,}|^\s|\s$/);
    }
  });
});

describe('long blocks are split at import (MAX_PASSAGE_CHARS)', () => {
  // A post that is one <p> with <br> lines, as real posts are: 300 dated lines, ~60 characters each.
  const lines = Array.from({ length: 300 }, (_, i) => `Line ${i + 1}: an attack was reported in district ${i % 17} on day ${i}.`);
  const html = `<p>${lines.join('<br>\n')}</p><p>After.</p>`;

  it('GIVEN one <p> of <br> lines far over the limit THEN passages under the limit, cut only between lines, every line kept in order', () => {
    const passages = htmlToPassages(html);
    expect(passages.length).toBeGreaterThan(1);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
    // Nothing lost or reordered: the passages read as the lines joined, and no line is cut in two.
    expect(passages.slice(0, -1).join(' ')).toBe(lines.join(' '));
    for (const p of passages.slice(0, -1)) expect(p).toMatch(/^Line \d+: .*\.$/);
    expect(passages.at(-1)).toBe('After.');
  });

  it('GIVEN one line of many sentences over the limit THEN it is cut between sentences; one endless sentence at spaces', () => {
    const sentences = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} says something about the attack.`);
    const passages = htmlToPassages(`<p>${sentences.join(' ')}</p>`, 500);
    for (const p of passages) {
      expect(p.length).toBeLessThanOrEqual(500);
      expect(p).toMatch(/^Sentence number \d+ .*attack\.$/);
    }
    expect(passages.join(' ')).toBe(sentences.join(' '));
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const cut = splitBlock(words, 300);
    for (const p of cut) expect(p.length).toBeLessThanOrEqual(300);
    expect(cut.join(' ')).toBe(words);
  });

  it('GIVEN a block under the limit THEN it stays one passage, its line breaks read as spaces', () => {
    expect(htmlToPassages('<p>one<br>two</p>')).toEqual(['one two']);
  });
});

describe('invisible characters at import', () => {
  it('GIVEN bidi overrides, isolates, marks and tag characters in a title and text THEN none is left; Persian ZWNJ-free text reads the same', () => {
    const html = '<p>Attack in \u202EludbaK\u202C reported\u2066 today\u2069 \u200Fby \u061Cofficials\u{E0041}\u{E007F}.</p>';
    const [passage] = htmlToPassages(html);
    expect(passage).toBe('Attack in ludbaK reported today by officials.');
    expect(htmlToInlineText('Title \u202Ereversed\u202C')).toBe('Title reversed');
    expect(stripInvisible('کابل \u202Bشهر\u202C')).toBe('کابل شهر');
  });
});
