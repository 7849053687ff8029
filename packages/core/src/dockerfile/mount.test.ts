import { describe, expect, it } from "vitest";
import { parseMount } from "./mount.js";

const ok = (v: string) => {
  const r = parseMount(v);
  if ("error" in r) throw new Error(r.error);
  return r.mount;
};
const error = (v: string) => {
  const r = parseMount(v);
  return "error" in r ? r.error : null;
};

describe("RUN --mount (BuildKit commands_runmount.go)", () => {
  it("defaults to a read-only bind mount", () => {
    expect(ok("target=/src")).toMatchObject({ type: "bind", target: "/src", readonly: true });
    expect(ok("type=bind,source=/x,target=/y,rw")).toMatchObject({ readonly: false, source: "/x" });
  });

  it("resolves key aliases and lower-cases keys", () => {
    expect(ok("TYPE=cache,DST=/root/.cache,Sharing=LOCKED")).toMatchObject({ type: "cache", target: "/root/.cache", options: { sharing: "locked" } });
    expect(ok("type=bind,from=builder,src=/out,destination=/in")).toMatchObject({ from: "builder", source: "/out", target: "/in" });
  });

  it("cache mounts are writable, secret and ssh read-only", () => {
    expect(ok("type=cache,target=/c").readonly).toBe(false);
    expect(ok("type=secret,id=npmrc").readonly).toBe(true);
    expect(ok("type=ssh").readonly).toBe(true);
    expect(ok("type=tmpfs,target=/t,size=64m").options.size).toBe("64m");
  });

  it("checks type-dependent keys against the type set so far, so type= must come first", () => {
    expect(error("size=1G,type=tmpfs")).toBe("unexpected key 'size' for mount type 'bind'");
    expect(error("required,type=secret")).toBe("unexpected key 'required' for mount type 'bind'");
    expect(error("type=secret,required,id=x")).toBeNull();
  });

  it("reports bad fields, types and values with BuildKit's wording", () => {
    expect(error("type=volume,target=/x")).toBe('unsupported mount type "volume"');
    expect(error("type=cache,target")).toBe("invalid field 'target' must be a key=value pair");
    expect(error("type=cache,targt=/x")).toBe("unexpected key 'targt' in 'targt=/x' (did you mean target?)");
    expect(error("type=cache,target=/x,sharing=some")).toBe('unsupported sharing value "some"');
    expect(error("type=bind,target=/x,ro=maybe")).toBe("invalid value for ro: maybe");
    expect(error("type=bind,target=/x,mode=0755")).toBe('mode not allowed for "bind" type mounts');
    expect(error("type=secret,from=a,id=x")).toBe("secret mount should not have a from");
    expect(error("type=secret")).toBe("invalid secret mount. one of source, target required");
    expect(error("")).toBe("failed to parse csv mounts: EOF");
    expect(error('type=bind,target="/a')).toMatch(/^failed to parse csv mounts/);
  });

  it("CSV quoting lets a value contain commas", () => {
    expect(ok('type=bind,"target=/a,b"').target).toBe("/a,b");
  });
});
