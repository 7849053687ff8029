import type { Instruction, RunInstruction } from "../../dockerfile/ast.js";
import { parseImageReference } from "../../image/reference.js";
import type { Finding, LintInput, LintRule } from "../rule.js";
import { HADOLINT_DOCS } from "../rule.js";
import { invocations, runScript, simpleCommands, type SimpleCommand } from "../shell-commands.js";

interface RunCommands {
  run: RunInstruction;
  commands: SimpleCommand[];
}

// Several rules read the same RUN scripts: split each one once per parsed file.
const runsCache = new WeakMap<LintInput["df"], RunCommands[]>();

function runs(df: LintInput["df"]): RunCommands[] {
  let cached = runsCache.get(df);
  if (cached === undefined) {
    cached = df.instructions.flatMap((i) => {
      const ins = i.kind === "ONBUILD" && i.trigger ? i.trigger : i;
      if (ins.kind !== "RUN") return [];
      const script = runScript(ins);
      return script === null ? [] : [{ run: ins, commands: simpleCommands(script) }];
    });
    runsCache.set(df, cached);
  }
  return cached;
}

function baseImages(input: LintInput) {
  return input.resolution.split.stages.flatMap((s) => {
    const resolved = input.resolution.stages[s.index]!;
    if (resolved.baseStage !== null || s.from.image === null || resolved.image === null || resolved.image === "scratch") return [];
    const ref = parseImageReference(resolved.image);
    return ref ? [{ stage: s, ref, image: s.from.image }] : [];
  });
}

export const untaggedImage: LintRule = {
  id: "DL3006",
  severity: "warning",
  description: "Always tag the version of an image explicitly",
  url: `${HADOLINT_DOCS}DL3006`,
  hint: "write FROM image:version (or @sha256:digest) so rebuilds get the same base",
  check: (input) =>
    baseImages(input)
      .filter(({ ref, image }) => ref.tag === null && ref.digest === null && !image.raw.startsWith("$"))
      .map(({ stage, image }) => ({ range: image.range, message: "Always tag the version of an image explicitly", instruction: stage.from })),
};

export const latestTag: LintRule = {
  id: "DL3007",
  severity: "warning",
  description: "Using latest is prone to errors if the image will ever update",
  url: `${HADOLINT_DOCS}DL3007`,
  hint: "pin a release tag such as :1.36 instead of :latest",
  check: (input) =>
    baseImages(input)
      .filter(({ ref }) => ref.tag === "latest" && ref.digest === null)
      .map(({ stage, image }) => ({
        range: image.range,
        message: "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
        instruction: stage.from,
      })),
};

const APT_YES = ["-y", "--yes", "--assume-yes", "-qq", "-q=2"];
const aptInstalls = (commands: SimpleCommand[]) =>
  [...invocations(commands, "apt-get", "install"), ...invocations(commands, "apt", "install")];

function hasShortFlag(argv: string[], letter: string): boolean {
  return argv.some((a) => /^-[a-zA-Z]+$/.test(a) && a.includes(letter));
}

export const aptYes: LintRule = {
  id: "DL3014",
  severity: "warning",
  description: "Use the -y switch to avoid manual input",
  url: `${HADOLINT_DOCS}DL3014`,
  hint: "write apt-get install -y so the build never waits for a prompt",
  check: ({ df }) =>
    runs(df).flatMap(({ run, commands }) =>
      aptInstalls(commands)
        .filter((c) => !c.argv.some((a) => APT_YES.includes(a)) && !hasShortFlag(c.argv, "y"))
        .slice(0, 1)
        .map(() => ({ range: run.argsRange, message: "Use the `-y` switch to avoid manual input `apt-get -y install <package>`", instruction: run as Instruction })),
    ),
};

export const aptNoRecommends: LintRule = {
  id: "DL3015",
  severity: "info",
  description: "Avoid additional packages by specifying --no-install-recommends",
  url: `${HADOLINT_DOCS}DL3015`,
  hint: "add --no-install-recommends to install only what you asked for",
  check: ({ df }) =>
    runs(df).flatMap(({ run, commands }) =>
      invocations(commands, "apt-get", "install")
        .filter((c) => !c.argv.includes("--no-install-recommends") && !c.argv.some((a) => /APT::Install-Recommends=(false|0)/i.test(a)))
        .slice(0, 1)
        .map(() => ({ range: run.argsRange, message: "Avoid additional packages by specifying `--no-install-recommends`", instruction: run as Instruction })),
    ),
};

export const aptListsNotDeleted: LintRule = {
  id: "DL3009",
  severity: "info",
  description: "Delete the apt-get lists after installing something",
  url: `${HADOLINT_DOCS}DL3009`,
  hint: "end the same RUN with && rm -rf /var/lib/apt/lists/*, or use a cache mount for /var/lib/apt",
  check: ({ df }) =>
    runs(df).flatMap(({ run, commands }) => {
      if (aptInstalls(commands).length === 0 && invocations(commands, "apt-get", "update").length === 0) return [];
      if (run.mounts.some((m) => m.type === "cache" && m.target !== null && /^\/var\/lib\/apt(\/lists)?\/?$/.test(m.target))) return [];
      const cleaned = invocations(commands, "rm").some((c) => c.argv.some((a) => a.startsWith("/var/lib/apt/lists")));
      if (cleaned) return [];
      return [{ range: run.argsRange, message: "Delete the apt-get lists after installing something", instruction: run as Instruction }];
    }),
};

export const rootUser: LintRule = {
  id: "DL3002",
  severity: "warning",
  description: "Last USER should not be root",
  url: `${HADOLINT_DOCS}DL3002`,
  hint: "add USER with an unprivileged user at the end of the final stage",
  check: ({ resolution, graph }) => {
    const target = graph.defaultTarget;
    if (target === null) return [];
    const chain: number[] = [];
    for (let s: number | null = target; s !== null; s = resolution.stages[s]!.baseStage) chain.unshift(s);
    const users = chain.flatMap((s) => resolution.split.stages[s]!.instructions.filter((i) => i.kind === "USER"));
    const last = users[users.length - 1];
    if (last === undefined) {
      const from = resolution.split.stages[target]!.from;
      return [{ range: from.keywordRange, message: "No USER in the final stage: the container will run as root", instruction: from }];
    }
    if (last.kind !== "USER" || last.value === null) return [];
    const name = (resolution.expanded.get(last.value) ?? last.value.raw).split(":")[0];
    if (name !== "root" && name !== "0") return [];
    return [{ range: last.value.range, message: "Last USER should not be root", instruction: last }];
  },
};

export const useWorkdir: LintRule = {
  id: "DL3003",
  severity: "warning",
  description: "Use WORKDIR to switch to a directory",
  url: `${HADOLINT_DOCS}DL3003`,
  hint: "set WORKDIR /path instead of RUN cd /path && ...",
  check: ({ df }) =>
    runs(df)
      .filter(({ commands }) => invocations(commands, "cd").length > 0)
      .map(({ run }) => ({ range: run.argsRange, message: "Use WORKDIR to switch to a directory", instruction: run as Instruction })),
};

export const noSudo: LintRule = {
  id: "DL3004",
  severity: "error",
  description: "Do not use sudo",
  url: `${HADOLINT_DOCS}DL3004`,
  hint: "RUN already runs as the current USER; switch with USER root, or use gosu at runtime",
  check: ({ df }) =>
    runs(df)
      .filter(({ commands }) => invocations(commands, "sudo").length > 0)
      .map(({ run }) => ({
        range: run.argsRange,
        message: "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
        instruction: run as Instruction,
      })),
};

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|gz|bz2|xz|zst)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/)|\.git(#.*)?$/i;

export const addInsteadOfCopy: LintRule = {
  id: "DL3020",
  severity: "error",
  description: "Use COPY instead of ADD for files and folders",
  url: `${HADOLINT_DOCS}DL3020`,
  hint: "ADD is only needed to fetch URLs or unpack local archives",
  check: ({ df, resolution }) =>
    df.instructions.flatMap((i) => {
      if (i.kind !== "ADD" || i.sources.length === 0) return [];
      const local = i.sources.every((w) => {
        const p = resolution.expanded.get(w) ?? w.raw;
        return !w.raw.startsWith("<<") && !REMOTE.test(p) && !ARCHIVE.test(p);
      });
      if (!local) return [];
      return [
        {
          range: i.keywordRange,
          message: "Use COPY instead of ADD for files and folders",
          instruction: i,
          fix: { title: "Replace ADD with COPY", edits: [{ range: i.keywordRange, text: i.keyword === "add" ? "copy" : "COPY" }] },
        },
      ];
    }),
};

function sameRunOptions(a: RunInstruction, b: RunInstruction): boolean {
  const flags = (r: RunInstruction) => r.flags.map((f) => `${f.name}=${f.value}`).sort().join(" ");
  return flags(a) === flags(b);
}

export const consecutiveRuns: LintRule = {
  id: "DL3059",
  severity: "info",
  description: "Multiple consecutive RUN instructions. Consider consolidation",
  url: `${HADOLINT_DOCS}DL3059`,
  hint: "join them with && into one RUN to save a layer, unless you want them cached separately",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((stage) => {
      const findings: Finding[] = [];
      stage.instructions.forEach((ins, k) => {
        const prev = stage.instructions[k - 1];
        if (ins.kind === "RUN" && prev?.kind === "RUN" && sameRunOptions(prev, ins)) {
          findings.push({ range: ins.keywordRange, message: "Multiple consecutive `RUN` instructions. Consider consolidation.", instruction: ins });
        }
      });
      return findings;
    }),
};

/** Dependency installs whose cache is worth protecting from source edits. */
const DEPENDENCY_INSTALLS: [string, string | undefined][] = [
  ["npm", "ci"],
  ["npm", "install"],
  ["npm", "i"],
  ["yarn", undefined],
  ["pnpm", "install"],
  ["pip", "install"],
  ["pip3", "install"],
  ["poetry", "install"],
  ["pipenv", "install"],
  ["bundle", "install"],
  ["composer", "install"],
  ["go", "mod"],
  ["cargo", "fetch"],
  ["mvn", "dependency:go-offline"],
  ["gradle", "dependencies"],
];

function isCopyAll(i: Instruction): boolean {
  return (
    i.kind === "COPY" &&
    !i.flags.some((f) => f.name === "from") &&
    i.sources.some((w) => /^\.\/?$/.test(w.raw))
  );
}

export const copyAllBeforeInstall: LintRule = {
  id: "LL1001",
  severity: "warning",
  description: "COPY . before a dependency install re-runs the install on every source edit",
  url: "https://docs.docker.com/build/cache/optimize/#order-your-layers",
  hint: "first COPY only the dependency manifests (package.json, lockfile...), install, then COPY the rest",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((stage) => {
      const findings: Finding[] = [];
      stage.instructions.forEach((ins, k) => {
        if (!isCopyAll(ins)) return;
        for (const later of stage.instructions.slice(k + 1)) {
          if (later.kind !== "RUN") continue;
          const script = runScript(later);
          if (script === null) continue;
          const commands = simpleCommands(script);
          const hit = DEPENDENCY_INSTALLS.find(([p, sub]) => invocations(commands, p, sub).length > 0);
          if (!hit) continue;
          findings.push({
            range: ins.argsRange,
            message: `COPY . comes before the dependency install on line ${later.range.line} (${hit[0]}${hit[1] ? ` ${hit[1]}` : ""}): any source edit invalidates the install's cache`,
            instruction: ins,
          });
          break;
        }
      });
      return findings;
    }),
};

export const copyFromUnknownStage: LintRule = {
  id: "DL3022",
  severity: "warning",
  description: "COPY --from should reference a previously defined FROM alias",
  url: `${HADOLINT_DOCS}DL3022`,
  hint: "name an earlier stage (FROM ... AS name), or write the full image reference",
  check: ({ graph }) =>
    graph.edges
      .filter((e) => e.kind !== "from" && ((e.to === null && /^[a-z0-9][a-z0-9_.-]*$/i.test(e.ref) && !e.ref.includes(".")) || e.forward))
      .map((e) => ({
        range: e.range,
        message: e.forward
          ? `--from=${e.ref} names a stage defined later; define it before this one`
          : `--from=${e.ref} is not a stage of this Dockerfile, so it will be pulled as an image`,
        instruction: e.instruction,
      })),
};
