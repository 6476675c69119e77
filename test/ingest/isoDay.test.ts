/** isoDay keeps the last day's text: consecutive calls on other days, and edges of a day, must still be right. */
import { isoDay } from '../../src/rollups/rollupTables';

it('gives the UTC day of instants at and around day edges, in any order, as toISOString does', () => {
  const instants = ['2026-10-02T00:00:00.000Z', '2026-10-01T23:59:59.999Z', '2026-10-02T23:59:59.999Z', '2026-10-03T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2026-10-02T12:00:00+14:00', '2026-10-02T12:00:00-12:00'];
  for (const text of [...instants, ...instants.reverse()]) expect(isoDay(new Date(text))).toBe(new Date(text).toISOString().slice(0, 10));
  expect(isoDay(new Date('2026-10-02T12:00:00+14:00'))).toBe('2026-10-01');
  expect(() => isoDay(new Date('not a date'))).toThrow(RangeError);
});
