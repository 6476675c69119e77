import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's Chromium: `npx playwright install` cannot download browsers on these machines. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Arguments for a headless Chromium in a container (no sandbox, no GPU, no phoning home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Returns the path of Debian's Chromium, installing it with apt-get first when it is missing
 * (the tests run as root). The install takes a few minutes the first time; give the caller's
 * hook a long timeout.
 */
export function ensureChromium(): string {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const options = {
    stdio: 'pipe' as const,
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  try {
    execFileSync('apt-get', ['update'], options);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], options);
  } catch (error) {
    const e = error as { message: string; stderr?: Buffer };
    throw new Error(`Could not install Chromium with apt-get (needs root and the Debian mirror): ${e.message}\n${e.stderr?.toString() ?? ''}`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}
