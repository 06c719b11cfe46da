import { dataField, parseData } from './payloads';

// Where enrichment data lands. A script returns a table of fields (deep-merged by the runtime);
// the plugin writes it into the record being created:
// - signup.enrich and session.enrich: a field whose name is a column the host declared (better-auth
//   `additionalFields`, another plugin's field such as the admin plugin's `role`, or `name`/`image`)
//   and whose value has that column's type is written to the column; every other field goes into
//   the plugin's JSON column `pipelineData` (merged over what is there), which the payloads of
//   later hooks show as `user.metadata` / `session.data`;
// - token.enrich: the fields are added to the JWT's claims.
// The record's key (`user`, `session`, `claims`) is unwrapped when a script mirrors the payload
// (`return { claims = { tier = "pro" } }`), so both shapes work. Identity and bookkeeping columns
// (id, email, emailVerified, userId, token, timestamps) are never written by a script.

interface FieldAttribute {
  type: unknown;
}

const protectedColumns = new Set([
  'id',
  'email',
  'emailVerified',
  'createdAt',
  'updatedAt',
  'userId',
  'token',
  'expiresAt',
  'ipAddress',
  'userAgent',
  dataField,
]);

/** The fields of an enrichment result, with the mirrored record key unwrapped. */
export function unwrap(data: Record<string, unknown>, key: string): Record<string, unknown> {
  const inner = data[key];
  if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return data;
  const { [key]: _omitted, ...rest } = data;
  return { ...rest, ...(inner as Record<string, unknown>) };
}

/** Splits enrichment fields into column writes and the JSON column's new content. */
export function toRecordFields(
  fields: Record<string, unknown>,
  columns: Record<string, FieldAttribute>,
  existingData: unknown,
): Record<string, unknown> {
  const writes: Record<string, unknown> = {};
  const extra: Record<string, unknown> = { ...parseData(existingData) };
  for (const [key, value] of Object.entries(fields)) {
    const column = columns[key];
    if (column && !protectedColumns.has(key) && fitsColumn(value, column.type)) writes[key] = value;
    else if (key === 'metadata' && value && typeof value === 'object' && !Array.isArray(value))
      Object.assign(extra, value);
    else extra[key] = value;
  }
  if (Object.keys(extra).length > 0) writes[dataField] = JSON.stringify(extra);
  return writes;
}

function fitsColumn(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
      return value !== undefined;
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'number[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'number');
    default:
      // an enum column (an array of literals)
      return Array.isArray(type) && type.includes(value);
  }
}
