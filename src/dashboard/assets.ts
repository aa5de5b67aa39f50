/**
 * The dashboard's static files (static/: ES modules, CSS, an icon), read once
 * on first use and served from memory with an ETag. Only the files found
 * there are served: a path never reaches the file system.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, send } from './http.ts';

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

let assets: Map<string, Asset> | undefined;

function load(): Map<string, Asset> {
  const dir = new URL('./static/', import.meta.url);
  const out = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf('.') + 1)];
    if (!type) continue;
    const body = readFileSync(new URL(name, dir));
    out.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  return out;
}

/** Serves /dashboard/static/NAME; false when there is no such file. */
export function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): boolean {
  assets ??= load();
  const asset = assets.get(name);
  if (!asset) return false;
  const headers = { etag: asset.etag, 'cache-control': 'no-cache' };
  if (header(req, 'if-none-match') === asset.etag) send(res, 304, asset.type, '', headers);
  else send(res, 200, asset.type, req.method === 'HEAD' ? '' : asset.body, headers);
  return true;
}
