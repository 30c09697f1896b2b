/** One JSON line per event on stderr; silent in tests unless asked. */
export interface Logger {
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
}

export function jsonLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, msg: string, extra?: object) =>
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra })}\n`);
  return {
    info: (m, e) => write('info', m, e),
    warn: (m, e) => write('warn', m, e),
    error: (m, e) => write('error', m, e),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
