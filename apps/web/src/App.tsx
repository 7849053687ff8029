import { analyzeDockerfile } from "@layerlab/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import { DockerfileEditor, type JumpTarget, type LineNote } from "./editor/DockerfileEditor.js";
import { BuildTimeline } from "./panels/BuildTimeline.js";
import { ImageView } from "./images/ImageView.js";
import { useShallow } from "zustand/react/shallow";
import { useBuild } from "./state/build-store.js";
import { FileTree } from "./files/FileTree.js";
import { StageGraph } from "./graph/StageGraph.js";
import { DiagnosticsPanel } from "./panels/DiagnosticsPanel.js";
import { isDockerfile, useWorkspace } from "./state/workspace-store.js";
import { ImagesPage } from "./images/ImagesPage.js";
import { ContainersPage } from "./containers/ContainersPage.js";
import { stageStatuses } from "./state/stage-status.js";
import { setKnownImages } from "./editor/dockerfile-assist.js";
import { api } from "./api/client.js";
import { ShortcutsHelp } from "./help/ShortcutsHelp.js";
import { BuildHistory } from "./panels/BuildHistory.js";
import { ErrorMessage } from "./panels/ErrorMessage.js";

type Page = "workspace" | "images" | "containers";
const PAGES: [Page, string][] = [
  ["workspace", "Workspace"],
  ["images", "Images"],
  ["containers", "Containers"],
];

export function App() {
  const { entries, openPath, text, saved, error, loadFiles, open, edit, save } = useWorkspace();
  const [theme, setTheme] = useState<"dark" | "light">("dark");
  const [target, setTarget] = useState<number | null>(null);
  const [jump, setJump] = useState<JumpTarget | null>(null);

  // Only what the page shows: build output, most of a build's events, never re-renders it.
  const buildState = useBuild(useShallow((b) => ({ id: b.id, status: b.status, stages: b.stages, steps: b.steps, imageId: b.imageId })));
  const [buildArgs, setBuildArgs] = useState("");
  const [builtFile, setBuiltFile] = useState<string | null>(null);
  const [openImage, setOpenImage] = useState<string | null>(null);
  const [page, setPage] = useState<Page>("workspace");
  const [container, setContainer] = useState<string | null>(null);
  const [help, setHelp] = useState(false);

  // Page keys work everywhere; `?` and Esc only outside text fields and the editor.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && (e.target.closest(".monaco-editor, .terminal") !== null || ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName));
      if (e.altKey && ["1", "2", "3"].includes(e.key)) {
        setPage(PAGES[Number(e.key) - 1]![0]);
        e.preventDefault();
      } else if (!typing && e.key === "?") setHelp(true);
      else if (!typing && e.key === "Escape") {
        if (help) setHelp(false);
        else setOpenImage(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [help]);

  useEffect(() => {
    void loadFiles();
    useBuild.getState().connect();
  }, [loadFiles]);

  // Image names for completion after FROM and --from=, refreshed when a build ends.
  useEffect(() => {
    api
      .images()
      .then((r) => setKnownImages(r.images.flatMap((i) => i.tags)))
      // Completion works without image names; the Images page shows the error itself.
      .catch((e: unknown) => console.warn("image names for completion:", e));
  }, [buildState.imageId]);

  const dockerfile = isDockerfile(openPath);
  // Parse and lint on every keystroke: the same frontend the builder uses.
  const analysis = useMemo(() => (dockerfile ? analyzeDockerfile(text) : null), [dockerfile, text]);
  const effectiveTarget = analysis === null ? null : target !== null && target < analysis.graph.stages.length ? target : analysis.graph.defaultTarget;
  const goTo = useCallback((line: number, column = 1) => setJump({ line, column, seq: Date.now() }), []);
  const openFile = useCallback((p: string) => void open(p), [open]);
  const statuses = useMemo(() => stageStatuses(buildState), [buildState]);
  const startBuild = async () => {
    if (openPath === null || !dockerfile) return;
    if (text !== saved) await save();
    const args = Object.fromEntries(
      buildArgs
        .split(/[,\n]/)
        .map((p) => p.trim())
        .filter((p) => p.includes("="))
        .map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]),
    );
    const targetName = analysis && effectiveTarget !== null ? analysis.graph.stages[effectiveTarget]!.label : undefined;
    setBuiltFile(openPath);
    useBuild.getState().start({ dockerfile: openPath, ...(targetName && effectiveTarget !== analysis?.graph.defaultTarget ? { target: targetName } : {}), buildArgs: args });
  };
  const notes: LineNote[] = useMemo(
    () =>
      builtFile !== openPath
        ? []
        : [...buildState.steps.values()].filter((s) => s.cache === "hit" || s.cache === "miss" || s.status !== "done").map((s) => {
          const size = s.layer ? ` · ${(s.layer.size / 1000).toFixed(1)}kB` : "";
          const time = s.durationMs !== null ? ` · ${(s.durationMs / 1000).toFixed(1)}s` : "";
          const kind: LineNote["kind"] = s.status === "failed" ? "failed" : s.status === "running" ? "running" : s.cache === "hit" ? "hit" : "miss";
          const label = kind === "failed" ? "✗ failed" : kind === "running" ? "… running" : kind === "hit" ? "✓ cached" : s.cache === "miss" ? "● built" : "";
          return { line: s.line, kind, text: `${label}${time}${size}`, hover: s.reason ? `**Cache miss**: ${s.reason}` : kind === "hit" ? "Cache hit" : s.instruction };
        }).filter((n) => n.text !== ""),
    [builtFile, openPath, buildState.steps],
  );

  return (
    <div className={`app theme-${theme}`}>
      <header>
        <strong>Layerlab</strong>
        <nav className="tabs" aria-label="Pages">
          {PAGES.map(([id, label]) => (
            <button key={id} className={page === id ? "tab active" : "tab"} aria-current={page === id ? "page" : undefined} onClick={() => setPage(id)}>
              {label}
            </button>
          ))}
        </nav>
        {page === "workspace" ? (
          <>
        <span className="path">{openPath ?? ""}{text !== saved ? " ●" : ""}</span>
        <button onClick={() => void save()} disabled={text === saved} aria-label="Save file (Ctrl+S)">
          Save
        </button>
        <input className="build-args" value={buildArgs} onChange={(e) => setBuildArgs(e.target.value)} placeholder="build args: NAME=value, …" aria-label="Build arguments" />
        <button className="primary" onClick={() => void startBuild()} disabled={!dockerfile || buildState.status === "running" || buildState.status === "queued"} aria-label="Build (Ctrl+Enter)">
          Build
        </button>
        {(buildState.status === "running" || buildState.status === "queued") && (
          <button onClick={() => useBuild.getState().cancel()} aria-label="Cancel the build">
            Cancel
          </button>
        )}
          </>
        ) : (
          <span className="path" />
        )}
        <button onClick={() => setHelp(true)} aria-label="Keyboard shortcuts (?)">
          ?
        </button>
        <button onClick={() => setTheme(theme === "dark" ? "light" : "dark")} aria-label="Switch theme">
          {theme === "dark" ? "Light" : "Dark"} theme
        </button>
      </header>
      <ErrorMessage error={error} />
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
      {page !== "workspace" && (
        <section className="page-host">
          {openImage !== null && <ImageView imageId={openImage} onClose={() => setOpenImage(null)} />}
          {page === "images" ? (
            <ImagesPage
              onOpen={setOpenImage}
              onRun={(id) => {
                setContainer(id);
                setPage("containers");
              }}
            />
          ) : (
            <ContainersPage selected={container} onSelect={setContainer} onOpenImage={setOpenImage} theme={theme} />
          )}
        </section>
      )}
      <main hidden={page !== "workspace"}>
        <FileTree entries={entries} openPath={openPath} onOpen={openFile} />
        <section className="editor" aria-label="Editor">
          {openImage !== null && page === "workspace" && <ImageView imageId={openImage} onClose={() => setOpenImage(null)} />}
          {openPath !== null && (
            <DockerfileEditor
              path={openPath}
              text={text}
              language={dockerfile ? "dockerfile" : openPath.endsWith(".sh") ? "shell" : "plaintext"}
              diagnostics={analysis?.diagnostics ?? []}
              theme={theme}
              jump={jump}
              notes={notes}
              onChange={edit}
              onSave={() => void save()}
              onBuild={() => void startBuild()}
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
              <StageGraph graph={analysis.graph} target={effectiveTarget} onSelectTarget={setTarget} onJump={goTo} statuses={builtFile === openPath ? statuses : undefined} />
              <h2>Problems ({analysis.diagnostics.length})</h2>
              <DiagnosticsPanel diagnostics={analysis.diagnostics} onJump={goTo} />
              <h2>Build</h2>
              <BuildTimeline onJump={goTo} onOpenImage={setOpenImage} />
              <h2>History</h2>
              <BuildHistory refreshKey={`${buildState.id}:${buildState.status}`} onOpenImage={setOpenImage} />
            </>
          ) : (
            <p className="empty">Open a Dockerfile to see its stages and problems.</p>
          )}
        </aside>
      </main>
    </div>
  );
}
