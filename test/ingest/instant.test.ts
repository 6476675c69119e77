/**
 * Timestamps read from records keep their ISO text; it must be exactly what Date writes for the
 * same instant, whichever RFC 3339 form the record used, since it is what ingest stores.
 */
import { Instant, readInstant } from '../../src/ingest/instant';

function read(text: string): Instant {
  const ms = readInstant(text);
  if (typeof ms !== 'number') throw new Error(`${text}: ${ms}`);
  return new Instant(ms, text);
}

it('writes the UTC millisecond form, whichever form the record sent', () => {
  const cases: Array<[string, string]> = [
    ['2026-10-03T09:00:00.000Z', '2026-10-03T09:00:00.000Z'],
    ['2026-10-03T09:00:00.250Z', '2026-10-03T09:00:00.250Z'],
    ['2026-10-03T09:00:00Z', '2026-10-03T09:00:00.000Z'],
    ['2026-10-03t09:00:00z', '2026-10-03T09:00:00.000Z'],
    ['2026-10-03t09:00:00.250z', '2026-10-03T09:00:00.250Z'],
    ['2026-10-03t09:00:00.250Z', '2026-10-03T09:00:00.250Z'],
    ['2026-10-03t09:00:00Z', '2026-10-03T09:00:00.000Z'],
    ['2026-10-03T11:00:00+02:00', '2026-10-03T09:00:00.000Z'],
    ['2026-10-03T11:00:00.123+02:00', '2026-10-03T09:00:00.123Z'],
    ['2026-10-03T04:30:00-04:30', '2026-10-03T09:00:00.000Z'],
    ['2026-10-03T09:00:00.5Z', '2026-10-03T09:00:00.500Z'],
    ['2026-10-03T09:00:00.123999Z', '2026-10-03T09:00:00.123Z'],
    ['2026-12-31T23:30:00-01:00', '2027-01-01T00:30:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  ];
  for (const [text, iso] of cases) {
    const instant = read(text);
    expect([text, instant.toISOString(), JSON.stringify({ at: instant })]).toEqual([text, iso, `{"at":"${iso}"}`]);
  }
});

it('agrees with Date on 5,000 random instants in every form', () => {
  let seed = 17;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 5_000; n++) {
    const ms = Math.floor(next() * Date.UTC(9000, 0, 1)) + Date.UTC(1000, 0, 1);
    const iso = new Date(ms).toISOString();
    const offsetMinutes = Math.floor(next() * 24) * 60 + (next() < 0.2 ? 30 : 0);
    const sign = next() < 0.5 ? -1 : 1;
    const local = new Date(ms + sign * offsetMinutes * 60_000).toISOString().slice(0, 23);
    const hh = String(Math.floor(offsetMinutes / 60)).padStart(2, '0');
    const mm = String(offsetMinutes % 60).padStart(2, '0');
    const forms = [iso, iso.slice(0, 19) + 'Z', `${local}${sign < 0 ? '-' : '+'}${hh}:${mm}`];
    for (const text of forms) {
      const instant = read(text);
      // Without the fraction, the record's instant is the whole second.
      const expected = text === forms[1] ? new Date(Math.floor(ms / 1000) * 1000) : new Date(ms);
      expect(instant.getTime()).toBe(expected.getTime());
      expect(instant.toISOString()).toBe(expected.toISOString());
    }
  }
});
