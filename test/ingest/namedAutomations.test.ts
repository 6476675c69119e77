/** Latest-wins maps over a batch's automations replay each automation object once, in the order of its last naming. */
import type { AutomationRef } from '../../src/ingest/records';
import { namedAutomations } from '../../src/ingest/write';

const ref = (id: string, name: string): AutomationRef => ({ id, type: 'CHATBOT', name, automationVersionId: null, versionId: null });

it('lists each automation object once, ordered by its last naming; records without one are skipped', () => {
  const a = ref('bot', 'Old name');
  const b = ref('flow', 'Flow');
  const c = ref('bot', 'New name');
  expect(namedAutomations([a, b, null, a, c, b])).toEqual([a, c, b]);
  // Replayed into a map by ID, the latest record's name wins, as replaying every record does.
  const byId = (refs: Array<AutomationRef | null>) => Object.fromEntries(refs.flatMap((r) => (r ? [[r.id, r.name]] : [])));
  for (const order of [[a, b, null, a, c, b], [c, a, b], [b, c, a, null]]) expect(byId(namedAutomations(order))).toEqual(byId(order));
});
