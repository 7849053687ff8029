import { describe, expect, it } from "vitest";
import { nonPublicReason } from "./public-address.js";

describe("addresses ADD may fetch from", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["10.1.2.3", "a private address"],
    ["172.20.0.1", "a private address"],
    ["192.168.1.1", "a private address"],
    ["169.254.169.254", "a link-local address (cloud metadata lives here)"],
    ["100.100.0.1", "a carrier-grade NAT address"],
    ["0.0.0.0", "an unspecified address"],
    ["239.1.1.1", "a multicast or reserved address"],
    ["::1", "a loopback address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["fd00::1", "a private address"],
    ["fe80::1", "a link-local address"],
  ])("%s is %s", (address, reason) => expect(nonPublicReason(address)).toBe(reason));

  it("allows public addresses", () => {
    expect(nonPublicReason("93.184.216.34")).toBeNull();
    expect(nonPublicReason("2606:4700::1111")).toBeNull();
    expect(nonPublicReason("172.32.0.1")).toBeNull();
  });
});
