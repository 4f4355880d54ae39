import * as render from "./render.js";
import * as up from "./up.js";
import * as myapp from "./myapp.js";
import * as check from "./check.js";
import * as checkPeers from "./check-peers.js";
import * as corpus from "./corpus.js";
import * as cluster from "./cluster.js";
import * as kinds from "./kinds.js";

/** Every benchmark suite, in the order results.md lists them. */
export const suites = [
  { name: "render", run: render.run },
  { name: "up", run: up.run },
  { name: "myapp", run: myapp.run },
  { name: "check", run: check.run },
  { name: "check-peers", run: checkPeers.run },
  { name: "corpus", run: corpus.run },
  { name: "cluster", run: cluster.run },
  { name: "kinds", run: kinds.run },
];
