import { describe, expect, it } from 'vitest';
import { useTracker } from './test-support/tracker-harness';

interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components?: { schemas?: Record<string, { description?: string }> };
}

function apiPathsOf(document: OpenApiDocument): string[] {
  return Object.keys(document.paths)
    .filter((path) => path.startsWith('/api/'))
    .sort();
}

const NETWORK_KEY = 'docs-test-network-key';
const ADMIN_TOKEN = 'docs-test-admin-token-0123456789';

describe('the tracker API docs', () => {
  const harness = useTracker({ networkKey: NETWORK_KEY, adminToken: ADMIN_TOKEN });

  async function openApiDocument(): Promise<OpenApiDocument> {
    const response = await fetch(`${harness.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    return (await response.json()) as OpenApiDocument;
  }

  it('documents every route in /api/openapi.json, without needing the network key', async () => {
    const document = await openApiDocument();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Shoal tracker API');
    // Routes outside /api (the operator's /metrics) may be documented too; every /api route must be.
    expect(apiPathsOf(document)).toEqual([
      '/api/admin/bans',
      '/api/admin/bans/{fingerprint}',
      '/api/admin/registrations',
      '/api/admin/registrations/{name}',
      '/api/files',
      '/api/health',
      '/api/peers',
    ]);
    // The API itself still needs the key.
    expect((await fetch(`${harness.url}/api/health`)).status).toBe(401);
  });

  it('shows the file shape with holders, and peers as a deprecated alias', async () => {
    const files = (await openApiDocument()).paths['/api/files']?.['get']?.responses['200']?.content?.['application/json']?.schema;
    const fileSchema = (files as { properties: { files: { items: { properties: Record<string, Record<string, unknown>> } } } }).properties.files.items;
    expect(Object.keys(fileSchema.properties).sort()).toEqual(['holders', 'id', 'mimeType', 'name', 'peers', 'size']);
    expect(fileSchema.properties['peers']).toMatchObject({ deprecated: true, description: expect.stringContaining('holders') });
    expect(fileSchema.properties['holders']).not.toHaveProperty('deprecated');
  });

  it('documents the error answer with every code and its status', async () => {
    const document = await openApiDocument();
    expect(JSON.stringify(document.paths['/api/files']?.['get']?.responses['400'])).toContain('#/components/schemas/Error');
    const description = document.components?.schemas?.['Error']?.description ?? '';
    for (const entry of ['BAD_REQUEST (400)', 'NOT_FOUND (404)', 'RATE_LIMITED (429)', 'NO_HOLDER (503)', 'INTERNAL (500)']) {
      expect(description).toContain(entry);
    }
  });

  it('serves interactive docs at /api/docs, with a policy that lets them render over plain HTTP', async () => {
    const docs = await fetch(`${harness.url}/api/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const policy = docs.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).not.toContain('upgrade-insecure-requests');
    const initializer = await fetch(`${harness.url}/api/docs/static/swagger-initializer.js`);
    expect(initializer.status).toBe(200);
  });
});

describe('the tracker API docs without an admin token', () => {
  const harness = useTracker();

  it('leave out the admin API, which is off', async () => {
    const document = (await (await fetch(`${harness.url}/api/openapi.json`)).json()) as OpenApiDocument;
    expect(apiPathsOf(document)).toEqual(['/api/files', '/api/health', '/api/peers']);
  });
});
