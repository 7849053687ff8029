import { useEffect, useRef, useState } from "react";
import { api, type FileRow, type FilesQuery, errorText } from "../api/client.js";
import { formatSize } from "../format/size.js";

const ROW = 22;
const PAGE = 500;

/**
 * One directory of a layer, however large: only the rows in view are drawn, and rows are
 * fetched a page at a time as they scroll into view, so a directory of 100,000 files opens as
 * fast as one of ten.
 */
export function VirtualFileList({ imageId, layer, query, onOpenDir, onOpenFile, onError }: { imageId: string; layer: number; query: FilesQuery; onOpenDir(path: string): void; onOpenFile(row: FileRow): void; onError(message: string): void }) {
  const [total, setTotal] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, FileRow[] | "loading">());
  const box = useRef<HTMLDivElement>(null);
  const key = `${imageId}\0${layer}\0${query.dir}\0${query.view}\0${query.q}\0${query.sort}`;
  const keyRef = useRef(key);

  const load = (page: number, forKey: string) => {
    if (pages.current.has(page)) return;
    pages.current.set(page, "loading");
    api
      .layerFiles(imageId, layer, query, page * PAGE, PAGE)
      .then((r) => {
        if (forKey !== keyRef.current) return;
        pages.current.set(page, r.entries);
        setTotal(r.total);
        setVersion((v) => v + 1);
      })
      .catch((e: unknown) => onError(errorText(e)));
  };
  useEffect(() => {
    keyRef.current = key;
    pages.current = new Map();
    setTotal(0);
    setScrollTop(0);
    if (box.current) box.current.scrollTop = 0;
    load(0, key);
  }, [key]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight || 400));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - 5);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW) + 5);
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last - 1) / PAGE); p++) load(p, key);
  });

  const rows: { index: number; row: FileRow | null }[] = [];
  for (let i = first; i < last; i++) {
    const page = pages.current.get(Math.floor(i / PAGE));
    rows.push({ index: i, row: Array.isArray(page) ? (page[i % PAGE] ?? null) : null });
  }

  return (
    <div className="file-table" role="table" aria-label="Files" aria-rowcount={total} ref={box} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: total * ROW, position: "relative" }}>
        {rows.map(({ index, row }) => (
          <div key={index} role="row" className={`file-row change-${row?.change ?? "unchanged"}`} style={{ top: index * ROW, height: ROW }} aria-rowindex={index + 1}>
            {row === null ? (
              <span className="file-name empty">…</span>
            ) : (
              <>
                <span className="file-change">{row.change === "unchanged" ? "" : row.change}</span>
                <span className="file-name">
                  {row.type === "dir" ? (
                    <button onClick={() => onOpenDir(row.path)} aria-label={`Open directory ${row.path}`}>
                      {row.name}/
                    </button>
                  ) : row.type === "file" && row.change !== "deleted" ? (
                    <button onClick={() => onOpenFile(row)} aria-label={`View file ${row.path}`}>
                      {row.name}
                    </button>
                  ) : (
                    <span>
                      {row.name}
                      {row.linkname ? ` → ${row.linkname}` : ""}
                    </span>
                  )}
                </span>
                <span className="file-mode">{row.type === "symlink" ? "l" : row.type === "dir" ? "d" : "-"}{(row.mode & 0o777).toString(8).padStart(3, "0")}</span>
                <span className="file-size">{row.type === "file" || row.type === "dir" ? formatSize(row.size) : ""}</span>
              </>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
