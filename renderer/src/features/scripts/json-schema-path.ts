/** A JSON Schema (draft 2020-12, as zod generates it) walked by dotted paths for completions. */
export type Schema = Record<string, unknown>;

export interface FieldInfo {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part];
    if (node && typeof node === 'object') return resolve(node as Schema, root);
  }
  // Optional and nullable fields come as anyOf/oneOf; the object branch is the one with fields.
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const resolved = options.map((option) => resolve(option as Schema, root));
      return (
        resolved.find((option) => option.properties) ?? resolved.find((option) => option.type !== 'null') ?? schema
      );
    }
  }
  return schema;
}

function typeName(schema: Schema, root: Schema): string {
  const node = resolve(schema, root);
  if (Array.isArray(node.enum)) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (node.type === 'array') return `${typeName((node.items as Schema | undefined) ?? {}, root)}[]`;
  if (typeof node.type === 'string') return node.type === 'object' ? 'table' : node.type;
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return 'any';
}

/** The schema at `path` (field names under the root), or null when the schema does not name it. */
export function schemaAt(root: Schema, path: string[]): Schema | null {
  let node: Schema = resolve(root, root);
  for (const part of path) {
    const properties = node.properties as Record<string, Schema> | undefined;
    const next = properties?.[part];
    if (!next) return null;
    node = resolve(next, root);
  }
  return node;
}

/** The fields of the object at `path`. */
export function fieldsAt(root: Schema, path: string[]): FieldInfo[] {
  const node = schemaAt(root, path);
  const properties = (node?.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(node?.required) ? (node.required as string[]) : []);
  return Object.entries(properties).map(([name, field]) => ({
    name,
    type: typeName(field, root),
    required: required.has(name),
    description: typeof field.description === 'string' ? field.description : undefined,
  }));
}

export function describeAt(root: Schema, path: string[]): FieldInfo | null {
  const name = path.at(-1);
  if (!name) return null;
  return fieldsAt(root, path.slice(0, -1)).find((field) => field.name === name) ?? null;
}
