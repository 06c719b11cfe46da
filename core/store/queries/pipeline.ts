import { isHookId, type HookId } from '../../../shared/hooks';
import { maxLayersPerHook, maxScriptsPerLayer } from '../../../shared/engine';
import { StoreError } from '../errors';
import { checkSecretName, checkVariableName } from '../names';
import { writeTransaction, type QueryContext } from './context';

// The pipeline: per hook, ordered layers of script ids; its variables; its declared secret names.
// Layers are replaced per hook as a whole (the editor sends the hook's new arrangement), which
// keeps positions dense and the bundle's rules (docs/formats.md) checkable in one place: at most
// 10 layers of 1–5 scripts, a script at most once per hook, only workspace scripts not archived.

export type HookLayerMap = Partial<Record<HookId, string[][]>>;

interface StepRow {
  hook: string;
  layer: number;
  script_id: string;
}

export function createPipelineQueries({ db }: QueryContext) {
  const selectSteps = db.prepare<[], StepRow>(
    'SELECT hook, layer, script_id FROM pipeline_steps ORDER BY hook, layer, position',
  );
  const selectHookSteps = db.prepare<[string], StepRow>(
    'SELECT hook, layer, script_id FROM pipeline_steps WHERE hook = ? ORDER BY layer, position',
  );
  const insertStep = db.prepare('INSERT INTO pipeline_steps (hook, layer, position, script_id) VALUES (?, ?, ?, ?)');
  const activeScript = db.prepare<[string], { archived_at: number | null }>(
    'SELECT archived_at FROM scripts WHERE id = ?',
  );

  const checkLayers = (hook: HookId, layers: readonly (readonly string[])[]): void => {
    if (layers.length > maxLayersPerHook) {
      throw new StoreError('INVALID', `${hook}: ${layers.length} layers; a hook may have at most ${maxLayersPerHook}.`);
    }
    const seen = new Set<string>();
    layers.forEach((layer, i) => {
      if (layer.length === 0 || layer.length > maxScriptsPerLayer) {
        throw new StoreError(
          'INVALID',
          `${hook}: layer ${i + 1} has ${layer.length} scripts; a layer holds 1–${maxScriptsPerLayer}.`,
        );
      }
      for (const id of layer) {
        if (seen.has(id)) throw new StoreError('INVALID', `${hook}: script "${id}" appears twice.`);
        seen.add(id);
        const script = activeScript.get(id);
        if (!script) throw new StoreError('NOT_FOUND', `${hook}: there is no script "${id}".`);
        if (script.archived_at !== null) throw new StoreError('CONFLICT', `${hook}: script "${id}" is archived.`);
      }
    });
  };

  const replaceLayers = (hook: HookId, layers: readonly (readonly string[])[]): void => {
    db.prepare('DELETE FROM pipeline_steps WHERE hook = ?').run(hook);
    layers.forEach((layer, i) => layer.forEach((id, j) => insertStep.run(hook, i, j, id)));
  };

  return {
    /** Every hook that has layers. */
    hooks(): HookLayerMap {
      const map: HookLayerMap = {};
      for (const row of selectSteps.all()) {
        if (!isHookId(row.hook)) continue;
        const layers = (map[row.hook] ??= []);
        (layers[row.layer] ??= []).push(row.script_id);
      }
      return map;
    },

    layers(hook: HookId): string[][] {
      const layers: string[][] = [];
      for (const row of selectHookSteps.all(hook)) (layers[row.layer] ??= []).push(row.script_id);
      return layers;
    },

    /** Replaces the hook's layers (an empty list removes the hook from the pipeline). */
    setLayers(hook: HookId, layers: readonly (readonly string[])[]): void {
      if (!isHookId(hook)) throw new StoreError('INVALID', `Unknown hook "${String(hook)}".`);
      writeTransaction(db, () => {
        checkLayers(hook, layers);
        replaceLayers(hook, layers);
      });
    },

    /** Replaces the whole arrangement: hooks left out lose their layers. */
    setHooks(map: HookLayerMap): void {
      writeTransaction(db, () => {
        for (const [hook, layers] of Object.entries(map)) {
          if (!isHookId(hook)) throw new StoreError('INVALID', `Unknown hook "${hook}".`);
          checkLayers(hook, layers ?? []);
        }
        db.prepare('DELETE FROM pipeline_steps').run();
        for (const [hook, layers] of Object.entries(map) as [HookId, string[][] | undefined][]) {
          replaceLayers(hook, layers ?? []);
        }
      });
    },

    /** Pipeline variables in the order they were defined. */
    env(): Record<string, string> {
      const rows = db
        .prepare<[], { name: string; value: string }>('SELECT name, value FROM pipeline_env ORDER BY position')
        .all();
      return Object.fromEntries(rows.map((row) => [row.name, row.value]));
    },

    setEnv(env: Readonly<Record<string, string>>): void {
      writeTransaction(db, () => {
        for (const name of Object.keys(env)) checkVariableName(name);
        db.prepare('DELETE FROM pipeline_env').run();
        const insert = db.prepare('INSERT INTO pipeline_env (name, value, position) VALUES (?, ?, ?)');
        Object.entries(env).forEach(([name, value], i) => insert.run(name, value, i));
      });
    },

    setVariable(name: string, value: string): void {
      checkVariableName(name);
      db.prepare(
        `INSERT INTO pipeline_env (name, value, position)
         VALUES (?, ?, (SELECT coalesce(max(position) + 1, 0) FROM pipeline_env))
         ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      ).run(name, value);
    },

    removeVariable(name: string): boolean {
      return db.prepare('DELETE FROM pipeline_env WHERE name = ?').run(name).changes > 0;
    },

    /** Declared secret names (what scripts may read with helpers.secret), in declaration order. */
    secrets(): string[] {
      return db
        .prepare<[], { name: string }>('SELECT name FROM pipeline_secrets ORDER BY position')
        .all()
        .map((row) => row.name);
    },

    setSecrets(names: readonly string[]): void {
      writeTransaction(db, () => {
        const unique = [...new Set(names)];
        unique.forEach(checkSecretName);
        db.prepare('DELETE FROM pipeline_secrets').run();
        const insert = db.prepare('INSERT INTO pipeline_secrets (name, position) VALUES (?, ?)');
        unique.forEach((name, i) => insert.run(name, i));
      });
    },

    declareSecret(name: string): void {
      checkSecretName(name);
      db.prepare(
        `INSERT INTO pipeline_secrets (name, position)
         VALUES (?, (SELECT coalesce(max(position) + 1, 0) FROM pipeline_secrets))
         ON CONFLICT (name) DO NOTHING`,
      ).run(name);
    },

    undeclareSecret(name: string): boolean {
      return db.prepare('DELETE FROM pipeline_secrets WHERE name = ?').run(name).changes > 0;
    },
  };
}

export type PipelineQueries = ReturnType<typeof createPipelineQueries>;
