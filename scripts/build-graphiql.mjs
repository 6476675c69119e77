// Placeholder replaced by the GraphiQL bundle build.
import fs from 'node:fs';
export async function buildGraphiql(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
}
