import { analyzeDockerfile } from "@layerlab/core";
import { useEffect, useMemo, useState } from "react";
import { DockerfileEditor, type JumpTarget } from "./editor/DockerfileEditor.js";
import { FileTree } from "./files/FileTree.js";
import { StageGraph } from "./graph/StageGraph.js";
import { DiagnosticsPanel } from "./panels/DiagnosticsPanel.js";
import { isDockerfile, useWorkspace } from "./state/workspace-store.js";

export function App() {
  const { entries, openPath, text, saved, error, loadFiles, open, edit, save } = useWorkspace();
  const [theme, setTheme] = useState<"dark" | "light">("dark");
  const [target, setTarget] = useState<number | null>(null);
  const [jump, setJump] = useState<JumpTarget | null>(null);

  useEffect(() => {
    void loadFiles();
  }, [loadFiles]);

  const dockerfile = isDockerfile(openPath);
  // Parse and lint on every keystroke: the same frontend the builder uses.
  const analysis = useMemo(() => (dockerfile ? analyzeDockerfile(text) : null), [dockerfile, text]);
  const effectiveTarget = analysis === null ? null : target !== null && target < analysis.graph.stages.length ? target : analysis.graph.defaultTarget;
  const goTo = (line: number, column = 1) => setJump({ line, column, seq: Date.now() });

  return (
    <div className={`app theme-${theme}`}>
      <header>
        <strong>Layerlab</strong>
        <span className="path">{openPath ?? ""}{text !== saved ? " ●" : ""}</span>
        <button onClick={() => void save()} disabled={text === saved} aria-label="Save file (Ctrl+S)">
          Save
        </button>
        <button onClick={() => setTheme(theme === "dark" ? "light" : "dark")} aria-label="Switch theme">
          {theme === "dark" ? "Light" : "Dark"} theme
        </button>
      </header>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <main>
        <FileTree entries={entries} openPath={openPath} onOpen={(p) => void open(p)} />
        <section className="editor" aria-label="Editor">
          {openPath !== null && (
            <DockerfileEditor
              path={openPath}
              text={text}
              language={dockerfile ? "dockerfile" : openPath.endsWith(".sh") ? "shell" : "plaintext"}
              diagnostics={analysis?.diagnostics ?? []}
              theme={theme}
              jump={jump}
              onChange={edit}
              onSave={() => void save()}
            />
          )}
        </section>
        <aside aria-label="Dockerfile structure">
          {analysis ? (
            <>
              <h2>Stages</h2>
              <label className="target">
                Target{" "}
                <select value={effectiveTarget ?? ""} onChange={(e) => setTarget(Number(e.target.value))} aria-label="Build target">
                  {analysis.graph.stages.map((s) => (
                    <option key={s.index} value={s.index}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </label>
              <StageGraph graph={analysis.graph} target={effectiveTarget} onSelectTarget={setTarget} onJump={(l) => goTo(l)} />
              <h2>Problems ({analysis.diagnostics.length})</h2>
              <DiagnosticsPanel diagnostics={analysis.diagnostics} onJump={goTo} />
            </>
          ) : (
            <p className="empty">Open a Dockerfile to see its stages and problems.</p>
          )}
        </aside>
      </main>
    </div>
  );
}
