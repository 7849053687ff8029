import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";

/**
 * A shell in a running container: xterm.js over the terminal WebSocket, which execs /bin/sh
 * with a real PTY. Keys (Ctrl-C included) go to the container's terminal; the terminal follows
 * the panel's size.
 */
export function ContainerTerminal({ containerId, theme }: { containerId: string; theme: "dark" | "light" }) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState("connecting…");

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: "ui-monospace, monospace",
      fontSize: 13,
      theme: theme === "dark" ? { background: "#16171b", foreground: "#e4e4e7" } : { background: "#ffffff", foreground: "#1f2024", cursor: "#1f2024" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/terminal?container=${encodeURIComponent(containerId)}&rows=${term.rows}&cols=${term.cols}`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      setStatus("connected");
      term.focus();
    };
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (typeof e.data !== "string") {
        term.write(new Uint8Array(e.data));
        return;
      }
      const m = JSON.parse(e.data) as { type: string; code?: number; message?: string };
      if (m.type === "exit") setStatus(`shell exited with code ${m.code}`);
      if (m.type === "error") setStatus(m.message ?? "error");
    };
    ws.onclose = () => setStatus((s) => (s === "connected" ? "disconnected" : s));
    const input = term.onData((data) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ type: "input", data })));
    const resize = term.onResize(({ rows, cols }) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ type: "resize", rows, cols })));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    return () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      ws.close();
      term.dispose();
    };
  }, [containerId, theme]);

  return (
    <div className="terminal-panel">
      <div className="terminal-status" role="status">
        Shell: {status}
      </div>
      <div className="terminal" ref={box} aria-label="Container terminal" />
    </div>
  );
}
