import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built `touchpoint` command, run as a user would run it: `node bin/touchpoint.js ...`. */
export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin/touchpoint.js');

export function requireBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm install runs it through "prepare") before this test.');
  }
}

/**
 * The environment of a CLI run: nothing inherited that picks a database, plus `env`. NODE_ENV
 * too: Jest sets it to "test", which changes Apollo Server's defaults (no signal handlers); the
 * command must be tested as users run it.
 */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'TOUCHPOINT_DATA_DIR', 'PORT', 'HOST', 'NODE_OPTIONS', 'NODE_ENV']) delete base[name];
  return { ...base, ...env };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`). */
export function cli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`touchpoint ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Serving {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts `touchpoint serve` on a free port and waits for its "listening" line. */
export async function startServe(env: Record<string, string>, args: string[] = ['--no-demo']): Promise<Serving> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no "listening" line in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/[^\s/]+)\/graphql/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exit.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before listening:\n${out}`)));
  });
  return { child, url, exit, output: () => out };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Postmasters (not their child processes, which rename themselves) serving this data directory. */
export function postmasters(dataDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return path.basename(argv[0] ?? '') === 'postgres' && argv[argv.indexOf('-D') + 1] === path.join(dataDir, 'pg');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Stops what a test started: the server (if still running), then any postmaster left on its data directory. */
export async function stopAll(serving: Serving | undefined, dataDir: string): Promise<void> {
  if (serving && serving.child.exitCode === null && serving.child.signalCode === null) {
    serving.child.kill('SIGKILL');
    await serving.exit;
  }
  for (const pid of postmasters(dataDir)) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
