import { uuidv7 } from 'uuidv7';

/**
 * Row ids are UUIDv7: time-ordered, so inserts append to the primary-key index instead of
 * scattering over it (SQLite keeps its insert rate as tables grow).
 */
export const newId = (): string => uuidv7();
