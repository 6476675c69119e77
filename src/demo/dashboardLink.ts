import { DAY_MS } from '../rollups/rollupTables';

/** The quickstart's first query (README, "Quickstart"): the dashboard's sections for one filter. */
export const DASHBOARD_QUERY = `query Dashboard($filter: InsightsFilter!) {
  insights(filter: $filter) {
    performance { total { interactions successful mixed unsuccessful unclassified } }
    health { score averageDurationSeconds estimatedCostPerInteraction currency }
    audience { uniqueUsers returningUsers engagedUsers csat sentimentPositive }
    channels { channel totalSent deliveryRate expired pending }
    unsuccessful { count issues(first: 3) { issue impact } }
  }
}`;

/** The 30 UTC days up to and including today's, where the demo's interactions are. */
function last30Days(now: Date): { from: string; to: string } {
  const tomorrow = (Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS;
  return { from: new Date(tomorrow - 30 * DAY_MS).toISOString(), to: new Date(tomorrow).toISOString() };
}

/**
 * A GraphiQL link (its `?query=&variables=`, see server/graphiql) that opens the dashboard query
 * over the last 30 days, ready to run once the API key is in: the first start prints it beside the
 * demo key, so a newcomer is one click from real figures.
 */
export function dashboardLink(serverUrl: string, now: Date): string {
  const variables = JSON.stringify({ filter: last30Days(now) }, null, 2);
  return `${serverUrl}/graphql?${new URLSearchParams({ query: DASHBOARD_QUERY, variables })}`;
}
