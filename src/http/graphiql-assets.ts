import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The module @graphql-yoga/render-graphiql ships: GraphiQL's bundle, its CSS,
 * Monaco's workers and a favicon, each as one string export. The package's own
 * renderer pastes them all into a 9 MB HTML string per page load; here the
 * browser imports the module file itself, as the package installed it, and
 * caches it for good: the gateway holds its bytes once, whatever the number
 * of page loads, and a browser fetches them once.
 */
const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/render-graphiql/package.json'));
const BUNDLE_FILE = join(PACKAGE_DIR, 'esm', 'graphiql.js');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Does in the browser what the package's renderer does in its inline script,
 * from the module's exports: workers, CSS and bundle become blob: URLs, so
 * the page needs no inline script (the CSP allows none).
 */
const START_SCRIPT = `import { css, editorWorkerService, favicon, graphqlWorker, js, jsonWorker } from './bundle.js';
const blobUrl = (text, type) => URL.createObjectURL(new Blob([text], { type }));
const workers = {
  editorWorkerService: blobUrl(editorWorkerService, 'text/javascript'),
  json: blobUrl(jsonWorker, 'text/javascript'),
  graphql: blobUrl(graphqlWorker, 'text/javascript'),
};
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
const icon = Object.assign(document.createElement('link'), { rel: 'icon', href: favicon });
const style = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: blobUrl(css, 'text/css') });
const script = Object.assign(document.createElement('script'), { src: blobUrl(js, 'text/javascript') });
script.onload = () =>
  YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), JSON.parse(document.getElementById('graphiql-options').textContent));
document.head.append(icon, style, script);
`;

/** The assets' directory changes with the package and with the start script: a browser may cache what it names forever. */
const ASSET_DIR = `graphiql/${createHash('sha256').update(PACKAGE_VERSION).update(START_SCRIPT).digest('hex').slice(0, 16)}`;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * GraphiQL runs its scripts from this origin and from the blob: URLs it makes
 * of them; Monaco sets inline styles, and fetches nothing but /graphql.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' blob:",
  'worker-src blob:',
  "style-src 'self' blob: 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  etag: string;
  contentType: string;
  length: number;
  send(res: ServerResponse): void;
}

function fileAsset(file: string): Asset {
  const { size, mtimeMs } = statSync(file);
  // Read once, on the first load, into one buffer off the heap that every response then writes as it is:
  // streaming the file instead allocated 64 KB chunks per reader, garbage V8 let grow to ~50 MB before collecting it.
  let bytes: Promise<Buffer> | undefined;
  return {
    etag: `"${PACKAGE_VERSION}-${size.toString(36)}-${Math.round(mtimeMs).toString(36)}"`,
    contentType: 'text/javascript; charset=utf-8',
    length: size,
    send: (res) => {
      bytes ??= readFile(file);
      bytes.then(
        (body) => res.end(body),
        () => res.destroy(),
      );
    },
  };
}

function textAsset(text: string): Asset {
  const body = Buffer.from(text);
  return {
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    contentType: 'text/javascript; charset=utf-8',
    length: body.length,
    send: (res) => res.end(body),
  };
}

/** JSON inside a <script> element: `<` escaped, so no value can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export interface GraphiQL {
  /** A browser's GET of the GraphQL endpoint (it asks for HTML), as yoga would have recognised it. */
  wantsPage(req: IncomingMessage, path: string): boolean;
  servePage(res: ServerResponse): void;
  /** Serves the asset `path` names, or returns false when it names none. */
  serveAsset(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

export function createGraphiQL(options: { endpoint: string; title: string; defaultQuery: string }): GraphiQL {
  const page = Buffer.from(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${options.title} · GraphiQL</title>
    <script type="application/json" id="graphiql-options">${scriptJson({ title: options.title, defaultQuery: options.defaultQuery })}</script>
    <script type="module" src="${ASSET_DIR}/start.js"></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`);
  const assets = new Map<string, Asset>([
    [`/${ASSET_DIR}/bundle.js`, fileAsset(BUNDLE_FILE)],
    [`/${ASSET_DIR}/start.js`, textAsset(START_SCRIPT)],
  ]);

  return {
    wantsPage: (req, path) => path === options.endpoint && req.method === 'GET' && (req.headers.accept ?? '').includes('text/html'),
    servePage(res) {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-length': page.length });
      res.end(page);
    },
    serveAsset(req, res, path) {
      const asset = assets.get(path);
      if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      const headers = { 'cache-control': IMMUTABLE, etag: asset.etag, 'x-content-type-options': 'nosniff' };
      if (req.headers['if-none-match'] === asset.etag) {
        res.writeHead(304, headers);
        res.end();
      } else if (req.method === 'HEAD') {
        res.writeHead(200, { ...headers, 'content-type': asset.contentType, 'content-length': asset.length });
        res.end();
      } else {
        res.writeHead(200, { ...headers, 'content-type': asset.contentType, 'content-length': asset.length });
        asset.send(res);
      }
      return true;
    },
  };
}
