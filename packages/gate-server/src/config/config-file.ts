/**
 * Reads `tour-gate.config.json`. Every problem names the file, the path inside it and what is
 * wrong, so a broken config stops the start with a message a person can act on.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type GateConfigFile, parseConfigFile } from '@tour-gate/shared/config';

export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`Invalid config file ${file}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigFileError';
  }
}

export function loadConfigFile(path: string): GateConfigFile {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    throw new ConfigFileError(file, [{ path: '(file)', message: `${reason} (set GATE_CONFIG to its path)` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, [{ path: '(file)', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const config = parseConfig(json, file);
  // Folders in the file are relative to the file, wherever the server is started from.
  for (const tour of config.tours) if (tour.assetsDir) tour.assetsDir = resolve(dirname(file), tour.assetsDir);
  return config;
}

export function parseConfig(json: unknown, file = '(inline config)'): GateConfigFile {
  const result = parseConfigFile(json);
  if (!result.ok) throw new ConfigFileError(file, result.problems);
  return result.config;
}
