import { readFileSync } from "node:fs";
import { UsageError } from "./args.js";

/** Reads the Dockerfile named by -f (default ./Dockerfile; `-` for stdin). */
export function readDockerfile(path: string | undefined): { path: string; text: string } {
  const file = path ?? "Dockerfile";
  try {
    return { path: file === "-" ? "<stdin>" : file, text: readFileSync(file === "-" ? 0 : file, "utf8") };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT" ? `${file}: no such file; pass the Dockerfile with -f PATH` : `${file}: cannot read (${code ?? "error"})`,
    );
  }
}
