import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Content types of what the renderer build contains; anything else is served as bytes. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Where a URL path leads: a file, or why not (400: the path itself is malformed; 404: no such file here). */
export type StaticLookup = { ok: true; file: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * Maps a URL path onto a file inside `root`. Both the desktop app's app:// protocol and the local
 * web host serve the renderer through this one guard: encoded dots and slashes, backslashes, NUL
 * bytes and symlinks out of the folder are all refused (404, as if absent). A `%` that does not
 * start an escape of UTF-8 text (`%E0%A4%A`, `%zz`) names no file at all: 400.
 */
export function lookupInside(root: string, urlPath: string): StaticLookup {
  const notFound: StaticLookup = { ok: false, status: 404, reason: 'not found' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in the path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return notFound;
  const segments = decoded.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '..' || segment === '.')) return notFound;
  const realRoot = realpathSync(root);
  const candidate = path.join(realRoot, ...segments);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return notFound;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return notFound;
  try {
    if (!statSync(real).isFile()) return notFound;
  } catch {
    return notFound;
  }
  return { ok: true, file: real };
}

/** lookupInside's file, or null whatever the reason it has none. */
export function resolveInside(root: string, urlPath: string): string | null {
  const found = lookupInside(root, urlPath);
  return found.ok ? found.file : null;
}

/**
 * The Content-Security-Policy of the studio's pages. Monaco runs its language services in
 * workers created from blob: URLs and injects its own styles, hence `worker-src blob:` and
 * inline styles; scripts stay 'self' only.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
