import { createHash } from 'node:crypto';
import { Accounts } from '../support/accounts';
import { client } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('申报书 content '.repeat(50))]);

function upload(running: RunningApp, token: string | undefined, bytes: Buffer, type: string, name = 'file.pdf') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return client(running).request('POST', '/documents', { token, raw: form });
}

describe('authentication', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  beforeAll(async () => {
    running = await startTestApp({ DOCUMENT_MAX_BYTES: '4096' });
    http = client(running);
  });
  afterAll(() => running.stop());

  const expectUnauthenticated = (result: { status: number; headers: Headers; body: any }) => {
    expect(result.status).toBe(401);
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(result.body).toMatchObject({ status: 401, code: 'unauthenticated' });
  };

  it('answers 401 without a token', async () => {
    expectUnauthenticated(await http.get('/documents/' + '0'.repeat(64)));
  });

  it('answers 401 for a bearer that is not a personal access token, whatever it claims', async () => {
    // A JWT whose claims say office: claims are not read, whoever signed them.
    const claims = Buffer.from(JSON.stringify({ sub: 'mallory', role: 'office', org: '山西省教育厅', exp: 4102444800 })).toString('base64url');
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${claims}.c2lnbmF0dXJl`;
    const result = await http.get('/documents/' + '0'.repeat(64), jwt);
    expectUnauthenticated(result);
    expect(result.body.detail).toMatch(/not a personal access token/);
  });

  it('answers 401 for an unknown personal access token, and for one revoked, though it was accepted before', async () => {
    expectUnauthenticated(await http.get('/documents/' + '0'.repeat(64), `als_${'A'.repeat(43)}`));
    const token = await http.token({ sub: 'revoking-clerk', role: 'office', org: '山西省教育厅' });
    expect((await http.get('/documents/' + '0'.repeat(64), token)).body.code).toBe('unknown-document');
    const [own] = (await http.get('/auth/tokens', token)).body.items as { tokenId: string }[];
    expect((await http.post(`/auth/tokens/${own!.tokenId}/revoke`, token, {})).status).toBe(200);
    const after = await http.get('/documents/' + '0'.repeat(64), token);
    expectUnauthenticated(after);
    expect(after.body.detail).toMatch(/unknown, expired or revoked/);
  });

  it('answers 403 once the grant a token acts with is revoked', async () => {
    const accounts = await Accounts.of(running);
    const clerk = await accounts.account({ sub: 'moved-clerk', role: 'office', org: '山西省教育厅' });
    expect((await http.get('/documents/' + '0'.repeat(64), clerk.token)).body.code).toBe('unknown-document');
    const revoked = await http.post(`/people/${clerk.personId}/grants/${clerk.grantIds[0]}/revoke`, accounts.admin.token, { reason: '调岗' });
    expect(revoked.status).toBe(200);
    const after = await http.get('/documents/' + '0'.repeat(64), clerk.token);
    expect({ status: after.status, code: after.body.code }).toEqual({ status: 403, code: 'grant-revoked' });
  });

  it('lets a valid token through', async () => {
    const token = await http.token({ sub: 'u', role: 'office', org: 'dept' });
    const result = await http.get('/documents/' + '0'.repeat(64), token);
    expect(result.status).toBe(404);
    expect(result.body.code).toBe('unknown-document');
  });

  it('answers unknown routes with a problem', async () => {
    const token = await http.token({ sub: 'u', role: 'office', org: 'dept' });
    const result = await http.get('/no-such-route', token);
    expect(result.status).toBe(404);
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  describe('documents', () => {
    let applicant: string;
    beforeAll(async () => {
      applicant = await http.token({ sub: 'a-1', role: 'applicant', org: 'school-1', region: '太原市' });
    });

    it('stores an upload content-addressed and serves it back', async () => {
      const result = await upload(running, applicant, PDF, 'application/pdf', '申报书.pdf');
      expect(result.status).toBe(201);
      const sha256 = createHash('sha256').update(PDF).digest('hex');
      expect(result.body).toEqual({ sha256, size: PDF.length, mediaType: 'application/pdf', name: '申报书.pdf' });
      const again = await upload(running, applicant, PDF, 'application/pdf', 'copy.pdf');
      expect(again.body.sha256).toBe(sha256);
      const response = await fetch(`${running.url}/documents/${sha256}`, { headers: { authorization: `Bearer ${applicant}` } });
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(PDF);
    });

    it('refuses a media type outside the list with 415', async () => {
      const result = await upload(running, applicant, Buffer.from('hello'), 'text/plain', 'a.txt');
      expect(result.status).toBe(415);
      expect(result.body.code).toBe('unsupported-document-type');
    });

    it('refuses a file whose bytes are not what it claims with 415', async () => {
      const result = await upload(running, applicant, Buffer.from('MZ not a pdf'), 'application/pdf');
      expect(result.status).toBe(415);
    });

    it('refuses a file above the size limit with 413', async () => {
      const result = await upload(running, applicant, Buffer.concat([PDF, Buffer.alloc(5000)]), 'application/pdf');
      expect(result.status).toBe(413);
      expect(result.body.code).toBe('document-too-large');
    });

    it('refuses a JSON body with 415', async () => {
      const result = await http.post('/documents', applicant, { file: 'x' });
      expect(result.status).toBe(415);
    });

    it('forbids auditors to upload', async () => {
      const auditor = await http.token({ sub: 'au', role: 'auditor', org: 'audit' });
      const result = await upload(running, auditor, PDF, 'application/pdf');
      expect(result.status).toBe(403);
      expect(result.body.code).toBe('role-not-allowed');
    });
  });
});
