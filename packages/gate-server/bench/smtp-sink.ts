/**
 * A local SMTP server for the mail bench, in a process of its own (so it never shares the
 * gate's event loop): smtp-server on 127.0.0.1, no parsing, each accepted mail reported to the
 * parent over IPC as `{ to, at }` (the envelope's first recipient, `Date.now()` when the data
 * was acknowledged). Prints nothing; sends `{ port }` once it listens.
 *
 *   fork('bench/smtp-sink.ts', { execArgv: ['--import', 'tsx'] })
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  // Room for many pooled connections from the gate.
  maxClients: 1000,
  onData(stream, session, callback) {
    stream.on('data', () => {});
    const to = session.envelope.rcptTo[0]?.address ?? '';
    stream.on('end', () => {
      callback();
      process.send?.({ to, at: Date.now() });
    });
  },
});
// A client reset in the middle of a mail is reported as an 'error' of the server: carry on.
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
