// The baseline the issue names: plain wasmoon on one thread calling the same five scripts, with no
// sandbox, no limits and no traces. Each script is compiled once into a function of (event, ctx);
// the event goes in through wasmoon's own converter, as a straightforward integration would do.
import { LuaFactory } from 'wasmoon';
import { layers, scripts } from './pipeline-fixture.mjs';

export async function createBarePipeline() {
  const factory = new LuaFactory();
  const lua = await factory.createEngine();
  const functions = {};
  for (const [id, source] of Object.entries(scripts)) {
    // wasmoon leaves results on the stack (docs/engine.md, "Measured facts about wasmoon": results
    // left on the stack): wrap so doString returns nothing.
    await lua.doString(`__bench_${id.replaceAll('-', '_')} = function(event, ctx) ${source}\nend`);
    functions[id] = lua.global.get(`__bench_${id.replaceAll('-', '_')}`);
  }
  return {
    /** Runs the 5 scripts layer by layer; a deny ends the run. Returns the decision. */
    run(event) {
      const results = {};
      for (const layer of layers) {
        let denied = null;
        for (const id of layer) {
          const value = functions[id](event, { results });
          results[id] = value;
          if (value && typeof value === 'object' && value.allow === false && !denied) denied = value;
        }
        if (denied) return { allow: false, reason: denied.reason };
      }
      return { allow: true };
    },
    close() {
      lua.global.close();
    },
  };
}
