import { completionsAt, hoverAt, type Diagnostic } from "@layerlab/core";
import { monaco } from "./monaco-setup.js";

/** Images in the store, offered after FROM and --from=; the app refreshes them. */
let images: string[] = [];
export function setKnownImages(names: string[]): void {
  images = names;
}

/** Diagnostics per model, for quick fixes: the editor sets them with the markers. */
const diagnosticsByModel = new Map<string, Diagnostic[]>();
export function setModelDiagnostics(model: monaco.editor.ITextModel, diagnostics: Diagnostic[]): void {
  diagnosticsByModel.set(model.uri.toString(), diagnostics);
}

const KIND = {
  instruction: monaco.languages.CompletionItemKind.Keyword,
  flag: monaco.languages.CompletionItemKind.Property,
  stage: monaco.languages.CompletionItemKind.Reference,
  image: monaco.languages.CompletionItemKind.Module,
  variable: monaco.languages.CompletionItemKind.Variable,
} as const;

monaco.languages.registerCompletionItemProvider("dockerfile", {
  triggerCharacters: ["-", "=", "$", "{", " "],
  provideCompletionItems(model, position) {
    const r = completionsAt(model.getValue(), position.lineNumber, position.column, { images });
    const range = new monaco.Range(position.lineNumber, r.from, position.lineNumber, position.column);
    return { suggestions: r.items.map((i) => ({ label: i.label, kind: KIND[i.kind], insertText: i.insert, detail: i.detail, range })) };
  },
});

monaco.languages.registerHoverProvider("dockerfile", {
  provideHover(model, position) {
    const h = hoverAt(model.getValue(), position.lineNumber, position.column);
    if (!h) return null;
    return { range: new monaco.Range(position.lineNumber, h.from, position.lineNumber, h.to), contents: [{ value: h.markdown }] };
  },
});

// Lint findings with a mechanical fix become quick fixes (Ctrl+. on the marker).
monaco.languages.registerCodeActionProvider("dockerfile", {
  provideCodeActions(model, range) {
    const actions = (diagnosticsByModel.get(model.uri.toString()) ?? [])
      .filter((d) => d.fix && d.range.line <= range.endLineNumber && d.range.endLine >= range.startLineNumber)
      .map((d) => ({
        title: d.fix!.title,
        kind: "quickfix",
        isPreferred: true,
        edit: {
          edits: d.fix!.edits.map((e) => ({
            resource: model.uri,
            versionId: model.getVersionId(),
            textEdit: { range: new monaco.Range(e.range.line, e.range.column, e.range.endLine, e.range.endColumn), text: e.text },
          })),
        },
      }));
    return { actions, dispose: () => undefined };
  },
});
