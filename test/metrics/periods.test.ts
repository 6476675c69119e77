import { periodsOf, SeriesInterval } from '../../src/metrics/periods';

/** The periods as "from → to" in UTC, minutes only. */
function cut(from: string, to: string, interval: SeriesInterval, timeZone: string): string[] {
  return periodsOf(new Date(from), new Date(to), interval, timeZone).map((p) => `${p.from.toISOString().slice(0, 16)} → ${p.to.toISOString().slice(0, 16)}`);
}

describe('periods of a series', () => {
  it('gives Paris a day of 23 hours when summer time starts (29 Mar 2026, 02:00 → 03:00)', () => {
    expect(cut('2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z', SeriesInterval.DAY, 'Europe/Paris')).toEqual([
      '2026-03-28T00:00 → 2026-03-28T23:00', // the rest of 28 Mar (UTC+1)
      '2026-03-28T23:00 → 2026-03-29T22:00', // 29 Mar: 23 hours
      '2026-03-29T22:00 → 2026-03-30T22:00', // 30 Mar (UTC+2)
      '2026-03-30T22:00 → 2026-03-31T00:00',
    ]);
  });

  it('starts a day when the clocks land where they jump over midnight (Santiago, 11 Sep 2022, 00:00 → 01:00)', () => {
    expect(cut('2022-09-10T00:00:00Z', '2022-09-12T12:00:00Z', SeriesInterval.DAY, 'America/Santiago')).toEqual([
      '2022-09-10T00:00 → 2022-09-10T04:00',
      '2022-09-10T04:00 → 2022-09-11T04:00', // 10 Sep (UTC-4)
      '2022-09-11T04:00 → 2022-09-12T03:00', // 11 Sep from 01:00 (UTC-3): 23 hours
      '2022-09-12T03:00 → 2022-09-12T12:00',
    ]);
  });

  it('gives no period to a date the zone skipped (Apia went from 29 to 31 Dec 2011, UTC-10 to UTC+14)', () => {
    expect(cut('2011-12-28T10:00:00Z', '2011-12-31T10:00:00Z', SeriesInterval.DAY, 'Pacific/Apia')).toEqual([
      '2011-12-28T10:00 → 2011-12-29T10:00', // 28 Dec
      '2011-12-29T10:00 → 2011-12-30T10:00', // 29 Dec, which ended at midnight on 31 Dec
      '2011-12-30T10:00 → 2011-12-31T10:00', // 31 Dec
    ]);
  });

  it('cuts calendar months at local midnight of the 1st, clipped to the range', () => {
    expect(cut('2026-01-15T00:00:00Z', '2026-04-02T00:00:00Z', SeriesInterval.MONTH, 'Europe/Paris')).toEqual([
      '2026-01-15T00:00 → 2026-01-31T23:00',
      '2026-01-31T23:00 → 2026-02-28T23:00',
      '2026-02-28T23:00 → 2026-03-31T22:00', // summer time from 29 Mar
      '2026-03-31T22:00 → 2026-04-02T00:00',
    ]);
  });

  it('starts weeks on Monday and hours at the local hour, half past in India', () => {
    // Sunday 15 Nov 2026 in Tokyo (UTC+9) belongs to the week from Monday 9 Nov.
    expect(cut('2026-11-15T03:00:00Z', '2026-11-24T00:00:00Z', SeriesInterval.WEEK, 'Asia/Tokyo')).toEqual([
      '2026-11-15T03:00 → 2026-11-15T15:00',
      '2026-11-15T15:00 → 2026-11-22T15:00',
      '2026-11-22T15:00 → 2026-11-24T00:00',
    ]);
    expect(cut('2026-11-01T03:10:00Z', '2026-11-01T05:00:00Z', SeriesInterval.HOUR, 'Asia/Kolkata')).toEqual([
      '2026-11-01T03:10 → 2026-11-01T03:30',
      '2026-11-01T03:30 → 2026-11-01T04:30',
      '2026-11-01T04:30 → 2026-11-01T05:00',
    ]);
  });

  it('refuses an unknown zone and more than 200 periods, naming the argument', () => {
    expect(() => cut('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', SeriesInterval.DAY, 'Europe/Atlantis')).toThrow(/timeZone 'Europe\/Atlantis'/);
    // 1 Jan to 20 Jul 2026 is 200 days; a day more is too many.
    expect(cut('2026-01-01T00:00:00Z', '2026-07-20T00:00:00Z', SeriesInterval.DAY, 'UTC')).toHaveLength(200);
    expect(() => cut('2026-01-01T00:00:00Z', '2026-07-21T00:00:00Z', SeriesInterval.DAY, 'UTC')).toThrow(/more than 200 periods of one day/);
    // Thursday 1 Jan to Monday 5 Jan, then 28 whole weeks.
    expect(cut('2026-01-01T00:00:00Z', '2026-07-20T00:00:00Z', SeriesInterval.WEEK, 'UTC')).toHaveLength(29);
  });
});
