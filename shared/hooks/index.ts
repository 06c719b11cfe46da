export * from './definitions';
export { payloadSchemas, requestSchema, userSchema } from './payload-schemas';
export { samplePayloads } from './samples';
export { validateEvent, type EventProblem, type EventValidation } from './validate-event';
export { hookJsonSchema, type JsonSchema } from './json-schema';
