/**
 * readInstant reads timestamps character by character. Checked here against an independent
 * reading of RFC 3339 with a mandatory offset: a regular expression for the form, the calendar
 * rules written out, and Date's own ISO parser for the instant.
 */
import { readInstant } from '../../src/ingest/instant';

const FORM = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

function reference(text: string): number | 'form' | 'calendar' {
  const m = FORM.exec(text);
  if (!m) return 'form';
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1];
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  if (days === undefined || day! < 1 || day! > days || hour! > 23 || minute! > 59 || second! > 59 || !offsetOk) return 'calendar';
  return new Date(text.toUpperCase()).getTime();
}

it('reads the examples of ingest.md and the edge cases as Date does', () => {
  const cases: Array<[string, number | 'form' | 'calendar']> = [
    ['2026-10-03T09:00:00Z', Date.UTC(2026, 9, 3, 9)],
    ['2026-10-03t09:00:00z', Date.UTC(2026, 9, 3, 9)],
    ['2026-10-03T11:00:00+02:00', Date.UTC(2026, 9, 3, 9)],
    ['2026-10-03T04:30:00-04:30', Date.UTC(2026, 9, 3, 9)],
    ['2026-10-03T09:00:00.5Z', Date.UTC(2026, 9, 3, 9, 0, 0, 500)],
    ['2026-10-03T09:00:00.12Z', Date.UTC(2026, 9, 3, 9, 0, 0, 120)],
    ['2026-10-03T09:00:00.123999Z', Date.UTC(2026, 9, 3, 9, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0050-06-01T00:00:00Z', Date.parse('0050-06-01T00:00:00Z')],
    ['2025-02-29T00:00:00Z', 'calendar'],
    ['1900-02-29T00:00:00Z', 'calendar'],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['2026-10-03T24:00:00Z', 'calendar'],
    ['2026-13-03T09:00:00Z', 'calendar'],
    ['2026-10-00T09:00:00Z', 'calendar'],
    ['2026-10-03T09:00:00+24:00', 'calendar'],
    ['2026-10-03T09:00:00', 'form'],
    ['2026-10-03T09:00:00+02', 'form'],
    ['2026-10-03T09:00:00.Z', 'form'],
    ['2026-10-03 09:00:00Z', 'form'],
    ['2026-10-03T09:00:00Zz', 'form'],
    ['+12026-10-03T09:00:00Z', 'form'],
  ];
  for (const [text, expected] of cases) expect({ text, instant: readInstant(text) }).toEqual({ text, instant: expected });
});

it('agrees with the reference on 20,000 random timestamps and near-misses', () => {
  let seed = 20261125;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const two = (max: number) => String(Math.floor(random() * max)).padStart(2, '0');
  for (let n = 0; n < 20_000; n++) {
    let text =
      `${String(Math.floor(random() * 10_000)).padStart(4, '0')}-${two(14)}-${two(33)}${pick(['T', 't'])}${two(26)}:${two(62)}:${two(62)}` +
      pick(['', '', '.1', '.25', '.999', '.1234567']) +
      pick(['Z', 'z', `+${two(26)}:${two(62)}`, `-${two(26)}:${two(62)}`]);
    // A third of them broken in one place: a character changed, dropped or added.
    if (random() < 0.33) {
      const at = Math.floor(random() * text.length);
      const op = pick(['change', 'drop', 'add']);
      const ch = pick(['0', '9', 'x', ':', '-', '.', 'T', 'Z', '+', ' ']);
      text = op === 'drop' ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(op === 'change' ? at + 1 : at);
    }
    expect({ text, instant: readInstant(text) }).toEqual({ text, instant: reference(text) });
  }
});

it('reads a timestamp on the date of the one before it as on its own (the date is remembered between readings)', () => {
  // Consecutive readings sharing dates, valid and not, each checked against the reference.
  const sequence = [
    '2026-10-03T09:00:00Z', '2026-10-03T23:59:59.999Z', '2026-10-03T00:00:00+02:00', '2026-10-03T09:00:00',
    '2026-10-03T24:00:00Z', '2026-10-03T09:00:00+24:00', '2026-10-03T09:00:00Z',
    '2025-02-29T10:00:00Z', '2025-02-29T10:00:00Z', '2025-02-29T10:00:00', '2025-02-29Tab:00:00Z',
    '2025-02-28T10:00:00Z', '2025-02-28T10:00:00-01:00', '2024-02-29T10:00:00Z', '2024-02-29T10:00:00Z',
    '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.5Z', '9999-12-31T23:59:59.999Z',
  ];
  for (const text of sequence) expect({ text, instant: readInstant(text) }).toEqual({ text, instant: reference(text) });
  // The expectations themselves, for the ones whose meaning the cache could change.
  expect(readInstant('2026-10-03T00:00:00+02:00')).toBe(Date.UTC(2026, 9, 2, 22));
  expect(readInstant('2025-02-29T10:00:00')).toBe('form');
  expect(readInstant('2024-02-29T10:00:00Z')).toBe(Date.UTC(2024, 1, 29, 10));
});
