// The self-hosted GraphiQL page served at GET /graphql. Bundled by scripts/build-graphiql.mjs
// with esbuild (this .tsx file is not part of the tsc build). Everything it loads comes from
// /graphiql/ on the same server: no CDN.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';

// Monaco runs its language services in web workers, bundled as separate files by the build.
// This must be in place before GraphiQL lazily loads monaco-editor.
const WORKERS = '/graphiql/workers';
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    switch (label) {
      case 'json':
        return new Worker(`${WORKERS}/json.worker.js`, { name: 'json' });
      case 'graphql':
        return new Worker(`${WORKERS}/graphql.worker.js`, { name: 'graphql' });
      default:
        return new Worker(`${WORKERS}/editor.worker.js`, { name: label || 'editor' });
    }
  },
};

const API_KEY_STORAGE = 'touchpoint:apiKey';

const DEFAULT_QUERY = `# Put your API key in the field above, then press the run button (or Ctrl+Enter).
{
  automations {
    id
    name
    type
  }
  senders
  rateCard {
    currency
  }
}
`;

/**
 * A link to a query: `/graphql?query=…&variables=…` opens GraphiQL with them in its editors (in a
 * tab of their own unless one holds them already), and the address follows every edit, so the
 * address bar is a link to what is on screen. GraphiQL reports edits, not what it opened with: a
 * plain /graphql keeps a plain address until the first edit.
 */
const LINKED = ['query', 'variables'] as const;
const linked = new URLSearchParams(window.location.search);
const onScreen: Record<(typeof LINKED)[number], string> = { query: linked.get('query') ?? '', variables: linked.get('variables') ?? '' };

/**
 * Node's HTTP server refuses a request line and headers over 16 kB (431), so a longer address
 * would not load again: an address longer than this leaves the query and variables out (GraphiQL's
 * tabs, kept in local storage, still hold them).
 */
const MAX_LINK = 8_000;

function keepInAddress(name: (typeof LINKED)[number], value: string): void {
  onScreen[name] = value;
  const params = new URLSearchParams(window.location.search);
  for (const n of LINKED) {
    if (onScreen[n]) params.set(n, onScreen[n]);
    else params.delete(n);
  }
  if (params.toString().length > MAX_LINK) LINKED.forEach((n) => params.delete(n));
  const search = params.toString();
  if (search === window.location.search.slice(1)) return;
  window.history.replaceState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
}

function readStoredKey(): string {
  try {
    return localStorage.getItem(API_KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

/** Accepts the bare key or a pasted "Bearer <key>". */
function normaliseKey(value: string): string {
  return value.trim().replace(/^bearer\s+/i, '');
}

function App() {
  const [apiKey, setApiKey] = useState(readStoredKey);
  const keyRef = useRef(apiKey);
  keyRef.current = apiKey;

  // Every request reads the key at the time it is sent. A non-empty key wins over an
  // Authorization header typed into GraphiQL's headers editor; other headers pass through.
  const authorisedFetch = useMemo<typeof fetch>(
    () => (input, init = {}) => {
      const key = normaliseKey(keyRef.current);
      const headers = new Headers(init.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    },
    [],
  );

  // A new fetcher makes GraphiQL introspect again, so the schema (docs, completion) follows the
  // key. Debounced, so typing a key by hand does not introspect on every keystroke.
  const [schemaKey, setSchemaKey] = useState(apiKey);
  useEffect(() => {
    const timer = setTimeout(() => setSchemaKey(apiKey), 400);
    return () => clearTimeout(timer);
  }, [apiKey]);
  const fetcher = useMemo(
    () => createGraphiQLFetcher({ url: '/graphql', fetch: authorisedFetch }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- schemaKey only forces a new fetcher
    [authorisedFetch, normaliseKey(schemaKey)],
  );

  const onKeyChange = (value: string) => {
    setApiKey(value);
    try {
      if (value) localStorage.setItem(API_KEY_STORAGE, value);
      else localStorage.removeItem(API_KEY_STORAGE);
    } catch {
      // Storage may be unavailable (private mode); the key then lasts for this page only.
    }
  };

  return (
    <div className="tp-page">
      <header className="tp-header">
        <h1 className="tp-title">Touchpoint GraphiQL</h1>
        <form className="tp-api-key-form" onSubmit={(event) => event.preventDefault()}>
          <label className="tp-api-key" htmlFor="tp-api-key">
            <span>API key</span>
            <input
              id="tp-api-key"
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="tp_…"
              value={apiKey}
              onChange={(event) => onKeyChange(event.target.value)}
              aria-describedby="tp-api-key-hint"
            />
          </label>
          <span id="tp-api-key-hint" className="tp-hint">
            Sent as <code>Authorization: Bearer &lt;key&gt;</code> and kept in this browser's local storage.
          </span>
        </form>
      </header>
      <main className="tp-graphiql">
        <GraphiQL
          fetcher={fetcher}
          defaultQuery={DEFAULT_QUERY}
          initialQuery={linked.get('query') ?? undefined}
          initialVariables={linked.get('variables') ?? undefined}
          onEditQuery={(query) => keepInAddress('query', query)}
          onEditVariables={(variables) => keepInAddress('variables', variables)}
        >
          <GraphiQL.Logo>Touchpoint</GraphiQL.Logo>
        </GraphiQL>
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
