import { Clock } from '../../src/application/clock';
import { DocumentRef } from '../../src/domain/messages';
import { client } from './http';
import { RunningApp } from './test-app';

/** A clock the test moves by hand, as the deadline scheduler and the deciders see it. */
export class FakeClock implements Clock {
  private current: Date;
  constructor(iso: string) {
    this.current = new Date(iso);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/** Beijing 10:00 on a date: office hours, whatever the day. */
export const on = (date: string) => `${date}T10:00:00+08:00`;

const PDF = (label: string) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${label}\n`.repeat(20))]);

/** Uploads a small PDF and answers the reference a command cites it by. */
export async function upload(running: RunningApp, token: string, name: string): Promise<DocumentRef> {
  const form = new FormData();
  form.append('file', new Blob([PDF(name)], { type: 'application/pdf' }), name);
  const result = await client(running).request('POST', '/documents', { token, raw: form });
  if (result.status !== 201) throw new Error(`upload failed: ${JSON.stringify(result.body)}`);
  return { sha256: result.body.sha256, name: result.body.name, size: result.body.size, mediaType: result.body.mediaType };
}

/** Fails the test with the service's own problem text when a step is refused. */
export function expectOk(result: { status: number; body: any }, step: string) {
  if (result.status < 200 || result.status >= 300) throw new Error(`${step}: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}
