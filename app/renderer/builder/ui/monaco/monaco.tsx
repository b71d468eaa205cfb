// Monaco, as much of it as the builder uses, with its workers running from our own bundle.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import * as typescript from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import { sdkTypeLibs } from 'virtual:flowdeck-sdk-types';
import { AMBIENT_LIBS, FLOW_COMPILER_OPTIONS } from './extra-libs.js';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

// Without this Monaco falls back to running language services on the main thread, freezing the UI.
window.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
  },
};

const defaults = typescript.typescriptDefaults;
defaults.setCompilerOptions({
  ...FLOW_COMPILER_OPTIONS,
  target: typescript.ScriptTarget.ESNext,
  module: typescript.ModuleKind.ESNext,
  moduleResolution: typescript.ModuleResolutionKind.NodeJs,
});
defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
// One call: every addExtraLib restarts the worker.
defaults.setExtraLibs([...sdkTypeLibs, ...AMBIENT_LIBS]);
defaults.setEagerModelSync(true);

export { monaco, typescript };
