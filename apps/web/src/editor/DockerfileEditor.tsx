import Editor, { type OnMount } from "@monaco-editor/react";
import type { Diagnostic } from "@layerlab/core";
import { useEffect, useMemo, useRef } from "react";
import { monaco } from "./monaco-setup.js";
import { setModelDiagnostics } from "./dockerfile-assist.js";

const SEVERITY = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
} as const;

/** What the last build said about a line: shown after the line, with the reason on hover. */
export interface LineNote {
  line: number;
  text: string;
  kind: "hit" | "miss" | "failed" | "running";
  hover: string;
}

export interface JumpTarget {
  line: number;
  column: number;
  seq: number;
}

interface Props {
  path: string;
  text: string;
  language: string;
  diagnostics: Diagnostic[];
  theme: "dark" | "light";
  jump: JumpTarget | null;
  notes: LineNote[];
  onChange(text: string): void;
  onBuild(): void;
  onSave(): void;
}

/** Monaco with core's diagnostics as markers; the text is owned by the workspace store. */
export function DockerfileEditor({ path, text, language, diagnostics, theme, jump, notes, onChange, onSave, onBuild }: Props) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const saveRef = useRef(onSave);
  saveRef.current = onSave;
  const buildRef = useRef(onBuild);
  buildRef.current = onBuild;
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor as unknown as monaco.editor.IStandaloneCodeEditor;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => buildRef.current());
    decorations.current = editorRef.current.createDecorationsCollection([]);
  };

  // Build results are decorations only: the text model is never touched by build events.
  // The page re-renders as build steps change; the decorations are redrawn only when a note does.
  const drawnNotes = useRef("");
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || !decorations.current) return;
    const key = `${model.getVersionId()}\0${JSON.stringify(notes)}`;
    if (key === drawnNotes.current) return;
    drawnNotes.current = key;
    decorations.current.set(
      notes.filter((n) => n.line <= model.getLineCount()).map((n) => ({
        range: new monaco.Range(n.line, model.getLineMaxColumn(n.line), n.line, model.getLineMaxColumn(n.line)),
        options: {
          after: { content: `   ${n.text}`, inlineClassName: `line-note line-note-${n.kind}` },
          showIfCollapsed: true,
          hoverMessage: { value: n.hover },
        },
      })),
    );
  }, [notes, text]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    setModelDiagnostics(model, diagnostics);
    monaco.editor.setModelMarkers(
      model,
      "layerlab",
      diagnostics.map((d) => ({
        severity: SEVERITY[d.severity],
        message: d.hint ? `${d.message}\n${d.hint}` : d.message,
        code: d.url ? { value: d.code, target: monaco.Uri.parse(d.url) } : d.code,
        startLineNumber: d.range.line,
        startColumn: d.range.column,
        endLineNumber: d.range.endLine,
        endColumn: Math.max(d.range.endColumn, d.range.column + (d.range.line === d.range.endLine ? 1 : 0)),
      })),
    );
  }, [diagnostics, text]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || jump === null) return;
    editor.revealLineInCenter(jump.line);
    editor.setPosition({ lineNumber: jump.line, column: jump.column });
    editor.focus();
  }, [jump]);

  // A new options object makes Monaco re-apply every option; the page re-renders during builds.
  const options = useMemo(() => ({ minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, automaticLayout: true, ariaLabel: `Editor for ${path}` }), [path]);
  return (
    <Editor
      path={path}
      value={text}
      language={language}
      theme={theme === "dark" ? "vs-dark" : "vs"}
      onMount={onMount}
      onChange={(v) => onChange(v ?? "")}
      options={options}
    />
  );
}
