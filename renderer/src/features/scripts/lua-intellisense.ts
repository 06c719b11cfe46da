import type * as Monaco from 'monaco-editor/editor';
import { describeAt, fieldsAt, type Schema } from './json-schema-path';
import { ctxDocs, helperDocs, rootDocs } from './lua-docs';

type MonacoApi = typeof Monaco;

export interface HookSchema {
  hook: string;
  schema: Schema;
}

// The payload schemas of the hooks each open script is attached to, by model URI.
const schemasByModel = new Map<string, HookSchema[]>();

export function setEventSchemas(model: Monaco.editor.ITextModel, schemas: HookSchema[]): void {
  schemasByModel.set(model.uri.toString(), schemas);
}

/** `event.user.em|` → ['event', 'user'] and 'em'. */
function pathBefore(text: string): { path: string[]; partial: string } | null {
  const match = /([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$/.exec(text);
  if (!match?.[1]) return null;
  return { path: match[1].split('.'), partial: match[2] ?? '' };
}

/** The dotted expression around a column (1-based) of a line, up to the word under it. */
function pathAt(line: string, column: number): { path: string[]; start: number; end: number } | null {
  for (const match of line.matchAll(/[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/g)) {
    const start = match.index + 1;
    const end = start + match[0].length;
    if (column < start || column > end) continue;
    const upTo = match[0].slice(0, column - start);
    const rest = /^\w*/.exec(match[0].slice(column - start))?.[0] ?? '';
    const text = upTo + rest;
    return { path: text.split('.'), start, end: start + text.length };
  }
  return null;
}

function eventFields(schemas: HookSchema[], path: string[]) {
  const merged = new Map<string, { type: string; required: boolean; description?: string; hooks: string[] }>();
  for (const { hook, schema } of schemas) {
    for (const field of fieldsAt(schema, path)) {
      const seen = merged.get(field.name);
      if (seen) seen.hooks.push(hook);
      else merged.set(field.name, { ...field, hooks: [hook] });
    }
  }
  return merged;
}

export function registerLuaIntellisense(monaco: MonacoApi): void {
  const { CompletionItemKind, CompletionItemInsertTextRule } = monaco.languages;
  monaco.languages.registerCompletionItemProvider('lua', {
    triggerCharacters: ['.'],
    provideCompletionItems(model, position) {
      const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const found = pathBefore(before);
      if (!found) return { suggestions: [] };
      const range = new monaco.Range(
        position.lineNumber,
        position.column - found.partial.length,
        position.lineNumber,
        position.column,
      );
      const [root, ...rest] = found.path;
      if (root === 'helpers' && rest.length === 0) {
        return {
          suggestions: helperDocs.map((helper) => ({
            label: helper.name,
            kind: CompletionItemKind.Function,
            detail: helper.signature,
            documentation: { value: helper.doc },
            insertText: helper.insert,
            insertTextRules: CompletionItemInsertTextRule.InsertAsSnippet,
            range,
          })),
        };
      }
      if (root === 'ctx' && rest.length === 0) {
        return {
          suggestions: ctxDocs.map((field) => ({
            label: field.name,
            kind: CompletionItemKind.Field,
            detail: field.signature,
            documentation: { value: field.doc },
            insertText: field.insert,
            range,
          })),
        };
      }
      if (root !== 'event') return { suggestions: [] };
      const schemas = schemasByModel.get(model.uri.toString()) ?? [];
      const fields = eventFields(schemas, rest);
      return {
        suggestions: [...fields].map(([name, field]) => ({
          label: name,
          kind: CompletionItemKind.Field,
          detail: `${field.type}${field.required ? '' : ' (optional)'}`,
          documentation: {
            value: `${field.description ? `${field.description}\n\n` : ''}In: ${field.hooks.join(', ')}`,
          },
          insertText: name,
          range,
        })),
      };
    },
  });

  monaco.languages.registerHoverProvider('lua', {
    provideHover(model, position) {
      const found = pathAt(model.getLineContent(position.lineNumber), position.column);
      if (!found) return null;
      const [root, ...rest] = found.path;
      const range = new monaco.Range(position.lineNumber, found.start, position.lineNumber, found.end);
      const text = (value: string) => ({ range, contents: [{ value }] });
      if (!root || !(root in rootDocs)) return null;
      if (rest.length === 0) return text(`**${root}**\n\n${rootDocs[root]}`);
      if (root === 'helpers') {
        const helper = helperDocs.find((h) => h.name === rest[0]);
        return helper ? text(`\`${helper.signature}\`\n\n${helper.doc}`) : null;
      }
      if (root === 'ctx') {
        const field = ctxDocs.find((f) => f.name === rest[0]);
        return field ? text(`\`${field.signature}\`\n\n${field.doc}`) : null;
      }
      const schemas = schemasByModel.get(model.uri.toString()) ?? [];
      const hits = schemas
        .map(({ hook, schema }) => ({ hook, field: describeAt(schema, rest) }))
        .filter((hit) => hit.field !== null);
      const first = hits[0]?.field;
      if (!first)
        return text(
          `\`event.${rest.join('.')}\`: not in the payload of ${schemas.map((s) => s.hook).join(', ') || 'any attached hook'}`,
        );
      return text(
        `\`event.${rest.join('.')}: ${first.type}${first.required ? '' : ' (optional)'}\`\n\n${first.description ? `${first.description}\n\n` : ''}In: ${hits.map((hit) => hit.hook).join(', ')}`,
      );
    },
  });
}
