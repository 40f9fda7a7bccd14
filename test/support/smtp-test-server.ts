import type { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the server accepted, as mailparser reads it, with its envelope's recipients. */
export interface ReceivedMail {
  readonly to: readonly string[];
  readonly mail: ParsedMail;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 for the tests: it accepts every message unless told to
 * refuse those to an address, answering 451 after the message was sent (in DATA, as a server short of
 * space would), and counts every attempt.
 */
export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  /** Every DATA per recipient, refused ones included. */
  readonly attempts = new Map<string, number>();
  /** Addresses to refuse, with how many more times (Infinity: always). */
  readonly refuse = new Map<string, number>();
  /** A pause before each answer, so that two senders overlap. */
  delayMs = 0;
  private server!: SMTPServer;
  port = 0;

  static async start(): Promise<SmtpTestServer> {
    const test = new SmtpTestServer();
    test.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        simpleParser(stream, (error, mail) => {
          const answer = () => {
            if (error) return callback(error as Error);
            for (const address of to) test.attempts.set(address, (test.attempts.get(address) ?? 0) + 1);
            const refusing = to.find((address) => (test.refuse.get(address) ?? 0) > 0);
            if (refusing) {
              test.refuse.set(refusing, test.refuse.get(refusing)! - 1);
              return callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
            }
            test.received.push({ to, mail });
            callback();
          };
          if (test.delayMs > 0) setTimeout(answer, test.delayMs);
          else answer();
        });
      },
    });
    await new Promise<void>((resolve) => test.server.listen(0, '127.0.0.1', () => resolve()));
    test.port = (test.server.server.address() as AddressInfo).port;
    return test;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The messages accepted for an address. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((r) => r.to.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
