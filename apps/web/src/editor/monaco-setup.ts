import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/esm/vs/editor/editor.api";
// editor.api is the bare editor; the contributions bring suggestions, hovers, quick fixes, find...
import "monaco-editor/esm/vs/editor/editor.all.js";
import "monaco-editor/esm/vs/basic-languages/dockerfile/dockerfile.contribution";
import "monaco-editor/esm/vs/basic-languages/shell/shell.contribution";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker?worker";

// Monaco is bundled with the app: the default loader would fetch it from a CDN.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
loader.config({ monaco });

export { monaco };

/** Read-only view of the editor's markers, for end-to-end tests and debugging in the console. */
(window as unknown as { layerlabMarkers: () => unknown }).layerlabMarkers = () =>
  monaco.editor
    .getModelMarkers({ owner: "layerlab" })
    .map((m) => ({ line: m.startLineNumber, column: m.startColumn, message: m.message, severity: m.severity }));

/** Build notes drawn after editor lines, for end-to-end tests. */
(window as unknown as { layerlabLineNotes: () => unknown }).layerlabLineNotes = () =>
  monaco.editor
    .getEditors()
    .flatMap((e) => e.getModel()?.getAllDecorations() ?? [])
    .filter((d) => d.options.after?.content)
    .map((d) => ({ line: d.range.startLineNumber, text: d.options.after!.content.trim() }));

/** The open model's text, for end-to-end tests. */
(window as unknown as { layerlabEditorText: () => string }).layerlabEditorText = () => monaco.editor.getEditors()[0]?.getModel()?.getValue() ?? "";
