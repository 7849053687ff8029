import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { importRootfs } from "../archive/import-rootfs.js";
import { ContainerStore } from "../container/container-store.js";
import { startContainer } from "../container/container-runtime.js";
import { createContainer } from "../container/create-container.js";
import { parseTagName } from "../image/image-name.js";
import { ImageStore } from "../store/image-store.js";
import { build } from "./engine.js";

describe("a built image under Layerlab's own run path", () => {
  it("runs with the ENTRYPOINT, CMD, ENV, WORKDIR and USER the Dockerfile gave it", async () => {
    const store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-built-run-")));
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("bb:1")!] });
    const context = mkdtempSync(join(tmpdir(), "layerlab-built-run-ctx-"));
    writeFileSync(join(context, "greeting"), "hello from the context\n");
    const dockerfile = [
      "FROM bb:1",
      "COPY --chown=user greeting /srv/greeting",
      "RUN echo built-by-run > /srv/built",
      "ENV WHO=layerlab",
      "WORKDIR /srv",
      "USER user",
      'ENTRYPOINT ["sh", "-c", "cat greeting built; echo \\"$WHO $(id -un) $(pwd) $0 $1\\""]',
      'CMD ["first", "second"]',
      "",
    ].join("\n");
    const { imageId } = await build({ store, contextDir: context, dockerfilePath: "Dockerfile", dockerfileText: dockerfile, tags: ["app:1"] });
    const containers = await ContainerStore.open(store);
    const run = async (args: string[] = []) => {
      const c = await createContainer(containers, "app:1", { args });
      expect(c.image).toBe(imageId);
      let out = "";
      const code = await (await startContainer(containers, c.id, { onOutput: (_s, d) => (out += d.toString()) })).exited;
      return { code, out };
    };
    expect(await run()).toEqual({ code: 0, out: "hello from the context\nbuilt-by-run\nlayerlab user /srv first second\n" });
    expect((await run(["x"])).out).toBe("hello from the context\nbuilt-by-run\nlayerlab user /srv x \n");
  });
});
