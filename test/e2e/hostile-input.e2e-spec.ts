import { connect } from 'node:net';
import { MAX_OFFSET } from '../../src/infrastructure/http/read-models.controller';
import { MAX_JSON_DEPTH } from '../../src/infrastructure/http/validation';
import { client, HttpResult } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

/** Raw bytes onto the socket, for what fetch would not send (raw non-ASCII, broken request lines). */
function rawRequest(running: RunningApp, bytes: Buffer): Promise<{ status: number; headers: string; body: any }> {
  const { hostname, port } = new URL(running.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      let body: unknown = text.slice(split + 4);
      try {
        body = JSON.parse(body as string);
      } catch {
        // not JSON: left as text, which the assertions then show
      }
      resolve({ status, headers: head.toLowerCase(), body });
    });
  });
}

const request = (line: string | Buffer, headers: string[] = []) =>
  Buffer.concat([Buffer.from(line), Buffer.from(`\r\nHost: localhost\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`)]);

const expectProblem = (result: HttpResult | { status: number; headers: string | Headers; body: any }, status: number, code: string) => {
  expect({ status: result.status, code: result.body?.code }).toEqual({ status, code });
  const contentType = typeof result.headers === 'string' ? /content-type: ([^\r\n]*)/.exec(result.headers)?.[1] : result.headers.get('content-type');
  expect(contentType).toMatch(/^application\/problem\+json/);
  expect(JSON.stringify(result.body)).not.toMatch(/at .*\.(ts|js):\d+/);
};

describe('hostile input', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;

  beforeAll(async () => {
    running = await startTestApp({ CLOCK: 'simulated', CLOCK_START: '2025-09-01T02:00:00Z' });
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
  });
  afterAll(() => running.stop());

  const postRaw = (path: string, raw: string | Buffer, token: string | undefined = office, contentType = 'application/json') =>
    http.request('POST', path, { token, raw, headers: { 'content-type': contentType } });

  const CYCLE = { programType: 'brand-major', name: '品牌专业 2025', label: '2025', opensAt: '2025-09-01T00:00:00+08:00', closesAt: '2025-09-15T00:00:00+08:00' };

  describe('bodies', () => {
    it('refuses JSON nested thousands deep with 400 and the limit, not a 500', async () => {
      const deep = `{"rules":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const result = await postRaw('/cycles', deep);
      expectProblem(result, 400, 'json-too-deep');
      expect(result.body.maxDepth).toBe(MAX_JSON_DEPTH);
      expect(result.body.detail).toContain(String(MAX_JSON_DEPTH));
      // At the limit, the body is parsed and validated as any other.
      const atLimit = `{"rules":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
      expectProblem(await postRaw('/cycles', atLimit), 400, 'validation-failed');
      // Brackets inside strings are text, not nesting.
      const created = await http.post('/cycles', office, { ...CYCLE, id: 'brackets-2025', name: '['.repeat(100) });
      expect(created.status).toBe(201);
    });

    it('refuses NUL characters and lone surrogates in any string of a body, naming the field', async () => {
      const nul = await postRaw('/cycles', JSON.stringify({ ...CYCLE, name: 'a\u0000b' }));
      expectProblem(nul, 400, 'invalid-characters');
      expect(nul.body.errors).toEqual([{ field: 'name', reason: expect.stringMatching(/NUL/) }]);

      const surrogate = await postRaw('/cycles', JSON.stringify({ ...CYCLE, rules: { tiers: [{ name: 'A' }, { name: 'x' }] } }).replace('"x"', '"\\ud800x"'));
      expectProblem(surrogate, 400, 'invalid-characters');
      expect(surrogate.body.errors).toEqual([{ field: 'rules.tiers.1.name', reason: expect.stringMatching(/surrogate/) }]);

      const inKey = await postRaw('/cycles', '{"na\\u0000me":"x"}');
      expectProblem(inKey, 400, 'invalid-characters');

      // A surrogate pair is text (an emoji), and goes through.
      const emoji = await postRaw('/cycles', JSON.stringify({ ...CYCLE, id: 'emoji-2025', name: '品牌专业 \ud83c\udf93' }));
      expect(emoji.status).toBe(201);
    });

    it('refuses bytes that are not UTF-8 with 400, instead of storing replacement characters', async () => {
      const body = Buffer.concat([Buffer.from(JSON.stringify({ ...CYCLE, id: 'latin1-2025', name: 'x' }).replace('"x"', '"')), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('"}')]);
      const result = await postRaw('/cycles', body);
      expectProblem(result, 400, 'invalid-utf8');
      expect((await http.get('/cycles/latin1-2025', office)).status).toBe(404);
    });

    it('refuses NUL characters in query strings and path parameters too', async () => {
      const result = await http.get('/projects?region=%00', office);
      expectProblem(result, 400, 'invalid-characters');
      expect(result.body.errors[0].field).toBe('region');
      const inPath = await http.get('/organisations/a%00b/portfolio', office);
      expectProblem(inPath, 400, 'invalid-characters');
      expect(inPath.body.errors[0].field).toBe('org');
    });

    it('bounds amounts: a fund recovery of 1e308 yuan, or with fractions of a fen, is refused; up to 1e11 yuan passes validation', async () => {
      const order = (amount: number) => http.post('/projects/no-such-project/fund-recovery', office, { amount, deadline: '2026-12-31', reason: '项目撤销，追回已拨付的省级专项资金' });
      for (const amount of [1e308, 1e11 + 1, 12.345]) {
        const refused = await order(amount);
        expectProblem(refused, 400, 'validation-failed');
        expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['amount']);
      }
      // Validation passes; the project does not exist.
      expectProblem(await order(1e11), 404, 'project-not-found');
    });

    it('bounds counts to safe integers: a quota of 1e308 is refused', async () => {
      const result = await http.post('/cycles', office, { ...CYCLE, id: 'huge-2025', rules: { quota: 1e308 } });
      expectProblem(result, 400, 'validation-failed');
      expect(result.body.errors[0].field).toBe('rules.quota');
    });

    it('moves the simulated clock only within 2000–2100', async () => {
      const far = await http.post('/clock', office, { to: '9999-12-31' });
      expectProblem(far, 400, 'validation-failed');
      expect(far.body.detail).toMatch(/^to: .*2101/);
      const moved = await http.post('/clock', office, { to: '2100-12-31T00:00:00Z' });
      expect(moved.status).toBe(200);
      expect(moved.body.now).toBe('2100-12-31T00:00:00.000Z');
    });
  });

  describe('lists', () => {
    const LISTS = ['/enterprises', '/projects', '/organisations/school-a/portfolio', '/reviewers/expert-1/queue', '/notices', '/overdue', '/cycles', '/notifications'];

    it.each(LISTS)('%s answers 400 naming the limit for an offset or limit beyond it, and serves the largest offset allowed', async (path) => {
      for (const [query, field, limit] of [
        ['offset=9223372036854775807', 'offset', MAX_OFFSET],
        ['offset=99999999999999999999999', 'offset', MAX_OFFSET],
        [`offset=${MAX_OFFSET + 1}`, 'offset', MAX_OFFSET],
        ['limit=9223372036854775807', 'limit', 500],
      ] as const) {
        const result = await http.get(`${path}?${query}`, office);
        expectProblem(result, 400, 'validation-failed');
        expect(result.body.errors).toEqual([{ field, reason: `${field} must not be greater than ${limit}` }]);
      }
      expect((await http.get(`${path}?offset=${MAX_OFFSET}&limit=500`, office)).status).toBe(200);
    });

    it('answers 400 with the allowed values for an unknown status or program type, instead of an empty list', async () => {
      const status = await http.get('/projects?status=waiting', office);
      expectProblem(status, 400, 'validation-failed');
      expect(status.body.detail).toMatch(/status must be one of the following values: .*Draft.*UnderConstruction/);
      const programType = await http.get('/projects?programType=brand-majors', office);
      expectProblem(programType, 400, 'validation-failed');
      expect(programType.body.allowed).toEqual(expect.arrayContaining(['brand-major', 'quality-course']));
      expect(programType.body.allowed).not.toContain('enterprise');
      const cycles = await http.get('/cycles?programType=brand-majors', office);
      expectProblem(cycles, 400, 'validation-failed');
      expect(cycles.body.allowed).toContain('enterprise');
      const enterprises = await http.get('/enterprises?status=waiting', office);
      expectProblem(enterprises, 400, 'validation-failed');
      expect((await http.get('/projects?status=Draft&programType=brand-major', office)).status).toBe(200);
    });
  });

  describe("the HTTP layer's own errors", () => {
    it('431 for headers too large', async () => {
      const result = await rawRequest(running, request('GET /health HTTP/1.1', [`X-Big: ${'a'.repeat(20_000)}`]));
      expectProblem(result, 431, 'headers-too-large');
    });

    it('414 for a URI too long, whether the request line or one path segment', async () => {
      expectProblem(await rawRequest(running, request(`GET /projects/${'a'.repeat(20_000)} HTTP/1.1`)), 414, 'uri-too-long');
      const segment = await http.get(`/projects/${'a'.repeat(3000)}`, office);
      expectProblem(segment, 414, 'uri-too-long');
      expect(segment.body.instance.length).toBeLessThanOrEqual(1001);
      // An organisation's Chinese name, percent-encoded, is well within the segment limit.
      const longName = encodeURIComponent('山西省太原市第一职业技术学院附属中等职业学校'.repeat(3));
      expect((await http.get(`/organisations/${longName}/portfolio`, office)).status).toBe(200);
    });

    it('404 for an unknown route and 405 (with Allow) for a known path with another method', async () => {
      expectProblem(await http.get('/no-such-route'), 404, 'route-not-found');
      const wrongMethod = await http.request('DELETE', '/health');
      expectProblem(wrongMethod, 405, 'method-not-allowed');
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
      const put = await http.request('PUT', '/projects/some-id/submit', { token: office, body: {} });
      expectProblem(put, 405, 'method-not-allowed');
      expect(put.headers.get('allow')).toBe('POST');
    });

    it('400 unencoded-url for raw non-ASCII in the request target (as curl sends it), saying to percent-encode; encoded, it is served', async () => {
      const raw = await rawRequest(running, request(Buffer.from('GET /projects?region=太原市 HTTP/1.1'), [`Authorization: Bearer ${office}`]));
      expectProblem(raw, 400, 'unencoded-url');
      expect(raw.body.detail).toMatch(/percent-encode/);
      expect((await http.get(`/projects?region=${encodeURIComponent('太原市')}`, office)).status).toBe(200);
    });

    it('400 problems for a request Node cannot parse, and for broken percent-encoding', async () => {
      expectProblem(await rawRequest(running, request('FOO@BAR /health HTTP/1.1')), 400, 'unknown-method');
      expectProblem(await rawRequest(running, Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n')), 400, 'malformed-request');
      expectProblem(await http.get('/projects/%zz', office), 400, 'invalid-url');
    });
  });

  describe('the OpenAPI document', () => {
    it('declares every error response as application/problem+json with the Problem schema, and statuses as enums', async () => {
      const { body: document } = await http.get('/docs-json');
      expect(document.components.schemas.Problem).toMatchObject({ type: 'object', required: expect.arrayContaining(['status', 'code', 'title', 'detail']) });
      const errors: [string, string, any][] = [];
      for (const [path, operations] of Object.entries<any>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(operations)) {
          for (const [status, response] of Object.entries<any>(operation.responses)) if (Number(status) >= 400) errors.push([`${method.toUpperCase()} ${path}`, status, response]);
          if (operation.security?.length) expect(operation.responses).toHaveProperty('401');
        }
      }
      expect(errors.length).toBeGreaterThan(300);
      for (const [, , response] of errors) expect(response.content).toEqual({ 'application/problem+json': expect.objectContaining({ schema: { $ref: '#/components/schemas/Problem' } }) });
      const statusOf = (path: string) => document.paths[path].get.parameters.find((p: { name: string }) => p.name === 'status').schema.enum;
      expect(statusOf('/projects')).toEqual(expect.arrayContaining(['Draft', 'UnderConstruction', 'Accredited', 'Revoked']));
      expect(statusOf('/projects')).not.toContain('None');
      expect(statusOf('/enterprises')).toEqual(expect.arrayContaining(['Submitted', 'Certified', 'Disqualified']));
    });
  });
});
