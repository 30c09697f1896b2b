export * from './api.ts';
export * from './errors.ts';
export * from './field-labels.ts';
export * from './fields.ts';
export * from './glossary.ts';
export * from './locale.ts';
export * from './validate.ts';
export * from './viewpoints.ts';
