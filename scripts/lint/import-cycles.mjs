#!/usr/bin/env node
// Fails when the project's own TypeScript modules import each other in a cycle.
//
// A cycle makes load order decide which module sees the other half-initialised, and it means two
// folders that docs/architecture.md layers one above the other depend on each other. Every import
// counts, `import type` included: a type-only cycle does no harm at run time, but it still ties the
// two modules together, and the cure is the same (move what both need into a module below them).
//
// Tests are included: nothing imports a test file, so a test can only be part of a cycle through a
// helper it shares with the code under test, which is worth knowing; and reading them costs little.
//
// Imports are read with the typescript package's own parser and resolved with its module
// resolution and tsconfig.json's options (the `@shared/*` path included), so the graph is the one
// the compiler sees. Imports that resolve outside the folders checked (npm packages, Node) are
// leaves and cannot close a cycle.
//
// Usage: node scripts/lint/import-cycles.mjs [root [folder...]]
// Prints each cycle as a chain of files and exits 1; prints nothing and exits 0 when there is none.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const projectFolders = [
  'electron',
  'core',
  'cli',
  'runtime',
  'shared',
  'renderer/src',
  'integrations',
  'examples',
];

const sourceFile = /\.(ts|tsx|mts|cts)$/;
const skippedFolders = new Set(['node_modules', 'dist', 'out']);

function listSources(folder) {
  if (!existsSync(folder)) return [];
  const found = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!skippedFolders.has(entry.name)) found.push(...listSources(full));
    } else if (entry.isFile() && sourceFile.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      found.push(full);
    }
  }
  return found;
}

function compilerOptions(root) {
  const configFile = path.join(root, 'tsconfig.json');
  if (!existsSync(configFile))
    return { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config ?? {}, ts.sys, root, undefined, configFile).options;
}

/** Every module specifier a file imports or re-exports, statically or with import(). */
function specifiersOf(file) {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((ref) => ref.fileName);
}

/** Strongly connected components of more than one file, or of one file that imports itself. */
function cyclicComponents(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let counter = 0;
  // Iterative Tarjan: a deep import chain must not overflow the call stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [{ node: start, edges: [...graph.get(start)], next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.edges.length) {
        const target = frame.edges[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, edges: [...graph.get(target)], next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(target)));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node), low.get(frame.node)));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || graph.get(frame.node).has(frame.node)) components.push(component);
    }
  }
  return components;
}

/** The shortest chain from `start` back to itself inside one component, as a list of files. */
function shortestCycle(graph, component, start) {
  const members = new Set(component);
  const previous = new Map();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const target of graph.get(node)) {
      if (!members.has(target)) continue;
      if (target === start) {
        const chain = [start];
        for (let at = node; at !== start; at = previous.get(at)) chain.splice(1, 0, at);
        return [...chain, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/**
 * The import cycles among the TypeScript files of `folders` under `root`: one chain of files per
 * group of files that import each other (a group may hold more cycles than the chain shows; its
 * `files` lists them all), paths relative to `root`, sorted so that the output is stable.
 */
export function findImportCycles(root, folders = projectFolders) {
  const options = compilerOptions(root);
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  const files = folders.flatMap((folder) => listSources(path.join(root, folder))).map((file) => path.resolve(file));
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, new Set()]));
  for (const file of files) {
    for (const specifier of specifiersOf(file)) {
      const resolved = ts.resolveModuleName(specifier, file, options, host, cache).resolvedModule;
      const target = resolved && path.resolve(resolved.resolvedFileName);
      if (target && known.has(target)) graph.get(file).add(target);
    }
  }
  const relative = (file) => path.relative(root, file).split(path.sep).join('/');
  return cyclicComponents(graph)
    .map((component) => {
      const sorted = [...component].sort((a, b) => relative(a).localeCompare(relative(b)));
      const chain = shortestCycle(graph, component, sorted[0]);
      return { chain: chain.map(relative), files: sorted.map(relative) };
    })
    .sort((a, b) => a.chain[0].localeCompare(b.chain[0]));
}

export function formatCycles(cycles) {
  return cycles
    .map(({ chain, files }) => {
      const more = files.length > chain.length - 1 ? `\n  (files in this tangle: ${files.join(', ')})` : '';
      return `import cycle: ${chain.join(' -> ')}${more}`;
    })
    .join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [rootArgument, ...folderArguments] = process.argv.slice(2);
  const root = path.resolve(rootArgument ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
  const cycles = findImportCycles(root, folderArguments.length > 0 ? folderArguments : projectFolders);
  if (cycles.length > 0) {
    console.error(formatCycles(cycles));
    console.error(`${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} (scripts/lint/import-cycles.mjs)`);
    process.exit(1);
  }
}
