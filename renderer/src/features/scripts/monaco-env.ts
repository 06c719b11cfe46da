import * as monaco from 'monaco-editor/editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import 'monaco-editor/languages/definitions/lua/register';
import './monaco-features';
import { registerLuaIntellisense } from './lua-intellisense';

// Bundled and offline: the editor worker is an ES module served from the app's own origin
// (worker-src 'self'), so nothing is fetched from a CDN and no blob or eval is needed.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

const dark = window.matchMedia('(prefers-color-scheme: dark)');
const theme = () => (dark.matches ? 'vs-dark' : 'vs');
dark.addEventListener('change', () => monaco.editor.setTheme(theme()));

registerLuaIntellisense(monaco);

export { monaco, theme };
