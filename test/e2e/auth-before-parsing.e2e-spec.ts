import { client, HttpResult } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

/** Authentication comes before the body is read: without a valid token, what the body holds does not matter. */
describe('authentication before parsing', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let operations: { method: string; path: string; secured: boolean }[];

  beforeAll(async () => {
    running = await startTestApp({ BODY_LIMIT_BYTES: '2048', CLOCK: 'simulated', CLOCK_START: '2025-09-01T00:00:00Z' });
    http = client(running);
    const { body: document } = await http.get('/docs-json');
    operations = Object.entries<any>(document.paths).flatMap(([path, byMethod]) =>
      Object.entries<any>(byMethod).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, 'x'),
        secured: (operation.security ?? []).length > 0,
      })),
    );
  });
  afterAll(() => running.stop());

  const expectUnauthenticated = (result: HttpResult, what: string) => {
    expect({ what, status: result.status, code: result.body?.code }).toEqual({ what, status: 401, code: 'unauthenticated' });
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  };

  it('answers 401 on every route behind a token, whatever the body: malformed JSON, text, too large', async () => {
    const secured = operations.filter((o) => o.secured);
    expect(secured.length).toBeGreaterThan(70);
    for (const { method, path } of secured) {
      if (method === 'GET') {
        expectUnauthenticated(await http.request('GET', path), `${method} ${path}`);
        continue;
      }
      expectUnauthenticated(await http.request(method, path, { raw: '{', headers: { 'content-type': 'application/json' } }), `${method} ${path} with {`);
      expectUnauthenticated(await http.request(method, path, { raw: 'hello', headers: { 'content-type': 'text/plain' } }), `${method} ${path} with text`);
    }
    const large = 'x'.repeat(10_000);
    expectUnauthenticated(await http.request('POST', '/cycles', { raw: large, headers: { 'content-type': 'application/json' } }), 'a body over the limit');
    expectUnauthenticated(await http.request('POST', '/documents', { raw: '--broken\r\nnot multipart', headers: { 'content-type': 'multipart/form-data; boundary=broken' } }), 'broken multipart');
    // A HEAD answer has no body: its status and media type tell.
    const head = await http.request('HEAD', '/projects');
    expect([head.status, head.headers.get('content-type')]).toEqual([401, expect.stringMatching(/^application\/problem\+json/)]);
    expectUnauthenticated(await http.request('POST', '/cycles', { raw: '{', headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-jwt' } }), 'a token that is no JWT');
  });

  it('keeps public routes public: health and the API documentation', async () => {
    expect(operations.find((o) => o.path === '/health')?.secured).toBe(false);
    expect((await http.get('/health')).status).toBe(200);
    expect((await http.get('/docs-json')).status).toBe(200);
    expect((await http.get('/docs')).status).toBe(200);
  });

  it('with a valid token, parses and validates the body as before', async () => {
    const office = await http.token({ sub: 'o', role: 'office', org: 'dept' });
    const malformed = await http.request('POST', '/cycles', { token: office, raw: '{', headers: { 'content-type': 'application/json' } });
    expect({ status: malformed.status, code: malformed.body.code }).toEqual({ status: 400, code: 'malformed-json' });
    const text = await http.request('POST', '/cycles', { token: office, raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect({ status: text.status, code: text.body.code }).toEqual({ status: 415, code: 'unsupported-media-type' });
    const large = await http.request('POST', '/cycles', { token: office, raw: `"${'x'.repeat(10_000)}"`, headers: { 'content-type': 'application/json' } });
    expect({ status: large.status, code: large.body.code }).toEqual({ status: 413, code: 'payload-too-large' });
    const created = await http.post('/cycles', office, { id: 'auth-2025', programType: 'brand-major', name: '品牌专业 2025', label: '2025', opensAt: '2025-09-01T00:00:00+08:00', closesAt: '2025-09-15T00:00:00+08:00' });
    expect(created.status).toBe(201);
    const history = await http.get('/audit/streams/cycle-auth-2025/history', office);
    expect(history.body.events[0].metadata?.actor ?? history.body.events[0].actor).toMatchObject({ id: 'o', role: 'office' });
  });
});
