/** The wire protocol: every message that crosses a process boundary, as zod schemas and inferred types. */
export * from './errors';
export * from './limits';
export * from './tracker-messages';
export * from './ice-servers';
export * from './peer-messages';
export * from './admin-messages';
export * from './file-result';
export * from './folder-manifest';
